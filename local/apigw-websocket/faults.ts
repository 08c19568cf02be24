import type { GatewayFaults } from './options.ts';

/** No faults: the gateway behaves like a healthy API. */
export const noFaults: Readonly<GatewayFaults> = {
  dropDisconnect: 0,
  throttleRate: 0,
  serverErrorRate: 0,
  latencyMs: 0,
};

/** An error answer a management call draws from the fault knobs. */
export interface ManagementFault {
  readonly status: number;
  readonly errorType: string;
  readonly message: string;
}

/** Draws the injected failure for one management call, if any. */
export function drawManagementFault(faults: GatewayFaults): ManagementFault | undefined {
  // LimitExceededException is the throttling error the Management API's model declares, so the
  // SDK surfaces it as a typed exception (and retries it, as it does every 429).
  if (faults.throttleRate > 0 && Math.random() < faults.throttleRate)
    return { status: 429, errorType: 'LimitExceededException', message: 'Rate exceeded' };
  if (faults.serverErrorRate > 0 && Math.random() < faults.serverErrorRate)
    return { status: 500, errorType: 'InternalServerErrorException', message: 'Internal server error' };
  return undefined;
}

/** Whether this `$disconnect` is lost, as API Gateway's best-effort delivery sometimes does. */
export function dropsDisconnect(faults: GatewayFaults): boolean {
  return faults.dropDisconnect > 0 && Math.random() < faults.dropDisconnect;
}
