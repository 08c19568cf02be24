import { localDefaults } from '../../local/defaults.ts';
import { parseCommandLine, UsageError } from '../cli-args.ts';

export const scenarios = ['echo', 'direct', 'room', 'notify', 'idle'] as const;
export type Scenario = (typeof scenarios)[number];

/** Every option of `npm run loadtest`, resolved (defaults applied, durations in ms). */
export interface LoadTestOptions {
  readonly scenario: Scenario;
  /** WebSocket URL; from `.local/endpoints.json` when not given. */
  readonly url?: string;
  readonly connections: number;
  /** New connections per second. */
  readonly ramp: number;
  /** Handshakes under way at once, at most (per process). */
  readonly maxConnecting: number;
  /** Length of the sending phase, which starts once every connection is set up. */
  readonly durationMs: number;
  /** Messages per second, over all senders. */
  readonly rate: number;
  /** Bytes of `data` in each message. */
  readonly size: number;
  readonly rooms: number;
  /** Publishers per room. */
  readonly publishers: number;
  readonly heartbeatMs: number;
  /** Longest wait after the sending phase for deliveries still under way. */
  readonly drainMs: number;
  readonly processes: number;
  readonly tokenSecret: string;
  readonly tokenCmd?: string;
  readonly ticketsUrl?: string;
  readonly queueUrl?: string;
  readonly sqsEndpoint?: string;
  readonly region: string;
  readonly userPrefix?: string;
  readonly out?: string;
  readonly chart?: string;
  /** Event-loop lag p99 (ms) above which the generator says it is the bottleneck. */
  readonly lagWarnMs: number;
  /** End-to-end latency p99 (ms) the run must hold to be OK; none when not given. */
  readonly p99TargetMs?: number;
  readonly help: boolean;
}

/**
 * Messages per second by scenario when `--rate` is not given: sized for the local runtime on a
 * 2-core machine (a room publish reaches 100 members; every message costs several handler
 * invocations there). Raise them for a deployed stage.
 */
export const defaultRates: Record<Scenario, number> = {
  echo: 200,
  direct: 20,
  room: 2,
  notify: 10,
  idle: 0,
};

export const usage = `npm run loadtest -- [options]

Drives any endpoint that speaks the wavelet protocol (the local runtime by default) and
reports end-to-end latency, throughput, set-up times, errors, and lost and duplicated
deliveries.

  --scenario S        echo | direct | room | notify | idle                (echo)
  --url URL           ws:// or wss:// endpoint      (.local/endpoints.json, else ws://127.0.0.1:8080)
  --connections N     sockets to open                                      (100)
  --ramp N            new connections per second                           (200)
  --max-connecting N  handshakes under way at once, per process (a slow server slows the ramp) (64)
  --duration D        sending phase after set-up: 30s, 5m, 1500ms          (30s)
  --rate N            messages per second, all senders together
                      (echo 200, direct 20, room 2 publishes, notify 10)
  --size N            bytes of data in each message                        (64)
  --rooms N           room scenario: rooms                    (connections / 100, at least 1)
  --publishers N      room scenario: publishers per room                   (1)
  --heartbeat D       ping interval on every connection (30s; the SDK's default is 8m of silence)
  --drain D           longest wait for deliveries after sending            (20s)
  --processes N       split connections over N child processes             (1)
  --token-secret S    sign HS256 dev tokens         (JWT_SECRET, else the local dev secret)
  --token-cmd CMD     run CMD per user for a token ({user} replaced, also $LOADTEST_USER)
  --tickets-url URL   exchange each token for a ticket at POST URL (e.g. https://…/tickets)
  --queue-url URL     notify: notifications queue   (.local/endpoints.json)
  --sqs-endpoint URL  notify: SQS endpoint          (.local/endpoints.json; AWS default if a --queue-url is given)
  --region R          notify: region                                       (us-east-1)
  --user-prefix P     user ids are P0, P1, …                              (lt-<run id>-)
  --lag-warn D        event-loop lag p99 that marks the generator as the bottleneck (50ms)
  --p99-target D      latency p99 the run must hold to be OK, e.g. 100ms   (none)
  --out FILE          JSON report
  --chart FILE        HTML chart of latency over time (self-contained)
  -h, --help          print this help

Exit code: 0 when nothing was lost or duplicated, every connection held and the latency p99
held --p99-target (when given), 1 otherwise, 2 on bad options.
`;

