import { createHmac, hash } from 'node:crypto';

/** The credentials a signature needs; what the SDK's default provider chain resolves. */
export interface SigningCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Present for temporary credentials (a Lambda role); sent and signed as `x-amz-security-token`. */
  readonly sessionToken?: string;
}

/**
 * One request to sign: lower-case header names, every one of them signed (so no `user-agent`,
 * `connection` or other header that the SDK's signer leaves out).
 */
export interface SignableRequest {
  readonly method: string;
  /** The path exactly as sent: each segment already URI-encoded once. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/**
 * AWS Signature Version 4 for requests without a query string, synchronous on `node:crypto`.
 *
 * The delivery path signs one request per recipient, and `@smithy/signature-v4` (the SDK's
 * signer) costs several times as much CPU per call: it clones the request and awaits each hash.
 * This covers the one shape the poster sends and produces the same `Authorization` as that
 * signer (test/unit/core/sigv4.test.ts checks it against it): every given header signed,
 * `x-amz-date`, `x-amz-content-sha256` and the session token added and signed, and the path
 * escaped once more for the canonical request, as for every service but S3.
 */
export class SigV4Signer {
  private cachedKey: { scope: string; secret: string; key: Buffer } | undefined;
  private cachedDate = { second: Number.NaN, longDate: '' };
  private cachedPath = { prefix: '', canonical: '' };

  constructor(
    private readonly region: string,
    private readonly service: string,
  ) {}

  /** The request's headers plus `x-amz-date`, `x-amz-content-sha256`, the token and `authorization`. */
  sign(request: SignableRequest, credentials: SigningCredentials, date = new Date()): Record<string, string> {
    const longDate = this.longDate(date);
    const scope = `${longDate.slice(0, 8)}/${this.region}/${this.service}/aws4_request`;
    const payloadHash = hash('sha256', request.body, 'hex');
    const headers: Record<string, string> = {
      ...request.headers,
      'x-amz-date': longDate,
      'x-amz-content-sha256': payloadHash,
    };
    if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
    const names = Object.keys(headers).sort();
    const signedHeaders = names.join(';');
    let canonicalHeaders = '';
    for (const name of names) canonicalHeaders += `${name}:${canonicalValue(headers[name] as string)}\n`;
    const canonicalRequest = `${request.method}\n${this.canonicalPath(request.path)}\n\n${canonicalHeaders}\n${signedHeaders}\n${payloadHash}`;
    const stringToSign = `AWS4-HMAC-SHA256\n${longDate}\n${scope}\n${hash('sha256', canonicalRequest, 'hex')}`;
    const signature = createHmac('sha256', this.signingKey(scope, credentials.secretAccessKey))
      .update(stringToSign)
      .digest('hex');
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
    return headers;
  }

  /** `20261123T180232Z`; formatted once per second, since every post in that second shares it. */
  private longDate(date: Date): string {
    const second = Math.floor(date.getTime() / 1000);
    if (second !== this.cachedDate.second) {
      const longDate = date
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d{3}/, '');
      this.cachedDate = { second, longDate };
    }
    return this.cachedDate.longDate;
  }

  /**
   * The path escaped once more, as the SDK's signer does for every service but S3. Posts share
   * everything up to the connection id, so that part is escaped once and kept.
   */
  private canonicalPath(path: string): string {
    const slash = path.lastIndexOf('/');
    const prefix = path.slice(0, slash + 1);
    if (prefix !== this.cachedPath.prefix || prefix.includes('.')) {
      this.cachedPath = { prefix, canonical: canonicalPath(prefix) };
    }
    const last = path.slice(slash + 1);
    if (last === '' || last === '.' || last === '..') return canonicalPath(path);
    const base = this.cachedPath.canonical;
    return `${base}${base.endsWith('/') ? '' : '/'}${escapeUri(last)}`;
  }

  /** Derived once per day, region and secret (the secret changes when credentials rotate). */
  private signingKey(scope: string, secret: string): Buffer {
    if (this.cachedKey?.scope === scope && this.cachedKey.secret === secret) return this.cachedKey.key;
    let key: Buffer | string = `AWS4${secret}`;
    for (const part of scope.split('/')) key = createHmac('sha256', key).update(part).digest();
    this.cachedKey = { scope, secret, key: key as Buffer };
    return key as Buffer;
  }
}

/** RFC 3986 escaping, as the SDK's `extendedEncodeURIComponent` does for path labels. */
export function escapeUri(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${(c.codePointAt(0) as number).toString(16).toUpperCase()}`,
  );
}

function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '..') segments.pop();
    else if (segment !== '' && segment !== '.') segments.push(segment);
  }
  const trailing = path.endsWith('/') && segments.length > 0 ? '/' : '';
  return `/${segments.map(escapeUri).join('/')}${trailing}`;
}

const canonicalValue = (value: string) => value.trim().replace(/\s+/g, ' ');
