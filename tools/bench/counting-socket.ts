import WebSocket from 'ws';

/** Frames one client wrote and read, parsed, in order. */
export interface FrameLog {
  readonly sent: Record<string, unknown>[];
  readonly received: Record<string, unknown>[];
}

/**
 * A `ws` WebSocket class that records every frame a client writes and reads, for counting billed
 * frames each way (each frame of at most 32 KB is one billed WebSocket message on API Gateway).
 */
export function countingWebSocket(log: FrameLog): typeof WebSocket {
  return class CountingWebSocket extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args);
      this.on('message', (data) => log.received.push(JSON.parse(String(data)) as Record<string, unknown>));
    }

    override send(data: unknown, ...rest: unknown[]): void {
      log.sent.push(JSON.parse(String(data)) as Record<string, unknown>);
      (super.send as (...args: unknown[]) => void)(data, ...rest);
    }
  } as typeof WebSocket;
}

export const newFrameLog = (): FrameLog => ({ sent: [], received: [] });
