import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { GeneratorLoad } from './worker-result.ts';

/**
 * Watches the load generator's own process: event-loop lag (a late loop delays receipts and
 * inflates every latency it measures) and CPU time. A p99 lag of tens of milliseconds means the
 * figures describe the generator, not the server.
 */
export class GeneratorMonitor {
  private delay = monitorEventLoopDelay({ resolution: 10 });
  private cpuStart = process.cpuUsage();
  private wallStart = performance.now();
  private stopped?: GeneratorLoad;

  constructor() {
    this.delay.enable();
  }

  /** p99 event-loop lag so far, in ms (the timer's 10 ms resolution is subtracted). */
  lagP99Ms(): number {
    return lagMs(this.delay.percentile(99));
  }

  stop(): void {
    if (!this.stopped) this.stopped = this.summary(-1);
    this.delay.disable();
  }

  summary(worker: number): GeneratorLoad {
    if (this.stopped) return { ...this.stopped, worker };
    const cpu = process.cpuUsage(this.cpuStart);
    const wallMs = performance.now() - this.wallStart;
    return {
      worker,
      lagP50Ms: lagMs(this.delay.percentile(50)),
      lagP99Ms: lagMs(this.delay.percentile(99)),
      lagMaxMs: lagMs(this.delay.max),
      cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / Math.max(1, wallMs)) * 1000) / 10,
      rssMb: Math.round(process.memoryUsage().rss / 1048576),
    };
  }
}

const lagMs = (ns: number) => (Number.isFinite(ns) ? Math.max(0, Math.round((ns / 1e6 - 10) * 10) / 10) : 0);
