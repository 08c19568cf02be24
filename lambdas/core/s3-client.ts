import { S3Client } from '@aws-sdk/client-s3';
import type { Config } from './config.ts';

let client: S3Client | undefined;

/**
 * The container's S3 client, built on first use; the endpoint comes from `AWS_ENDPOINT_URL_S3`
 * (the local emulator), path-style addressing from `S3_FORCE_PATH_STYLE`.
 */
export function defaultS3Client(config: Config): S3Client {
  client ??= new S3Client({ forcePathStyle: config.S3_FORCE_PATH_STYLE });
  return client;
}
