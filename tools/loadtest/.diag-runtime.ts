import { monitorEventLoopDelay } from 'node:perf_hooks';
import v8 from 'node:v8';
import { startLocalRuntime } from '../../local/runtime.ts';

const rt = await startLocalRuntime({
  wsPort: 18090,
  httpPort: 18091,
  stage: 'local',
  jwtSecret: 'wavelet-local-development-secret',
});
process.stdout.write(`${JSON.stringify(rt.endpoints)}\n`);
const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
const mb = (n: number) => Math.round(n / 1048576);
const print = (tag: string) => {
  const m = process.memoryUsage();
  const spaces = v8
    .getHeapSpaceStatistics()
    .filter((s) => s.space_size > 1e6)
    .map((s) => `${s.space_name.replace('_space', '')}=${mb(s.space_used_size)}/${mb(s.space_size)}`)
    .join(' ');
  process.stdout.write(
    `${new Date().toISOString().slice(11, 19)} ${tag} rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} ab ${mb(m.arrayBuffers)} | ${spaces} | lag p99 ${Math.round(lag.percentile(99) / 1e6)} max ${Math.round(lag.max / 1e6)} | open ${[...(rt.gateway.stats ? [] : [])].length}\n`,
  );
  lag.reset();
};
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  print('after-gc');
});
setInterval(() => print('sample'), 10000);
