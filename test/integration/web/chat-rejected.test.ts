import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, hasChromium, lines, useChatPage } from '../../helpers/browser.ts';
import { api } from '../http/http-fixtures.ts';

const web = useChatPage('the chat page refusal browser test', { publishHook: 'examples/hooks/no-links.ts' });
const { signIn } = web;

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
    const put = await api(web.rt, 'PUT', '/moderation', {
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
