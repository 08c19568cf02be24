/**
 * dynalite ships no types; this declares the small part the local runtime uses.
 * Options follow dynalite's own documentation (index.js).
 */
declare module 'dynalite' {
  import type { Server } from 'node:http';

  interface DynaliteOptions {
    /** LevelDB folder; in memory when absent. */
    path?: string;
    /** How long a new table stays CREATING. @default 500 */
    createTableMs?: number;
    /** @default 500 */
    deleteTableMs?: number;
    /** @default 500 */
    updateTableMs?: number;
    /** @default 400 */
    maxItemSizeKb?: number;
    verbose?: boolean;
  }

  function dynalite(options?: DynaliteOptions): Server;
  export default dynalite;
}
