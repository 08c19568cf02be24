import type { ConnectionRegistry } from './connection-registry.ts';
import type { ApiInfo } from './events.ts';
import type { Invoker } from './invoker.ts';
import type { GatewayAuthorizer, GatewayFaults, GatewayLimits, Integration } from './options.ts';
import type { RouteSelector } from './route-selection.ts';
import type { Counters } from './stats.ts';

/** State shared by the parts of one running gateway. */
export interface GatewayContext {
  readonly api: ApiInfo;
  readonly region: string;
  readonly limits: Readonly<GatewayLimits>;
  /** Replaced as a whole by `setFaults`, never mutated in place. */
  faults: Readonly<GatewayFaults>;
  readonly routes: ReadonlyMap<string, Integration>;
  readonly twoWayRoutes: ReadonlySet<string>;
  readonly selectRoute: RouteSelector;
  readonly authorizer?: GatewayAuthorizer;
  readonly registry: ConnectionRegistry;
  readonly invoker: Invoker;
  readonly stats: Counters;
  readonly log?: (line: string) => void;
  /** Set by `close()`: connections dropped from then on get no `$disconnect`. */
  shuttingDown: boolean;
}
