import { createHash } from 'node:crypto';

/** A message attribute as the JSON protocol carries it (binary values base64-encoded). */
export interface WireMessageAttribute {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/**
 * The MD5 SQS returns as `MD5OfMessageAttributes`, computed as SQS documents it: attributes
 * sorted by name; each contributes its name, its data type (both length-prefixed, 4-byte
 * big-endian), one transport byte (1 for String/Number, 2 for Binary) and its length-prefixed
 * value bytes. Clients that check it (Java, .NET SDKs) reject any other encoding.
 */
export function md5OfMessageAttributes(attributes: Record<string, WireMessageAttribute>): string {
  const parts: Buffer[] = [];
  for (const name of Object.keys(attributes).sort()) {
    const attribute = attributes[name]!;
    parts.push(lengthPrefixed(Buffer.from(name, 'utf8')));
    parts.push(lengthPrefixed(Buffer.from(attribute.DataType, 'utf8')));
    if (attribute.BinaryValue !== undefined) {
      parts.push(Buffer.from([2]), lengthPrefixed(Buffer.from(attribute.BinaryValue, 'base64')));
    } else {
      parts.push(Buffer.from([1]), lengthPrefixed(Buffer.from(attribute.StringValue ?? '', 'utf8')));
    }
  }
  return md5Hex(Buffer.concat(parts));
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}
