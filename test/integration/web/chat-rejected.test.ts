import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { api } from '../http/http-fixtures.ts';

/** Debian's Chromium, driven by playwright-core: never a browser download. */
const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);

let rt: TestRuntime;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  rt = await startTestRuntime({ publishHook: 'examples/hooks/no-links.ts' });
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await rt?.stop();
});

async function signIn(user: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${rt.endpoints.http}/`);
  await page.locator('#sign-in input[name="user"]').fill(user);
  await page.locator('#sign-in button[type="submit"]').click();
  await page.locator('#connection[data-state="open"]').waitFor();
  return page;
}

const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });
const lines = (page: Page) => page.locator('#messages li .text').allTextContents();

async function submit(page: Page, text: string): Promise<void> {
  await page.locator('#composer input[name="text"]').fill(text);
  await page.locator('#composer button[type="submit"]').click();
  await eventually(() => page.locator('#messages .pending').count()).toBe(0);
}

describe.skipIf(!hasChromium)('The chat page, when a message is refused', () => {
  it('shows the publish hook’s reason and keeps the text in the box', async () => {
    const page = await signIn('ana');
    await page.locator('#join-room input[name="room"]').fill('lobby');
    await page.locator('#join-room button[type="submit"]').click();
    await eventually(() => page.locator('#title').textContent()).toBe('# lobby');
    await submit(page, 'hello all');
    await submit(page, 'look at https://example.com');
    await eventually(() => page.locator('#notice').textContent()).toBe(
      'Not sent: Links are not allowed in room lobby',
    );
    expect(await lines(page)).toEqual(['hello all']);
    expect(await page.locator('#composer input[name="text"]').inputValue()).toBe(
      'look at https://example.com',
    );
    await page.screenshot({ path: '/tmp/hook-rejected-by-hook.png' });
  }, 60_000);

  it('shows the moderation rule when the words reject a direct message', async () => {
    const put = await api(rt, 'PUT', '/moderation', {
      as: 'root',
      roles: ['admin'],
      body: { words: ['darn'], mode: 'reject' },
    });
    expect(put.status).toBe(200);
    const page = await signIn('bo');
    await page.locator('#start-dm input[name="user"]').fill('cy');
    await page.locator('#start-dm button[type="submit"]').click();
    await submit(page, 'oh darn');
    await eventually(() => page.locator('#notice').textContent()).toBe(
      'Not sent: send: data contains a word the moderation settings reject',
    );
    expect(await lines(page)).toEqual([]);
    await page.screenshot({ path: '/tmp/hook-rejected-by-words.png' });
  }, 60_000);
});
