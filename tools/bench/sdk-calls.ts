import { getDeps } from '../../lambdas/core/clients.ts';
import type { Deps } from '../../lambdas/core/deps.ts';

/** Receives each call the handlers' SDK clients make, e.g. `('DynamoDB', 'QueryCommand')`. */
export type SdkCallObserver = (service: string, command: string) => void;

/**
 * Told of each call as it starts, like an observer; the function it returns is called when the
 * call has finished (the latency model times the calls with it).
 */
export type SdkCallTimer = (service: string, command: string) => () => void;

let callObserver: SdkCallObserver | undefined;
let callTimer: SdkCallTimer | undefined;
const watched = new WeakSet<Deps>();

/** Initialize-step middleware that reports each call to the observer, if one is set. */
const reportCalls =
  (service: string) =>
  <A, R>(next: (args: A) => R, context: { commandName?: string }) =>
  (args: A): R => {
    callObserver?.(service, context.commandName ?? 'unknown');
    const done = callTimer?.(service, context.commandName ?? 'unknown');
    const result = next(args);
    if (done && result instanceof Promise) result.then(done, done);
    return result;
  };

const observerStep = { step: 'initialize', name: 'benchSdkCallObserver' } as const;

/**
 * Hangs the counting on the clients from outside, once: a middleware on each SDK client's
 * stack (the document client shares the DynamoDB client's), and a wrapper around the poster,
 * whose posts bypass the SDK. The SDK resolves a client's stack on every `send`, so calls made
 * after this are counted whenever the clients were built.
 */
function watch(deps: Deps): void {
  if (watched.has(deps)) return;
  watched.add(deps);
  deps.db.middlewareStack.add(reportCalls('DynamoDB'), observerStep);
  deps.sqs.middlewareStack.add(reportCalls('SQS'), observerStep);
  deps.management.middlewareStack.add(reportCalls('ApiGatewayManagementApi'), observerStep);
  const { posts } = deps;
  const post = posts.post.bind(posts);
  posts.post = (connectionId, frame) => {
    callObserver?.('ApiGatewayManagementApi', 'PostToConnectionCommand');
    const done = callTimer?.('ApiGatewayManagementApi', 'PostToConnectionCommand');
    const result = post(connectionId, frame);
    if (done) result.then(done, done);
    return result;
  };
}

/**
 * Sets the observer of the calls the handlers' clients make (`getDeps()`, which the local
 * runtime's handlers share in this process); undefined removes it. Call it once the local
 * runtime has started, so that the clients are built with the runtime's configuration.
 */
export function observeSdkCalls(observer: SdkCallObserver | undefined, deps: Deps = getDeps()): void {
  if (observer) watch(deps);
  callObserver = observer;
}

/** Sets the timer of the handlers' calls (see {@link SdkCallTimer}); undefined removes it. */
export function timeSdkCalls(timer: SdkCallTimer | undefined, deps: Deps = getDeps()): void {
  if (timer) watch(deps);
  callTimer = timer;
}
