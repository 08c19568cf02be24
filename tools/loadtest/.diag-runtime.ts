import v8 from 'node:v8';
import { startLocalRuntime } from '../../local/runtime.ts';

const rt = await startLocalRuntime({
  log: undefined,
  wsPort: 18090,
  httpPort: 18091,
  stage: 'local',
  jwtSecret: 'wavelet-local-development-secret',
});
process.stdout.write(`${JSON.stringify(rt.endpoints)}\n`);
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  process.stdout.write(`snapshot ${v8.writeHeapSnapshot('/tmp/ltdiag/rt.heapsnapshot')}\n`);
});
setInterval(() => {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 1048576);
  const spaces = v8
    .getHeapSpaceStatistics()
    .map((s) => `${s.space_name.replace('_space', '')}=${mb(s.space_used_size)}/${mb(s.space_size)}`)
    .join(' ');
  process.stdout.write(
    `rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} ab ${mb(m.arrayBuffers)} | ${spaces}\n`,
  );
}, 5000);
