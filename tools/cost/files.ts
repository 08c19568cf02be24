/**
 * What one file attached to a message adds, beyond the message's own row: the upload calls
 * (`POST /uploads`: an HTTP API request, a Lambda invocation, one record write), the S3 `PUT`,
 * on attach a record read, a HeadObject, a conditional update and a CopyObject to `files/`,
 * storage for a month, and per viewer `GET /files` (HTTP request, Lambda, record read) and the
 * S3 `GET`. List prices, us-east-1, checked 2026-11-23: https://aws.amazon.com/s3/pricing/
 * (Standard), https://aws.amazon.com/api-gateway/pricing/ (HTTP APIs, first 300 million).
 */
export const filePrices = {
  httpApiPerMillionRequests: 1.0,
  s3PutCopyPerThousand: 0.005,
  s3GetHeadPerThousand: 0.0004,
  s3StandardPerGbMonth: 0.023,
  dataTransferOutPerGb: 0.09,
  lambdaPerMillionRequests: 0.2,
  lambdaPerGbSecond: 0.0000133334,
  dynamoDbPerMillionWrites: 0.625,
  dynamoDbPerMillionReads: 0.125,
} as const;

export interface FileAssumptions {
  /** A typical attachment (a phone photo). */
  readonly bytes: number;
  /** How many people open it. */
  readonly viewers: number;
  /** How long it is kept (months of storage; both the pending and the attached copy for a day). */
  readonly months: number;
  /** Each function call's duration at 256 MB. */
  readonly invocationMs: number;
}

export const fileAssumptions: FileAssumptions = { bytes: 500_000, viewers: 10, months: 1, invocationMs: 30 };

export interface FileCost {
  readonly upload: number;
  readonly attach: number;
  readonly storage: number;
  readonly perViewer: number;
  readonly total: number;
}

/** Dollars for one file message, by step. */
export function fileMessageCost(a: FileAssumptions = fileAssumptions, p = filePrices): FileCost {
  const invocation = p.lambdaPerMillionRequests / 1e6 + (a.invocationMs / 1000) * 0.25 * p.lambdaPerGbSecond;
  const gb = a.bytes / 1024 ** 3;
  const upload =
    p.httpApiPerMillionRequests / 1e6 +
    invocation +
    p.dynamoDbPerMillionWrites / 1e6 +
    p.s3PutCopyPerThousand / 1000;
  // The attach runs inside send/publish: no invocation of its own.
  const attach =
    p.dynamoDbPerMillionReads / 1e6 +
    p.s3GetHeadPerThousand / 1000 +
    p.dynamoDbPerMillionWrites / 1e6 +
    p.s3PutCopyPerThousand / 1000;
  const storage = gb * p.s3StandardPerGbMonth * a.months;
  const perViewer =
    p.httpApiPerMillionRequests / 1e6 +
    invocation +
    p.dynamoDbPerMillionReads / 1e6 +
    p.s3GetHeadPerThousand / 1000 +
    gb * p.dataTransferOutPerGb;
  return { upload, attach, storage, perViewer, total: upload + attach + storage + perViewer * a.viewers };
}

/** The row `npm run cost` prints, with its assumptions. */
export function fileRow(a: FileAssumptions = fileAssumptions): string {
  const c = fileMessageCost(a);
  const usd = (n: number) => `$${(n * 1e6).toFixed(0)} per million`;
  return [
    `file message (${a.bytes / 1000} KB, ${a.viewers} viewers, kept ${a.months} month): ${usd(c.total)} on top of the message's row`,
    `  upload ${usd(c.upload)} (POST /uploads + Lambda + record write + S3 PUT), attach ${usd(c.attach)} (record read, HeadObject, conditional update, CopyObject),`,
    `  storage ${usd(c.storage)}, each viewer ${usd(c.perViewer)} (GET /files + Lambda + record read + S3 GET + transfer out)`,
  ].join('\n');
}
