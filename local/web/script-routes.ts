import type { HttpRouteHandler } from '../http-api/index.ts';
import type { PageBundle } from './page-bundle.ts';

/**
 * `GET /{script}` and `GET /{script}.map` for a page's bundle, built on request so that edits
 * show on reload. A failed build answers 500 with esbuild's messages, which also go to `log`.
 */
export function scriptRoutes(
  bundle: PageBundle,
  script: string,
  page: string,
  log?: (line: string) => void,
): Record<string, HttpRouteHandler> {
  return {
    [`GET /${script}`]: async () => {
      const built = await bundle.build();
      if (built.ok) return { statusCode: 200, headers: javascript, body: built.code };
      log?.(`${page} build failed:\n${built.errors}`);
      // The browser runs no script from a 500; the page's loading note stays and says where to look.
      return {
        statusCode: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: `The ${page} failed to build:\n${built.errors}\n`,
      };
    },
    // The map of the latest build; browsers fetch it only with their developer tools open.
    [`GET /${script}.map`]: async () => {
      const built = await bundle.build();
      return built.ok
        ? { statusCode: 200, headers: { 'content-type': 'application/json' }, body: built.map }
        : { statusCode: 404, body: '' };
    },
  };
}

const javascript = { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' };
