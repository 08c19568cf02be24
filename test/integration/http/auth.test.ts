import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpApi } from '../../../lib/manifest.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { api, codeOf } from './http-fixtures.ts';

let rt: TestRuntime;

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(() => rt?.stop());

/** Every route of the table but the public health check, with its path parameters filled in. */
const routes = Object.keys(httpApi.routes)
  .filter((key) => key !== 'GET /health')
  .map((key) => {
    const [method = '', path = ''] = key.split(' ');
    return { method, path: path.replace('{id}', 'r1').replace('{userId}', 'u1') };
  });

/** A valid-looking body where one is allowed: authentication must come first anyway. */
const bodyFor = (method: string) => (method === 'GET' ? undefined : { name: 'x', type: 'public' });

describe('HTTP API authentication', () => {
  it('answers 401 UNAUTHORIZED on every route without a token', async () => {
    for (const { method, path } of routes) {
      const answer = await api(rt, method, path, { body: bodyFor(method) });
      expect([method, path, answer.status, codeOf(answer)]).toEqual([method, path, 401, 'UNAUTHORIZED']);
    }
  });

  it('answers 401 UNAUTHORIZED on every route with a token signed by someone else', async () => {
    const forged = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('mallory')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode('not-the-secret'));
    for (const { method, path } of routes) {
      const answer = await api(rt, method, path, {
        authorization: `Bearer ${forged}`,
        body: bodyFor(method),
      });
      expect([method, path, answer.status, codeOf(answer)]).toEqual([method, path, 401, 'UNAUTHORIZED']);
    }
  });

  it('answers 401 for a malformed Authorization header', async () => {
    const answer = await api(rt, 'GET', '/me/unread', { authorization: 'Basic abc' });
    expect([answer.status, codeOf(answer)]).toEqual([401, 'UNAUTHORIZED']);
  });
});
