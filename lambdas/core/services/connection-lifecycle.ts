import type { Deps } from '../clients.ts';
import {
  type ConnectionRecord,
  deleteConnection,
  putConnection,
  touchConnection,
} from '../store/connections.ts';

export interface OpenConnectionInput {
  readonly connectionId: string;
  readonly userId: string;
  readonly roles: readonly string[];
  readonly device?: string;
  readonly connectedAt: number;
  readonly sourceIp?: string;
  readonly userAgent?: string;
}

/** Records a connection that passed the authorizer. */
export async function openConnection(deps: Deps, input: OpenConnectionInput): Promise<ConnectionRecord> {
  return putConnection(deps, input);
}

/**
 * Removes a connection and everything hanging off it. Called on `$disconnect`, and by delivery
 * when API Gateway answers 410, since `$disconnect` is best-effort.
 */
export async function closeConnection(
  deps: Deps,
  connectionId: string,
): Promise<ConnectionRecord | undefined> {
  return deleteConnection(deps, connectionId);
}

/** A heartbeat: last-seen moves on. False when the record is already gone. */
export async function refreshConnection(deps: Deps, connectionId: string): Promise<boolean> {
  return touchConnection(deps, connectionId);
}
