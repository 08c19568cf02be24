import type { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  type FunctionName,
  type FunctionSpec,
  functions,
  httpApi,
  queues,
  type ScheduleSpec,
  schedules,
  websocketApi,
} from '../manifest.ts';
import { HandlerFunction, type HandlerFunctionProps } from './handler-function.ts';
import { apiFunctions, type HandlerLayout, mergedSpec } from './per-api.ts';

/** Defaults shared by every function; see {@link HandlerFunctionProps}. */
export type HandlerDefaults = Omit<
  HandlerFunctionProps,
  'name' | 'spec' | 'logRemovalPolicy' | 'logEncryptionKey' | 'tracing' | 'reservedConcurrentExecutions'
>;

/**
 * Concurrent executions reserved for each function of a group (not for the group together).
 * A reservation is also a cap: past it the function is throttled, so an API route answers 500
 * (WebSocket) or 503 (HTTP) and a queue consumer's records wait in the queue. Reserved
 * concurrency is taken from the account's pool (1,000 by default), which must keep at least 100
 * unreserved. Groups follow the manifest; a function in two groups takes the smaller value.
 */
export interface ReservedConcurrency {
  /** The WebSocket `$connect` authorizer. */
  readonly authorizer?: number;
  /** Every function behind a WebSocket route (`$connect`, `$disconnect`, `$default`, actions). */
  readonly webSocketRoutes?: number;
  /** Every function behind an HTTP API route. */
  readonly httpRoutes?: number;
  /** The SQS consumers (`deliver`, `notify`). */
  readonly consumers?: number;
  /** The scheduled functions (`sweep`). */
  readonly sweeper?: number;
}

export interface HandlersProps extends HandlerDefaults {
  /**
   * What happens to the functions' log groups when the stack is deleted.
   * @default RemovalPolicy.DESTROY
   */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * Customer-managed key the functions' log groups are encrypted with.
   * @default the CloudWatch Logs service key
   */
  readonly logEncryptionKey?: IKey;
  /**
   * X-Ray active tracing on every function.
   * @default false
   */
  readonly tracing?: boolean;
  /**
   * Reserved concurrency by function group.
   * @default none
   */
  readonly reservedConcurrency?: ReservedConcurrency;
  /**
   * One function per manifest function, or one per API; see {@link HandlerLayout}.
   * @default 'per-route'
   */
  readonly layout?: HandlerLayout;
}

/** A deployed function, the spec it is bound by and the manifest functions it runs. */
export interface DeployedFunction {
  readonly fn: HandlerFunction;
  readonly spec: FunctionSpec;
  readonly serves: readonly FunctionName[];
}

/** The manifest's functions of each {@link ReservedConcurrency} group. */
export function functionGroups(): Readonly<Record<keyof ReservedConcurrency, ReadonlySet<FunctionName>>> {
  const authorizer = websocketApi.authorizer.function as FunctionName;
  return {
    authorizer: new Set([authorizer]),
    webSocketRoutes: new Set(Object.values(websocketApi.routes) as FunctionName[]),
    httpRoutes: new Set(Object.values(httpApi.routes) as FunctionName[]),
    consumers: new Set(Object.values(queues).map((q) => q.consumer as FunctionName)),
    sweeper: new Set(Object.values(schedules as Record<string, ScheduleSpec>).map((s) => s.function)),
  };
}

/** The reservation of one function: the smallest of its groups' values, if any is set. */
function reservationOf(name: FunctionName, reserved: ReservedConcurrency | undefined): number | undefined {
  if (!reserved) return undefined;
  const groups = functionGroups();
  const values: number[] = [];
  for (const [group, value] of Object.entries(reserved) as [
    keyof ReservedConcurrency,
    number | undefined,
  ][]) {
    if (!(group in groups)) throw new Error(`Unknown reserved concurrency group '${group}'`);
    if (value !== undefined && groups[group].has(name)) values.push(value);
  }
  return values.length > 0 ? Math.min(...values) : undefined;
}

/**
 * The functions of the manifest, keyed by manifest name. `per-route` creates one
 * {@link HandlerFunction} per manifest function, with the PascalCase manifest name as its id (so
 * logical ids read like the manifest). `per-api` creates `WebSocketRoutes` and `HttpRoutes`
 * (see {@link mergedSpec}) and maps every route's manifest name to its API's function; the
 * others stay one function each. Grants and env vars are bound once per deployed function,
 * from {@link Handlers.deployed}.
 */
export class Handlers extends Construct {
  /** The function that runs each manifest function (in `per-api`, one serves many names). */
  public readonly functions: Readonly<Record<FunctionName, HandlerFunction>>;
  /** Every function created, once each, with the spec its grants and env vars come from. */
  public readonly deployed: readonly DeployedFunction[];

  constructor(scope: Construct, id: string, props: HandlersProps = {}) {
    super(scope, id);
    const { reservedConcurrency, layout = 'per-route', ...defaults } = props;
    if (layout !== 'per-route' && layout !== 'per-api') {
      throw new Error(`Handler layout must be 'per-route' or 'per-api', not '${String(layout)}'`);
    }
    const created = {} as Record<FunctionName, HandlerFunction>;
    const deployed: DeployedFunction[] = [];
    const shared = layout === 'per-api' ? apiFunctions() : [];
    for (const api of shared) {
      const spec = mergedSpec(api.entry, api.serves);
      const [first] = api.serves;
      if (first === undefined) continue;
      const reservations = api.serves
        .map((name) => reservationOf(name, reservedConcurrency))
        .filter((r): r is number => r !== undefined);
      const fn = new HandlerFunction(this, api.id, {
        ...defaults,
        name: first,
        description: `wavelet:${api.id}`,
        spec,
        reservedConcurrentExecutions: reservations.length > 0 ? Math.min(...reservations) : undefined,
      });
      for (const name of api.serves) created[name] = fn;
      deployed.push({ fn, spec, serves: api.serves });
    }
    for (const [name, spec] of Object.entries(functions) as [FunctionName, FunctionSpec][]) {
      if (created[name]) continue;
      const fn = new HandlerFunction(this, pascalCase(name), {
        ...defaults,
        name,
        spec,
        reservedConcurrentExecutions: reservationOf(name, reservedConcurrency),
      });
      created[name] = fn;
      deployed.push({ fn, spec, serves: [name] });
    }
    this.functions = created;
    this.deployed = deployed;
  }
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
