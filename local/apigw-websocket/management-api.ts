import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from './context.ts';
import { closeConnection } from './disconnect.ts';
import { drawManagementFault } from './faults.ts';
import { type GatewayError, sendError, sendSuccess } from './http-responses.ts';
import { closeCauses } from './limits.ts';
import { sendText } from './outbound.ts';

const gone: GatewayError = { status: 410, errorType: 'GoneException' };
const forbidden: GatewayError = { status: 403, errorType: 'ForbiddenException', message: 'Forbidden' };
const tooLarge: GatewayError = {
  status: 413,
  errorType: 'PayloadTooLargeException',
  message: 'Request Entity Too Large',
};

const operations = { POST: 'posts', GET: 'gets', DELETE: 'deletes' } as const;
type Method = keyof typeof operations;

/**
 * Serves `/{stage}/@connections/{id}` (`POST`, `GET`, `DELETE`) for a real SDK client.
 * Signatures are accepted unchecked; the stage must be in the path, as on AWS.
 */
export async function handleManagementRequest(
  ctx: GatewayContext,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const method = req.method as Method;
  const operation = operations[method];
  const connectionId = connectionIdOf(req.url ?? '/', ctx.api.stage);
  if (!operation || connectionId === undefined) {
    req.resume();
    return sendError(res, forbidden);
  }
  // The body is read first so that a faulted or refused call still leaves a keep-alive socket
  // clean for the next request.
  let body: Buffer | 'tooLarge' | undefined;
  if (method === 'POST') body = await readBody(req, ctx.limits.postBytes);
  else req.resume();
  if (ctx.faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, ctx.faults.latencyMs));
  const status = answer(ctx, method, connectionId, body, res);
  ctx.stats.increment(operation);
  ctx.stats.increment(`${operation}${status}`);
  ctx.log?.(`${method} @connections/${connectionId} ${status}`);
}

function answer(
  ctx: GatewayContext,
  method: Method,
  connectionId: string,
  body: Buffer | 'tooLarge' | undefined,
  res: ServerResponse,
): number {
  const fault = drawManagementFault(ctx.faults);
  if (fault) {
    sendError(res, fault);
    return fault.status;
  }
  if (body === 'tooLarge') {
    sendError(res, tooLarge);
    return tooLarge.status;
  }
  const connection = ctx.registry.get(connectionId);
  // A connection still in $connect is not postable yet: API Gateway answers 410 then too.
  if (connection?.state !== 'open') {
    sendError(res, gone);
    return gone.status;
  }
  if (method === 'POST') {
    if (!sendText(connection, body ?? Buffer.alloc(0), ctx.limits.frameBytes)) {
      sendError(res, gone);
      return gone.status;
    }
    sendSuccess(res, 200);
    return 200;
  }
  if (method === 'GET') {
    const identity: Record<string, string> = { sourceIp: connection.sourceIp };
    if (connection.userAgent !== undefined) identity.userAgent = connection.userAgent;
    const info = {
      connectedAt: new Date(connection.connectedAt).toISOString(),
      identity,
      lastActiveAt: new Date(connection.lastActiveAt).toISOString(),
    };
    sendSuccess(res, 200, JSON.stringify(info));
    return 200;
  }
  // *uncertain*: some report 200 for DELETE; the SDK accepts either.
  res.on('finish', () => closeConnection(connection, closeCauses.deleted));
  sendSuccess(res, 204);
  return 204;
}

/** The decoded connection id of `/{stage}/@connections/{id}`, or undefined for any other path. */
function connectionIdOf(url: string, stage: string): string | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const prefix = `/${stage}/`;
  if (!path.startsWith(prefix)) return undefined;
  const rest = path.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash === -1) return undefined;
  const resource = rest.slice(0, slash);
  if (resource !== '@connections' && resource.toLowerCase() !== '%40connections') return undefined;
  const encoded = rest.slice(slash + 1);
  if (encoded === '' || encoded.includes('/')) return undefined;
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** The whole body, or 'tooLarge' past the limit (still drained, to keep the socket usable). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'tooLarge'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(length > limit ? 'tooLarge' : Buffer.concat(chunks, length)));
    req.on('error', reject);
  });
}
