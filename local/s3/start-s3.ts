import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { DUMMY_ACCOUNT } from 's3rver/lib/models/account.js';
import { httpApi } from '../../lib/manifest.ts';

export interface StartS3Options {
  /** @default 0 (a free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** The bucket created at start (S3 bucket names have 3 or more characters). */
  readonly bucketName: string;
  /** The access key the functions sign with (s3rver knows only the keys registered). @default 'local' */
  readonly accessKeyId?: string;
  /** Keep objects in this folder; a fresh temporary folder, removed on close, when absent. */
  readonly directory?: string;
}

export interface LocalS3 {
  /** `http://host:port`, for `AWS_ENDPOINT_URL_S3` with path-style addressing. */
  readonly endpoint: string;
  readonly bucketName: string;
  close(): Promise<void>;
}

/** The bucket's CORS rules, as the stack sets them: browsers PUT uploads and GET files. */
function corsXml(): string {
  const origins = httpApi.cors.allowOrigins.map((o) => `<AllowedOrigin>${o}</AllowedOrigin>`).join('');
  return [
    '<CORSConfiguration><CORSRule>',
    origins,
    '<AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>',
    '<AllowedHeader>*</AllowedHeader><MaxAgeSeconds>3000</MaxAgeSeconds>',
    '</CORSRule></CORSConfiguration>',
  ].join('');
}

/**
 * Starts s3rver, a real S3 REST emulator (presigned PUT and GET work with the SDK v3), with the
 * files bucket created. It knows the access key but does not verify V4 signatures, so a presigned URL's signed size and type
 * are not enforced locally: attaching checks the stored object instead (HeadObject).
 */
export async function startS3(options: StartS3Options): Promise<LocalS3> {
  // s3rver refuses an unknown access key id; V4 signatures themselves it does not verify.
  DUMMY_ACCOUNT.createKeyPair(options.accessKeyId ?? 'local', options.accessKeyId ?? 'local');
  const directory = options.directory ?? (await mkdtemp(path.join(tmpdir(), 'wavelet-s3-')));
  const server = new S3rver({
    address: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    silent: true,
    directory,
    configureBuckets: [{ name: options.bucketName, configs: [corsXml()] }],
  });
  const address = await server.run();
  return {
    endpoint: `http://${address.address}:${address.port}`,
    bucketName: options.bucketName,
    close: async () => {
      await server.close();
      if (!options.directory) await rm(directory, { recursive: true, force: true });
    },
  };
}
