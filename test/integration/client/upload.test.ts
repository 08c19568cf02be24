import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { clientEnv, clientFor } from './client-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime({ functionEnv: clientEnv });
});
afterAll(() => rt?.stop());

describe('SDK: upload', () => {
  it('uploads a Buffer and a Blob, and publishes with their ids as files', async () => {
    const token = await rt.token('uma');
    const { client } = clientFor(rt, 'uma', { httpUrl: rt.endpoints.http, token });
    await client.connect();
    await client.join('uploads');
    const fromBuffer = await client.upload(Buffer.from('buffer bytes'), {
      name: 'a.txt',
      contentType: 'text/plain',
    });
    const fromBlob = await client.upload(new Blob(['blob bytes'], { type: 'text/plain' }), { name: 'b.txt' });
    const seen = new Promise<unknown>((resolve) =>
      client.on('message', (m) => {
        if (m.data === 'two files') resolve(m.files);
      }),
    );
    await client.publish('uploads', 'two files', { files: [fromBuffer, fromBlob] });
    expect(await seen).toEqual([
      { id: fromBuffer, name: 'a.txt', contentType: 'text/plain', size: 12 },
      { id: fromBlob, name: 'b.txt', contentType: 'text/plain', size: 10 },
    ]);
    await client.close();
  });

  it('rejects with the server’s code when the type is not accepted', async () => {
    const token = await rt.token('uma');
    const { client } = clientFor(rt, 'uma', { httpUrl: rt.endpoints.http, token });
    await expect(
      client.upload(Buffer.from('x'), { contentType: 'application/x-msdownload' }),
    ).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
