import { type RouteKey, websocketApi } from '../../lib/manifest.ts';
import type { WebSocketEvent, WebSocketResult } from '../core/ws-event.ts';
import { handler as ack } from '../ws/ack.ts';
import { handler as block } from '../ws/block.ts';
import { handler as connect } from '../ws/connect.ts';
import { handler as defaultRoute } from '../ws/default.ts';
import { handler as deleteRoute } from '../ws/delete.ts';
import { handler as disconnect } from '../ws/disconnect.ts';
import { handler as edit } from '../ws/edit.ts';
import { handler as history } from '../ws/history.ts';
import { handler as join } from '../ws/join.ts';
import { handler as leave } from '../ws/leave.ts';
import { handler as ping } from '../ws/ping.ts';
import { handler as publish } from '../ws/publish.ts';
import { handler as react } from '../ws/react.ts';
import { handler as read } from '../ws/read.ts';
import { handler as refresh } from '../ws/refresh.ts';
import { handler as send } from '../ws/send.ts';
import { handler as status } from '../ws/status.ts';
import { handler as sync } from '../ws/sync.ts';
import { handler as typing } from '../ws/typing.ts';
import { handler as unblock } from '../ws/unblock.ts';
import { handler as who } from '../ws/who.ts';
import { dispatchByRoute } from './dispatch.ts';

type WebSocketHandler = (event: WebSocketEvent) => Promise<WebSocketResult>;
type RouteFunction = (typeof websocketApi.routes)[RouteKey];

/**
 * The handler of every function behind a WebSocket route, by manifest name. The `satisfies`
 * makes a route added to the manifest without its handler here a type error.
 */
const handlers = {
  connect,
  disconnect,
  default: defaultRoute,
  ping,
  send,
  sync,
  ack,
  join,
  leave,
  publish,
  history,
  read,
  typing,
  status,
  who,
  block,
  unblock,
  refresh,
  edit,
  delete: deleteRoute,
  react,
} satisfies Record<RouteFunction, WebSocketHandler>;

/**
 * The one function of every WebSocket route (`handlers: 'per-api'`): runs the manifest's
 * function for `requestContext.routeKey`, its handler unchanged. API Gateway sends only the
 * route keys it has, so an unknown one (a stack that disagrees with this bundle) is answered as
 * `$default` answers an unknown action.
 */
export const handler = dispatchByRoute<WebSocketEvent, WebSocketResult, RouteFunction>(
  websocketApi.routes,
  handlers,
  (event) => event.requestContext.routeKey,
  defaultRoute,
);
