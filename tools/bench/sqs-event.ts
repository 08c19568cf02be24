import type { SQSEvent } from 'aws-lambda';

/** A batch of SQS records as the event source mapping hands them to the deliver worker. */
export function sqsEvent(frame: string, ids: readonly string[], shard: number): SQSEvent {
  const records = [];
  for (let i = 0; i < ids.length; i += shard) {
    const body = JSON.stringify({
      type: 'connections',
      frame,
      connectionIds: ids.slice(i, i + shard),
      attempt: 0,
    });
    records.push({
      messageId: `bench-${i}`,
      receiptHandle: `bench-${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: String(Date.now()),
        SenderId: 'bench',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:bench',
      awsRegion: 'us-east-1',
    });
  }
  return { Records: records };
}
