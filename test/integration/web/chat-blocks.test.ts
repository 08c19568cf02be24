import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, hasChromium, lines, useChatPage } from '../../helpers/browser.ts';
import { sleep } from '../../helpers/socket.ts';

// Two unacknowledged messages per sender, so that the page meets INBOX_FULL quickly.
const web = useChatPage('the chat page blocking browser test', {
  functionEnv: { INBOX_MAX_PER_SENDER: '2' },
});
const { signIn } = web;
const blockedList = (page: Page) => page.locator('#blocked li[data-user] .name').allTextContents();

describe.skipIf(!hasChromium)('Blocking in the chat page', () => {
  it('drops the direct messages of a user blocked in the page, and shows them again after unblock', async () => {
    const bea = await signIn('bea');
    const abe = await web.rt.connect('abe');
    await abe.request({ action: 'send', to: 'bea', data: { text: 'hi bea' } });
    await bea.locator('button[data-key="dm:abe"]').click();
    await eventually(() => lines(bea)).toEqual(['hi bea']);

    await bea.locator('#block-toggle').click();
    await eventually(() => bea.locator('#block-toggle').textContent()).toBe('Unblock');
    await eventually(() => blockedList(bea)).toEqual(['abe']);
    // The list comes from GET /me/blocks after a reload.
    await bea.reload();
    await bea.locator('#connection[data-state="open"]').waitFor();
    await eventually(() => blockedList(bea)).toEqual(['abe']);

    // Abe is answered as usual, and Bea never sees it.
    const reply = await abe.request({ action: 'send', to: 'bea', data: { text: 'are you there?' } });
    expect(reply).toMatchObject({ type: 'reply', result: { messageId: expect.any(String) } });
    await bea.locator('button[data-key="dm:abe"]').click();
    await sleep(1000);
    expect(await lines(bea)).toEqual(['hi bea']);

    await bea.locator('#blocked button[data-unblock="abe"]').click();
    await eventually(() => blockedList(bea)).toEqual([]);
    await eventually(() => bea.locator('#block-toggle').textContent()).toBe('Block');
    await abe.request({ action: 'send', to: 'bea', data: { text: 'back again' } });
    await eventually(() => lines(bea)).toEqual(['hi bea', 'back again']);
    await abe.close();
  }, 60_000);

  it('tells the user when the recipient holds too many unread messages from them', async () => {
    const cal = await signIn('cal');
    await cal.locator('#start-dm input[name="user"]').fill('dee');
    await cal.locator('#start-dm button[type="submit"]').click();
    for (const text of ['one', 'two', 'three']) {
      await cal.locator('#composer input[name="text"]').fill(text);
      await cal.locator('#composer button[type="submit"]').click();
      await eventually(() => cal.locator('#messages .pending').count()).toBe(0);
    }
    await eventually(() => cal.locator('#notice').textContent()).toBe(
      'Not sent: dee has not read your earlier messages yet. Try again once they have.',
    );
    expect(await lines(cal)).toEqual(['one', 'two']);
  }, 60_000);
});
