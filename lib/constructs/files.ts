import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { files as filesSpec, httpApi } from '../manifest.ts';

export interface FilesProps {
  /**
   * Origins a browser may `PUT` an upload from and `GET` a file from, as the HTTP API's CORS.
   * @default httpApi.cors.allowOrigins of the manifest
   */
  readonly allowOrigins?: readonly string[];
  /** @default RemovalPolicy.DESTROY (once empty) */
  readonly removalPolicy?: RemovalPolicy;
  /** Customer-managed key the objects are encrypted with. @default S3-managed keys (SSE-S3) */
  readonly encryptionKey?: IKey;
}

/**
 * The files bucket: private (every public access blocked, bucket-owner objects), encrypted, TLS
 * only, CORS for browsers to `PUT` uploads and `GET` files from the configured origins. Uploads
 * land under `pending/` and a lifecycle rule deletes them a day later; attaching copies the
 * object to `files/`, which nothing expires. The same layout works in the local S3 emulator.
 *
 * @example
 * const { bucket } = new Files(this, 'Files', { removalPolicy: RemovalPolicy.RETAIN });
 */
export class Files extends Construct {
  /** Uploads (`pending/`) and attached files (`files/`). */
  public readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: FilesProps = {}) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Bucket', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      ...(props.encryptionKey
        ? { encryption: BucketEncryption.KMS, encryptionKey: props.encryptionKey, bucketKeyEnabled: true }
        : { encryption: BucketEncryption.S3_MANAGED }),
      cors: [
        {
          allowedOrigins: [...(props.allowOrigins ?? httpApi.cors.allowOrigins)],
          allowedMethods: [HttpMethods.PUT, HttpMethods.GET],
          allowedHeaders: ['*'],
          maxAge: 3000,
        },
      ],
      lifecycleRules: [
        {
          id: 'unattached-uploads',
          prefix: filesSpec.pendingPrefix,
          expiration: Duration.days(1),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // No autoDeleteObjects (a custom-resource function per stack): a non-prod stack deletes
      // its bucket once emptied (`aws s3 rm --recursive`), see docs/deploy.md.
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'Every read and write of a file goes through a function that logs it (POST /uploads, attach, GET /files); server access logs would need a second bucket per stage.',
    });
  }
}
