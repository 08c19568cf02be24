import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import WebSocket from 'ws';
import { maskMatches, matcherOf } from '../../lambdas/core/services/content-screen.ts';
import { localDefaults } from '../../local/defaults.ts';
import { startLocalRuntime } from '../../local/runtime.ts';
import { signToken } from '../sign-token.ts';

/**
 * What moderation and the publish hook add to `send` and `publish`, measured locally: the reply
 * time of each, one frame at a time on a warm runtime, without screening, with moderation words
 * (mask mode), with the example hook (examples/hooks/no-links.ts, through the local Lambda
 * endpoint), and with both. Each variant runs in its own process (one runtime per process).
 * `npx tsx tools/bench/screening.ts [rounds]` (default 300) prints a Markdown table.
 */
const variants = ['none', 'words', 'hook', 'both'] as const;
type Variant = (typeof variants)[number];
const secret = localDefaults.jwtSecret;

interface Figures {
  readonly variant: Variant;
  readonly publish: { p50: number; p95: number };
  readonly send: { p50: number; p95: number };
  /** The step alone: the Invoke round trip (hook), or masking the data with a warm matcher (words). */
  readonly step?: { p50: number; p95: number };
}

async function runVariant(variant: Variant, rounds: number): Promise<Figures> {
  const hook = variant === 'hook' || variant === 'both';
  const rt = await startLocalRuntime({
    wsPort: 0,
    httpPort: 0,
    ...(hook ? { publishHook: 'examples/hooks/no-links.ts' } : {}),
    functionEnv: {
      RATE_LIMIT_PER_SECOND: '100000',
      RATE_LIMIT_BURST: '100000',
      FRAME_BUDGET_PER_SECOND: '100000',
      INBOX_MAX_PER_SENDER: '100000',
      INBOX_MAX: '100000',
    },
  });
  try {
    if (variant === 'words' || variant === 'both') {
      const answer = await fetch(`${rt.endpoints.http}/moderation`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${await signToken('root', { secret, roles: ['admin'] })}` },
        body: JSON.stringify({ words: ['darn', 'heck', 'drat'], mode: 'mask' }),
      });
      if (answer.status !== 200) throw new Error(`PUT /moderation answered ${answer.status}`);
    }
    const amy = await open(`${rt.endpoints.websocket}?token=${await signToken('amy', { secret })}`);
    const ben = await open(`${rt.endpoints.websocket}?token=${await signToken('ben', { secret })}`);
    await amy.request({ action: 'join', room: 'bench' });
    const data = { text: 'a message of ordinary length, with nothing to mask or refuse in it' };
    const time = async (frame: Record<string, unknown>) => {
      const samples: number[] = [];
      for (let i = 0; i < 30 + rounds; i += 1) {
        const started = performance.now();
        await amy.request(frame);
        if (i >= 30) samples.push(performance.now() - started);
      }
      return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
    };
    const publish = await time({ action: 'publish', room: 'bench', data });
    const send = await time({ action: 'send', to: 'ben', data });
    amy.close();
    ben.close();
    return { variant, publish, send, step: await timeStep(variant, rt.endpoints.lambda, data, rounds) };
  } finally {
    await rt.stop();
  }
}

/** The screening step on its own, as send and publish run it (see content-screen.ts). */
async function timeStep(variant: Variant, endpoint: string | undefined, data: unknown, rounds: number) {
  const samples: number[] = [];
  if (variant === 'words') {
    const matcher = matcherOf(['darn', 'heck', 'drat']);
    for (let i = 0; i < 30 + rounds; i += 1) {
      const started = performance.now();
      if (matcher) maskMatches(data, matcher);
      if (i >= 30) samples.push(performance.now() - started);
    }
  } else if (variant === 'hook' && endpoint) {
    const lambda = new LambdaClient({
      endpoint,
      region: localDefaults.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    const payload = new TextEncoder().encode(
      JSON.stringify({ action: 'publish', from: 'amy', room: 'bench', data }),
    );
    for (let i = 0; i < 30 + rounds; i += 1) {
      const started = performance.now();
      await lambda.send(new InvokeCommand({ FunctionName: 'wavelet-local-publish-hook', Payload: payload }));
      if (i >= 30) samples.push(performance.now() - started);
    }
    lambda.destroy();
  } else {
    return undefined;
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return Number(
    (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN).toFixed(3),
  );
}

interface BenchSocket {
  request(frame: Record<string, unknown>): Promise<Record<string, unknown>>;
  close(): void;
}

async function open(url: string): Promise<BenchSocket> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const waiting = new Map<string, (frame: Record<string, unknown>) => void>();
  socket.on('message', (raw) => {
    const frame = JSON.parse(String(raw)) as Record<string, unknown>;
    const ref = typeof frame.ref === 'string' ? frame.ref : undefined;
    if (ref && waiting.has(ref)) {
      waiting.get(ref)?.(frame);
      waiting.delete(ref);
    }
  });
  let next = 0;
  return {
    request: (frame) =>
      new Promise((resolve, reject) => {
        next += 1;
        const ref = `r${next}`;
        waiting.set(ref, (answer) =>
          answer.type === 'reply' ? resolve(answer) : reject(new Error(JSON.stringify(answer))),
        );
        socket.send(JSON.stringify({ ...frame, ref }));
      }),
    close: () => socket.close(),
  };
}

const self = fileURLToPath(import.meta.url);
const variantArg = process.argv.find((a) => a.startsWith('--variant='))?.slice('--variant='.length);
const rounds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 300);
if (variantArg) {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const figures = await runVariant(variantArg as Variant, rounds);
  process.stdout.write(`${JSON.stringify(figures)}\n`);
  process.exit(0);
} else {
  const rows = variants.map((variant) => {
    const out = execFileSync(
      process.execPath,
      [...process.execArgv, self, `--variant=${variant}`, String(rounds)],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    return JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Figures;
  });
  const base = rows[0] as Figures;
  const delta = (a: number, b: number) => `${a.toFixed(2)} (${a - b >= 0 ? '+' : ''}${(a - b).toFixed(2)})`;
  process.stdout.write(
    `${new Date().toISOString()}, ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'CPU'}, Node ${process.versions.node}, ${rounds} frames each, one at a time, warm\n\n` +
      '| screening | publish p50 ms | publish p95 ms | send p50 ms | send p95 ms |\n|---|---|---|---|---|\n' +
      rows
        .map(
          (r) =>
            `| ${r.variant} | ${delta(r.publish.p50, base.publish.p50)} | ${delta(r.publish.p95, base.publish.p95)} | ${delta(r.send.p50, base.send.p50)} | ${delta(r.send.p95, base.send.p95)} |`,
        )
        .join('\n') +
      '\n\nthe step alone (on the critical path of each frame)\n\n| step | p50 ms | p95 ms |\n|---|---|---|\n' +
      rows
        .filter((r) => r.step)
        .map(
          (r) =>
            `| ${r.variant === 'words' ? 'masking data (warm settings)' : 'Invoke of the hook'} | ${r.step?.p50} | ${r.step?.p95} |`,
        )
        .join('\n') +
      '\n',
  );
}
