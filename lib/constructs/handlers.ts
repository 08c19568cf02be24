import type { RemovalPolicy } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  type FunctionName,
  functions,
  httpApi,
  queues,
  type ScheduleSpec,
  schedules,
  websocketApi,
} from '../manifest.ts';
import { HandlerFunction, type HandlerFunctionProps } from './handler-function.ts';

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
 * One {@link HandlerFunction} per function of the manifest, keyed by manifest name. Construct
 * ids are the PascalCase manifest names, so logical ids read like the manifest.
 */
export class Handlers extends Construct {
  /** Every function of the manifest, by manifest name. */
  public readonly functions: Readonly<Record<FunctionName, HandlerFunction>>;

  constructor(scope: Construct, id: string, props: HandlersProps = {}) {
    super(scope, id);
    const { reservedConcurrency, ...defaults } = props;
    const created = {} as Record<FunctionName, HandlerFunction>;
    for (const [name, spec] of Object.entries(functions) as [
      FunctionName,
      (typeof functions)[FunctionName],
    ][]) {
      created[name] = new HandlerFunction(this, pascalCase(name), {
        ...defaults,
        name,
        spec,
        reservedConcurrentExecutions: reservationOf(name, reservedConcurrency),
      });
    }
    this.functions = created;
  }
}

function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
