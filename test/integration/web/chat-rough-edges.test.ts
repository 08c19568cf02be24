import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  badge,
  eventually,
  hasChromium,
  joinRoom,
  killSocket,
  shoot,
  useChatPage,
} from '../../helpers/browser.ts';

const web = useChatPage('the chat page rough-edges browser test');
const { signIn } = web;
const online = (page: Page) => page.locator('#online li').allTextContents();

/** The page's own `GET /me/unread`, with the token its session keeps. */
async function serverUnread(page: Page): Promise<unknown> {
  return page.evaluate(async () => {
    const { token } = JSON.parse(sessionStorage.getItem('wavelet.session') ?? '{}') as { token: string };
    const response = await fetch('/me/unread', { headers: { authorization: `Bearer ${token}` } });
    return ((await response.json()) as { rooms: unknown[] }).rooms;
  });
}

/** Kills the page's one live socket at the gateway; the SDK reconnects by itself. */
async function dropSocket(page: Page, user: string): Promise<void> {
  await killSocket(web.rt, user);
  await eventually(() => page.locator('#connection').getAttribute('data-state')).not.toBe('open');
  await page.locator('#connection[data-state="open"]').waitFor();
}

describe.skipIf(!hasChromium)('The chat page, at its rough edges', () => {
  it('says what to do when the user has no rooms and no direct conversations yet', async () => {
    const page = await signIn('newcomer');
    await eventually(() => page.locator('#rooms li.system').textContent()).toBe(
      'No rooms yet: join or create one below.',
    );
    await eventually(() => page.locator('#dms li.system').textContent()).toBe(
      'No conversations yet: message someone below.',
    );
    await shoot(page, 'empty-sidebar');
    // The hint goes once there is something to list.
    await joinRoom(page, 'first-room');
    await eventually(() => page.locator('#rooms li.system').count()).toBe(0);
    await eventually(() => page.locator('#rooms li').allTextContents()).toEqual(['# first-room']);
    await page.context().close();
  }, 60_000);

  it('shows the status the server keeps after a reload, before any room is opened', async () => {
    const page = await signIn('stays-away');
    await joinRoom(page, 'quiet');
    await page.locator('#status').selectOption('away');
    await eventually(() => page.locator('#online li[data-status="away"]').allTextContents()).toEqual([
      'stays-away',
    ]);
    // Not what this tab kept: only the server can say.
    await page.evaluate(() => sessionStorage.removeItem('wavelet.status'));
    await page.reload();
    await page.locator('#connection[data-state="open"]').waitFor();
    // No room is open yet: the selector still shows what the server has, not its default.
    await eventually(() => page.locator('#title').textContent()).toBe('Pick a room or a person');
    await eventually(() => page.locator('#status').inputValue()).toBe('away');
    await shoot(page, 'status-after-reload');
    await page.context().close();
  }, 60_000);

  it('shows the status this tab last set after a reload when the user is in no room to ask', async () => {
    const page = await signIn('roomless');
    await page.locator('#status').selectOption('busy');
    await page.waitForFunction(() => sessionStorage.getItem('wavelet.status') === 'busy');
    await page.reload();
    await page.locator('#connection[data-state="open"]').waitFor();
    await eventually(() => page.locator('#status').inputValue()).toBe('busy');
    await page.context().close();
  }, 60_000);

  it("keeps the user's own name in the open room's online list across a reconnect", async () => {
    const page = await signIn('reconnecter');
    const other = await signIn('watcher');
    await joinRoom(page, 'steady');
    await joinRoom(other, 'steady');
    await eventually(() => online(page)).toEqual(['reconnecter', 'watcher']);
    await dropSocket(page, 'reconnecter');
    // The room stays open and subscribed; its list is fetched again and still has its own user.
    await eventually(() => online(other)).toEqual(['reconnecter', 'watcher']);
    await eventually(() => online(page)).toEqual(['reconnecter', 'watcher']);
    // Not just for a moment: the list stays right once the re-join has settled.
    await page.waitForTimeout(500);
    expect(await online(page)).toEqual(['reconnecter', 'watcher']);
    await shoot(page, 'online-after-reconnect');
    await page.context().close();
    await other.context().close();
  }, 60_000);

  it('opens the conversation whose button is pressed while a message elsewhere redraws the list', async () => {
    const page = await signIn('presser');
    await joinRoom(page, 'wanted');
    await joinRoom(page, 'busy');
    const talker = await web.rt.connect('talker');
    await talker.request({ action: 'join', room: 'wanted' });
    const box = await page.locator('button[data-key="room:wanted"]').boundingBox();
    expect(box).not.toBeNull();
    const { x, y, width, height } = box ?? { x: 0, y: 0, width: 0, height: 0 };
    // The press, then a message that redraws the list (its badge), then the release: one click.
    await page.mouse.move(x + width / 2, y + height / 2);
    await page.mouse.down();
    await talker.request({ action: 'publish', room: 'wanted', data: { text: 'meanwhile' } });
    await eventually(() => badge(page, 'room:wanted')).toBe('1');
    await page.mouse.up();
    await eventually(() => page.locator('#title').textContent()).toBe('# wanted');
    await eventually(() => page.locator('#messages li .text').allTextContents()).toEqual(['meanwhile']);
    await talker.close();
    await page.context().close();
  }, 60_000);

  it("never counts the user's own room message unread, even when its reply lands with the page hidden", async () => {
    const page = await signIn('soloist');
    await joinRoom(page, 'monologue');
    // The user sends and switches away at once: the page is hidden when the reply comes.
    await page.evaluate(() => {
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    });
    await page.locator('#composer input[name="text"]').fill('talking to myself');
    await page.locator('#composer button[type="submit"]').click();
    await eventually(() => page.locator('#messages li:not(.pending) .text').allTextContents()).toEqual([
      'talking to myself',
    ]);
    await eventually(() => serverUnread(page)).toEqual([
      expect.objectContaining({ room: 'monologue', seq: 1, upTo: 1, unread: 0 }),
    ]);
    expect(await page.title()).toBe('wavelet chat');
    await page.reload();
    await page.locator('#connection[data-state="open"]').waitFor();
    await eventually(() => page.locator('button[data-key="room:monologue"]').count()).toBe(1);
    expect(await badge(page, 'room:monologue')).toBe('');
    await shoot(page, 'own-message-read');
    await page.context().close();
  }, 60_000);
});
