import { InvokeCommand, LambdaClient, ResourceNotFoundException } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalLambdaApi, startLambdaApi } from '../../../local/lambda-api/index.ts';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
const decode = (payload: Uint8Array | undefined) => JSON.parse(new TextDecoder().decode(payload));

describe('Service: local Lambda Invoke endpoint', () => {
  let api: LocalLambdaApi;
  let lambda: LambdaClient;
  const seen: unknown[] = [];

  beforeAll(async () => {
    api = await startLambdaApi({
      functions: {
        echo: async (event) => {
          seen.push(event);
          return { got: event };
        },
        broken: async () => {
          throw new TypeError('no good');
        },
      },
    });
    lambda = new LambdaClient({ endpoint: api.endpoint, region, credentials, maxAttempts: 1 });
  });
  afterAll(async () => {
    lambda?.destroy();
    await api?.close();
  });

  it('answers a RequestResponse invoke with the handler’s result, by name or by ARN', async () => {
    for (const name of ['echo', 'arn:aws:lambda:us-east-1:000000000000:function:echo:live']) {
      const answer = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: encode({ a: 1 }) }));
      expect([answer.StatusCode, answer.FunctionError, decode(answer.Payload)]).toEqual([
        200,
        undefined,
        { got: { a: 1 } },
      ]);
    }
    expect(api.stats()).toMatchObject({ echo: 2 });
  });

  it('answers a handler that throws with FunctionError Unhandled and the error as the payload', async () => {
    const answer = await lambda.send(new InvokeCommand({ FunctionName: 'broken', Payload: encode({}) }));
    expect([answer.StatusCode, answer.FunctionError, decode(answer.Payload)]).toEqual([
      200,
      'Unhandled',
      { errorType: 'TypeError', errorMessage: 'no good' },
    ]);
  });

  it('refuses an unknown function with ResourceNotFoundException and a payload that is not JSON with a 400', async () => {
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: 'nobody', Payload: encode({}) })),
    ).rejects.toBeInstanceOf(ResourceNotFoundException);
    const before = seen.length;
    await expect(
      lambda.send(new InvokeCommand({ FunctionName: 'echo', Payload: new TextEncoder().encode('{') })),
    ).rejects.toMatchObject({ name: 'InvalidRequestContentException', $metadata: { httpStatusCode: 400 } });
    expect(seen.length).toBe(before);
  });

  it('answers Event with 202 and DryRun with 204 without running it', async () => {
    const before = seen.length;
    const dry = await lambda.send(new InvokeCommand({ FunctionName: 'echo', InvocationType: 'DryRun' }));
    expect(dry.StatusCode).toBe(204);
    expect(seen.length).toBe(before);
    const queued = await lambda.send(
      new InvokeCommand({ FunctionName: 'echo', InvocationType: 'Event', Payload: encode({ later: true }) }),
    );
    expect(queued.StatusCode).toBe(202);
    await expect.poll(() => seen.at(-1)).toEqual({ later: true });
  });
});
