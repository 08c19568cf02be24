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
  /**
   * When the credential presented at `$connect` expires, epoch ms (a `refresh` may have moved it
   * since: the connection record says). Undefined when the authorizer gave none.
   */
  readonly credentialExpiresAt?: number;
}

export function callerOf(event: WebSocketEvent): Caller {
  const context = event.requestContext.authorizer ?? {};
  const userId = String(context.userId ?? context.principalId ?? '');
  // API Gateway hands the number over as a string; a missing one stays NaN.
  const expiry = context.credentialExpiresAt === undefined ? Number.NaN : Number(context.credentialExpiresAt);
  return {
    connectionId: event.requestContext.connectionId,
    userId,
    roles: parseRoles(context.roles),
    credentialExpiresAt: Number.isFinite(expiry) ? expiry : undefined,
  };
}

/**
 * The authorizer's `roles`: a JSON array of strings. Anything else (the old comma-joined form
 * included) grants no role at all rather than being split into some.
 */
function parseRoles(value: unknown): string[] {
  if (typeof value !== 'string') return [];
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return [];
  }
}