/** Parses `30s`, `5m`, `1h`, `250ms` or a plain number of seconds into milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!match) throw new UsageError(`not a duration: ${text}`);
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Math.round(Number(match[1]) * factor);
}

function positiveDuration(name: string, text: string): number {
  const ms = parseDuration(text);
  if (ms <= 0) throw new UsageError(`--${name} must be a positive duration, not ${text}`);
  return ms;
}

function positive(name: string, text: string, allowZero = false): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new UsageError(
      `--${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, not ${text}`,
    );
  }
  return value;
}

/** Reads the command line into options, applying every default. Throws on a bad value. */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = {}): LoadTestOptions {
  const str = { type: 'string' } as const;
  const { values } = parseCommandLine(argv, {
    scenario: str,
    url: str,
    connections: str,
    ramp: str,
    'max-connecting': str,
    duration: str,
    rate: str,
    size: str,
    rooms: str,
    publishers: str,
    heartbeat: str,
    drain: str,
    processes: str,
    'token-secret': str,
    'token-cmd': str,
    'tickets-url': str,
    'queue-url': str,
    'sqs-endpoint': str,
    region: str,
    'user-prefix': str,
    'lag-warn': str,
    'p99-target': str,
    out: str,
    chart: str,
  });
  const scenario = (values.scenario ?? 'echo') as Scenario;
  if (!scenarios.includes(scenario))
    throw new UsageError(`--scenario must be one of ${scenarios.join(', ')}`);
  const connections = Math.floor(positive('connections', values.connections ?? '100'));
  const processes = Math.floor(positive('processes', values.processes ?? '1'));
  const rooms = Math.floor(
    positive('rooms', values.rooms ?? String(Math.max(1, Math.floor(connections / 100)))),
  );
  const publishers = Math.floor(positive('publishers', values.publishers ?? '1'));
  if (scenario === 'direct' && connections % 2 !== 0)
    throw new UsageError('--scenario direct needs an even --connections');
  if (scenario === 'room' && publishers * rooms > connections) {
    throw new UsageError('--publishers times --rooms cannot exceed --connections');
  }
  if (processes > connections) throw new UsageError('--processes cannot exceed --connections');
  return {
    scenario,
    url: values.url,
    connections,
    ramp: positive('ramp', values.ramp ?? '200'),
    maxConnecting: Math.floor(positive('max-connecting', values['max-connecting'] ?? '64')),
    durationMs: parseDuration(values.duration ?? '30s'),
    rate: values.rate === undefined ? defaultRates[scenario] : positive('rate', values.rate, true),
    size: Math.floor(positive('size', values.size ?? '64', true)),
    rooms,
    publishers,
    heartbeatMs: parseDuration(values.heartbeat ?? '30s'),
    drainMs: parseDuration(values.drain ?? '20s'),
    processes,
    tokenSecret: values['token-secret'] ?? env.JWT_SECRET ?? localDefaults.jwtSecret,
    tokenCmd: values['token-cmd'],
    ticketsUrl: values['tickets-url'],
    queueUrl: values['queue-url'],
    sqsEndpoint: values['sqs-endpoint'],
    region: values.region ?? env.AWS_REGION ?? 'us-east-1',
    userPrefix: values['user-prefix'],
    out: values.out,
    chart: values.chart,
    lagWarnMs: parseDuration(values['lag-warn'] ?? '50ms'),
    p99TargetMs:
      values['p99-target'] === undefined ? undefined : positiveDuration('p99-target', values['p99-target']),
    help: values.help ?? false,
  };
}
