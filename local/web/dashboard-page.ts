import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { HttpRouteHandler } from '../http-api/index.ts';
import { createPageBundle } from './page-bundle.ts';
import { scriptRoutes } from './script-routes.ts';

/** Options of {@link startDashboardPage}. */
export interface DashboardPageOptions {
  /** The repository root; the page is `web/dashboard.html` with its script in `web/dashboard/`. */
  readonly rootDir: string;
  /** Receives build failures. */
  readonly log?: (line: string) => void;
}

/** The local-only routes of the dashboard, added to the HTTP API emulator. */
export interface DashboardPage {
  /** `GET /dashboard` and `GET /dashboard.js(.map)`; `web/dashboard.css` is a static file. */
  readonly routes: Readonly<Record<string, HttpRouteHandler>>;
  close(): Promise<void>;
}

/**
 * The live dashboard of the local runtime: a page that polls `GET /metrics` every second and
 * charts it, its script bundled on request like the chat page's. Not in the manifest, so it
 * never deploys (the stack has a CloudWatch dashboard instead).
 */
export function startDashboardPage(options: DashboardPageOptions): DashboardPage {
  const webDir = path.join(options.rootDir, 'web');
  const bundle = createPageBundle({
    entryPoint: path.join(webDir, 'dashboard', 'main.ts'),
    scriptName: 'dashboard.js',
  });
  return {
    routes: {
      // Read on every request, so that edits show on reload.
      'GET /dashboard': async () => ({
        statusCode: 200,
        headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' },
        body: await readFile(path.join(webDir, 'dashboard.html'), 'utf8'),
      }),
      ...scriptRoutes(bundle, 'dashboard.js', 'dashboard', options.log),
    },
    close: () => bundle.dispose(),
  };
}
