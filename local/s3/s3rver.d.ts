/**
 * s3rver ships no types; this declares the small part the local runtime uses.
 * Options follow s3rver's own documentation (lib/s3rver.js).
 */
declare module 's3rver' {
  import type { AddressInfo } from 'node:net';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    /** Where objects are stored (a folder on disk). */
    directory?: string;
    /** Delete every bucket and object when the server closes. */
    resetOnClose?: boolean;
    /** Buckets created at start, each with optional XML configurations (CORS, website). */
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  export default class S3rver {
    constructor(options?: S3rverOptions);
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  }
}

declare module 's3rver/lib/models/account.js' {
  /** The account every signed request is checked against; its key pairs are the valid ones. */
  export const DUMMY_ACCOUNT: { createKeyPair(accessKeyId: string, secretAccessKey: string): void };
}
