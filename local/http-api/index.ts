export { toHttpEvent } from './http-event.ts';
export { toHttpResponse } from './http-response.ts';
export { RouteTable } from './route-table.ts';
export {
  type HttpRouteHandler,
  type LocalHttpApi,
  type StartHttpApiOptions,
  startHttpApi,
} from './start-http-api.ts';
export { type ThrottleOptions, TokenBucket } from './throttle.ts';
