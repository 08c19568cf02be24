import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { escapeUri, type SigningCredentials, SigV4Signer } from '../../../lambdas/core/delivery/sigv4.ts';

/** node:crypto in the shape the SDK's signer takes (what `@smithy/hash-node` provides). */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

const bytes = (data: string | ArrayBuffer | ArrayBufferView) =>
  typeof data === 'string'
    ? data
    : ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);

const date = new Date('2026-11-23T18:02:32.123Z');
const host = 'abc123.execute-api.eu-west-1.amazonaws.com';
const body = '{"type":"message","id":"m1","data":"héllo"}';

/** The `Authorization` the SDK's own signer computes for the same request. */
async function sdkAuthorization(path: string, credentials: SigningCredentials): Promise<string> {
  const signer = new SignatureV4({
    service: 'execute-api',
    region: 'eu-west-1',
    credentials: async () => credentials,
    sha256: Sha256,
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: host,
      path,
      query: {},
      headers: {
        host,
        'content-type': 'application/octet-stream',
        'content-length': String(Buffer.byteLength(body)),
      },
      body,
    },
    { signingDate: date },
  );
  return signed.headers.authorization as string;
}

function ourHeaders(path: string, credentials: SigningCredentials): Record<string, string> {
  const request = {
    method: 'POST',
    path,
    headers: {
      host,
      'content-type': 'application/octet-stream',
      'content-length': String(Buffer.byteLength(body)),
    },
    body,
  };
  return new SigV4Signer('eu-west-1', 'execute-api').sign(request, credentials, date);
}

const longTerm = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const temporary = { ...longTerm, sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////token==' };

describe('Class: SigV4Signer', () => {
  it.each([
    ['a plain connection id', 'L0SM9cOFvHcCIhw='],
    ['an id with every reserved character', "ab+c/d=e!'()*@ é"],
  ])('signs a post to %s exactly as the SDK signer does', async (_, connectionId) => {
    const path = `/prod/@connections/${escapeUri(connectionId)}`;
    for (const credentials of [longTerm, temporary]) {
      expect(ourHeaders(path, credentials).authorization).toBe(await sdkAuthorization(path, credentials));
    }
  });

  it('adds the date, the payload hash and the session token, and signs them', () => {
    const headers = ourHeaders('/prod/@connections/x', temporary);
    expect(headers['x-amz-date']).toBe('20261123T180232Z');
    expect(headers['x-amz-content-sha256']).toBe(createHash('sha256').update(body).digest('hex'));
    expect(headers['x-amz-security-token']).toBe(temporary.sessionToken);
    expect(headers.authorization).toContain(
      'Credential=AKIDEXAMPLE/20261123/eu-west-1/execute-api/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=',
    );
  });

  it('signs differently after the credentials rotate', () => {
    const before = ourHeaders('/prod/@connections/x', longTerm).authorization;
    const after = ourHeaders('/prod/@connections/x', {
      ...longTerm,
      secretAccessKey: 'rotated',
    }).authorization;
    expect(after).not.toBe(before);
  });
});

describe('Function: escapeUri', () => {
  it('escapes what encodeURIComponent leaves, as the SDK does for path labels', () => {
    expect(escapeUri("a+b/c=d!'()*@ é")).toBe('a%2Bb%2Fc%3Dd%21%27%28%29%2A%40%20%C3%A9');
  });
});
