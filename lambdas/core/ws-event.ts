/**
 * The API Gateway WebSocket event as this code reads it (the emulator in `local/` produces the
 * same shape; see docs/emulator.md).
 */
export interface WebSocketEvent {
  readonly requestContext: {
    readonly routeKey: string;
    readonly eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
    readonly connectionId: string;
    readonly requestId: string;
    readonly connectedAt: number;
    readonly requestTimeEpoch: number;
    readonly domainName: string;
    readonly stage: string;
    readonly identity: { readonly sourceIp: string; readonly userAgent?: string };
    /** The authorizer's context; API Gateway hands values over as strings. */
    readonly authorizer?: Record<string, unknown>;
    readonly disconnectStatusCode?: number;
    readonly disconnectReason?: string;
  };
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly queryStringParameters?: Record<string, string>;
}

/** A Lambda proxy result; on two-way routes API Gateway sends `body` to the client. */
export interface WebSocketResult {
  readonly statusCode: number;
  readonly body?: string;
  readonly headers?: Record<string, string>;
}

/** The connection's user as the authorizer established it. */
export interface Caller {
  readonly connectionId: string;
  readonly userId: string;
  readonly roles: readonly string[];
}

export function callerOf(event: WebSocketEvent): Caller {
  const context = event.requestContext.authorizer ?? {};
  const userId = String(context.userId ?? context.principalId ?? '');
  const roles = String(context.roles ?? '')
    .split(',')
    .filter(Boolean);
  return { connectionId: event.requestContext.connectionId, userId, roles };
}
