import { describe, expect, it } from 'vitest';
import { startTestRuntime } from '../../helpers/runtime.ts';

/** Collects what is written to stdout, stderr and the console while the action runs. */
async function output(action: () => Promise<void>): Promise<string> {
  const written: string[] = [];
  // The functions' logger writes through the console, which vitest takes over in tests.
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const consoleOriginals = methods.map((m) => console[m]);
  for (const m of methods) {
    console[m] = (...args: unknown[]) => {
      written.push(args.map(String).join(' '));
    };
  }
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((s) => s.write);
  for (const stream of streams) {
    const original = stream.write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk));
      return (original as (...args: unknown[]) => boolean).call(stream, chunk, ...rest);
    }) as typeof stream.write;
  }
  try {
    await action();
  } finally {
    methods.forEach((m, i) => {
      console[m] = consoleOriginals[i] as (typeof console)[typeof m];
    });
    streams.forEach((s, i) => {
      s.write = originals[i] as typeof s.write;
    });
  }
  return written.join('');
}

describe('LocalRuntime: stop', () => {
  it('lets the $disconnect of every socket, closed or open, finish, bus events included, before the bus and table go', async () => {
    const rt = await startTestRuntime();
    const sockets = await Promise.all(['alice', 'bob', 'carol'].map((u) => rt.connect(u)));
    await Promise.all(sockets.map((s, i) => s.request({ action: 'join', room: `stop-${i}` })));
    // A put that fails is logged after its retries: listen a while after the stop, too.
    const printed = await output(async () => {
      // Two sockets close on the client's side just before the stop, one stays for the gateway.
      await Promise.all(sockets.slice(0, 2).map((s) => s.close()));
      await rt.stop();
      await new Promise((resolve) => setTimeout(resolve, 1000));
    });
    expect(printed).not.toMatch(/PutEvents failed|ECONNREFUSED/);
  }, 60_000);
});
