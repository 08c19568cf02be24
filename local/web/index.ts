import path from 'node:path';
import type { HttpRouteHandler } from '../http-api/index.ts';
import { devTokenRoute } from './dev-token.ts';
import { createPageBundle } from './page-bundle.ts';
import { scriptRoutes } from './script-routes.ts';

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
  return {
    staticDir,
    routes: {
      'POST /dev/token': devTokenRoute({ secret: options.jwtSecret }),
      'GET /dev/config': async () => ({
        statusCode: 200,
        headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' },
        body: JSON.stringify({ websocket: options.websocketUrl }),
      }),
      ...scriptRoutes(bundle, 'app.js', 'chat page', options.log),
    },
    close: () => bundle.dispose(),
  };
}

export { type DashboardPage, type DashboardPageOptions, startDashboardPage } from './dashboard-page.ts';
