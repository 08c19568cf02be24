import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { HttpResponse } from './http-response.ts';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * Reads the file a GET path names under `rootDir` (`index.html` for a folder), or `undefined`
 * when there is none. Paths that would leave `rootDir` find nothing.
 */
export async function readStaticFile(rootDir: string, urlPath: string): Promise<HttpResponse | undefined> {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  const root = path.resolve(rootDir);
  let file = path.resolve(root, `.${path.posix.normalize(`/${relative}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return undefined;
  try {
    if ((await stat(file)).isDirectory()) file = path.join(file, 'index.html');
    const body = await readFile(file);
    return {
      status: 200,
      headers: {
        'content-type': contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        // Local development: edits to the page show on reload.
        'cache-control': 'no-cache',
      },
      cookies: [],
      body,
    };
  } catch {
    return undefined;
  }
}
