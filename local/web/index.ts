import path from 'node:path';
import type { HttpRouteHandler } from '../http-api/index.ts';
import { devTokenRoute } from './dev-token.ts';
import { createPageBundle } from './page-bundle.ts';

/** Options of {@link startChatPage}. */
export interface ChatPageOptions {
  /** The repository root; the page lives in `web/` and imports the SDK from `client/`. */
  readonly rootDir: string;
  /** The HS256 secret development tokens are signed with. */
  readonly jwtSecret: string;
  /** The WebSocket URL the page connects to. */
  readonly websocketUrl: string;
  /** Receives build failures. */
  readonly log?: (line: string) => void;
}

/** The local-only routes behind the chat page, added to the HTTP API emulator. */
export interface ChatPage {
  /** `POST /dev/token`, `GET /dev/config`, `GET /app.js(.map)`; `web/` serves the rest as files. */
  readonly routes: Readonly<Record<string, HttpRouteHandler>>;
  /** `web/`: `index.html` and `style.css`. */
  readonly staticDir: string;
  close(): Promise<void>;
}

/**
 * The chat page of the local runtime: static files from `web/`, the page's script bundled with
 * the SDK on request, a development token endpoint and the page's configuration. None of these
 * routes is in the manifest, so none of them deploys.
 */
export function startChatPage(options: ChatPageOptions): ChatPage {
  const staticDir = path.join(options.rootDir, 'web');
  const bundle = createPageBundle({ entryPoint: path.join(staticDir, 'main.ts') });
  const script: HttpRouteHandler = async () => {
    const built = await bundle.build();
    if (built.ok) return { statusCode: 200, headers: javascript, body: built.code };
    options.log?.(`chat page build failed:\n${built.errors}`);
    // The browser runs no script from a 500; the page's loading note stays and says where to look.
    return {
      statusCode: 500,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: `The chat page failed to build:\n${built.errors}\n`,
    };
  };
  return {
    staticDir,
    routes: {
      'POST /dev/token': devTokenRoute({ secret: options.jwtSecret }),
      'GET /dev/config': async () => ({
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
        body: JSON.stringify({ websocket: options.websocketUrl }),
      }),
      'GET /app.js': script,
      // The map of the latest build; browsers fetch it only with their developer tools open.
      'GET /app.js.map': async () => {
        const built = await bundle.build();
        return built.ok
          ? { statusCode: 200, headers: { 'content-type': 'application/json' }, body: built.map }
          : { statusCode: 404, body: '' };
      },
    },
    close: () => bundle.dispose(),
  };
}

const javascript = { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' };
