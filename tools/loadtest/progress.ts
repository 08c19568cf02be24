import type { SeriesPoint } from './coordinator.ts';

/**
 * The live progress line: rewritten in place every second on a terminal, a plain line every
 * `plainEverySeconds` otherwise (CI logs, files).
 */
export function createProgressPrinter(stream: NodeJS.WriteStream, target: number, plainEverySeconds = 5) {
  const tty = stream.isTTY === true;
  let last: SeriesPoint | undefined;
  let lastPlainAt = -Infinity;
  return {
    print(point: SeriesPoint): void {
      const dt = last ? Math.max(0.001, point.t - last.t) : 1;
      const sentRate = last ? Math.round((point.sent - last.sent) / dt) : 0;
      const recvRate = last ? Math.round((point.received - last.received) / dt) : 0;
      last = point;
      const line =
        `[${point.t.toFixed(0).padStart(4)}s] ${point.phase.padEnd(8)} open ${point.open}/${target}` +
        `  sent ${point.sent} (${sentRate}/s)  received ${point.received} (${recvRate}/s)` +
        `  p99 ${point.p99SoFar ?? '-'} ms  errors ${point.errors}  lag p99 ${point.lagP99Ms} ms`;
      if (tty) stream.write(`\r\x1b[K${line}`);
      else if (point.t - lastPlainAt >= plainEverySeconds) {
        lastPlainAt = point.t;
        stream.write(`${line}\n`);
      }
    },
    end(): void {
      if (tty) stream.write('\n');
    },
  };
}
