import type { FromWorker } from './messages.ts';
import type { WorkerPlan } from './plan.ts';
import { LoadWorker } from './worker.ts';

/**
 * One worker's whole life: set up, say ready, wait for the common start time, send, drain,
 * close, and send the result. Used in-process (one process) and by each child process.
 */
export async function runWorker(
  plan: WorkerPlan,
  emit: (message: FromWorker) => void,
  startTime: () => Promise<number>,
): Promise<void> {
  try {
    const worker = new LoadWorker(plan, emit);
    await worker.setup();
    emit({ type: 'ready', worker: plan.worker });
    await worker.run(await startTime());
    await worker.drain();
    emit({ type: 'result', result: await worker.finish() });
  } catch (error) {
    emit({ type: 'fatal', worker: plan.worker, message: (error as Error).stack ?? String(error) });
  }
}
