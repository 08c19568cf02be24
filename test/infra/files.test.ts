import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { describe, expect, it } from 'vitest';
import { Files } from '../../lib/constructs/files.ts';

const synth = (props: ConstructorParameters<typeof Files>[2] = {}) => {
  const stack = new Stack(new App(), 'Test');
  new Files(stack, 'Files', props);
  return Template.fromStack(stack);
};

describe('Construct: Files', () => {
  it('blocks every public access and enforces bucket-owner objects', () => {
    synth().hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
  });

  it('encrypts with S3-managed keys, or with the customer-managed key when given', () => {
    synth().hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
    });
    const stack = new Stack(new App(), 'Keyed');
    new Files(stack, 'Files', { encryptionKey: new Key(stack, 'Key') });
    Template.fromStack(stack).hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({ ServerSideEncryptionByDefault: Match.objectLike({ SSEAlgorithm: 'aws:kms' }) }),
        ],
      },
    });
  });

  it('denies every request not made over TLS', () => {
    synth().hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('lets browsers PUT and GET from the configured origins', () => {
    synth({ allowOrigins: ['https://chat.example'] }).hasResourceProperties('AWS::S3::Bucket', {
      CorsConfiguration: {
        CorsRules: [
          Match.objectLike({
            AllowedOrigins: ['https://chat.example'],
            AllowedMethods: ['PUT', 'GET'],
            AllowedHeaders: ['*'],
          }),
        ],
      },
    });
  });

  it('deletes uploads under pending/ a day after they land, and nothing else', () => {
    const rules = Object.values(synth().findResources('AWS::S3::Bucket'))[0]?.Properties
      .LifecycleConfiguration.Rules;
    expect(rules).toEqual([
      {
        Id: 'unattached-uploads',
        Prefix: 'pending/',
        ExpirationInDays: 1,
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
        Status: 'Enabled',
      },
    ]);
  });
});
