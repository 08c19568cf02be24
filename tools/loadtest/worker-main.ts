import type { FromWorker, ToWorker } from './messages.ts';
import { runWorker } from './run-worker.ts';

/** Child-process entry for `--processes N`: takes its plan over IPC and reports back the same way. */
const send = (message: FromWorker) => process.send?.(message);
let startAt: ((at: number) => void) | undefined;
const start = new Promise<number>((resolve) => {
  startAt = resolve;
});

process.on('message', (message: ToWorker) => {
  if (message.type === 'go') startAt?.(message.startAt);
  if (message.type === 'plan') {
    void runWorker(message.plan, send, () => start).then(() => {
      // Let the result reach the parent before leaving.
      process.disconnect?.();
    });
  }
});
// The coordinator died: nothing left to report to.
process.on('disconnect', () => setTimeout(() => process.exit(0), 100).unref());
