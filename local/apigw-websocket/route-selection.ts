import { isWithinDataDepth } from '../../protocol/data-depth.ts';

/**
 * Picks a route key from a message's text: `undefined` when the text is not JSON (API Gateway
 * then uses `$default`), otherwise the evaluated expression (`""` for a missing path).
 */
export type RouteSelector = (body: string) => string | undefined;

const simpleExpression = /^\$request\.body\.(.+)$/;
const templatePart = /\$\{request\.body\.([^}]+)\}/g;

/**
 * Compiles a route selection expression: `$request.body.action`, or a template such as
 * `${request.body.a}/${request.body.b}`. API Gateway allows only the body in a WebSocket API's
 * expression, so anything else fails at start rather than on the first message.
 */
export function compileRouteSelector(expression: string): RouteSelector {
  const simple = simpleExpression.exec(expression);
  if (simple && !expression.includes('${')) {
    const path = simple[1]!.split('.');
    return (body) => {
      const parsed = parseJson(body);
      return parsed === notJson ? undefined : textOf(lookup(parsed, path));
    };
  }
  const pieces: (string | string[])[] = [];
  let last = 0;
  for (const match of expression.matchAll(templatePart)) {
    pieces.push(expression.slice(last, match.index));
    pieces.push(match[1]!.split('.'));
    last = match.index + match[0].length;
  }
  if (last === 0) throw new Error(`unsupported route selection expression: ${expression}`);
  pieces.push(expression.slice(last));
  return (body) => {
    const parsed = parseJson(body);
    if (parsed === notJson) return undefined;
    let key = '';
    for (const piece of pieces) key += typeof piece === 'string' ? piece : textOf(lookup(parsed, piece));
    return key;
  };
}

const notJson = Symbol('notJson');

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return notJson;
  }
}

function lookup(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return String(value);
  // JSON.stringify recurses: a value nested thousands deep would overflow the stack. No route
  // key is that deep, so such a value selects `$default`, like a missing one.
  return isWithinDataDepth(value) ? JSON.stringify(value) : '';
}
