import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** What `npm start` writes to `.local/endpoints.json` (the fields the load test reads). */
export interface LocalEndpointsFile {
  readonly websocket?: string;
  readonly http?: string;
  readonly sqs?: string;
  readonly queues?: { readonly notifications?: string };
}

const rootDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Reads `.local/endpoints.json` from the repository root; empty when there is none. */
export async function readLocalEndpoints(file = path.join(rootDir, '.local', 'endpoints.json')) {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LocalEndpointsFile;
  } catch {
    return {} as LocalEndpointsFile;
  }
}
