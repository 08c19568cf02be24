import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  badge,
  eventually,
  hasChromium,
  joinRoom,
  killSocket,
  lines,
  shoot,
  useChatPage,
  write,
} from '../../helpers/browser.ts';

const web = useChatPage('the chat page browser test');
const { signIn } = web;
const state = (page: Page) => page.locator('#connection').getAttribute('data-state');

const markup = '<b>bold?</b> <img src="x" onerror="window.pwned = 1">';

describe.skipIf(!hasChromium)('The chat page in Chromium', () => {
  it('exchanges room and direct messages, and recovers what was sent while a socket was gone', async () => {
    const alice = await signIn('alice', { width: 1000, height: 700 });
    const bob = await signIn('bob', { width: 390, height: 760 }); // a phone-sized window

    // A room: joining a new name creates it; who is online follows the joined events.
    await joinRoom(alice, 'lobby');
    await joinRoom(bob, 'lobby');
    await eventually(() => alice.locator('#online li').allTextContents()).toEqual(['alice', 'bob']);
    await alice.locator('#composer input[name="text"]').fill('hello bob');
    await eventually(() => bob.locator('#typing').textContent()).toBe('alice is typing…');
    await alice.locator('#composer button[type="submit"]').click();
    await eventually(() => lines(bob)).toEqual(['hello bob']);
    // User content is text, never markup.
    await write(alice, markup);
    await eventually(() => lines(bob)).toEqual(['hello bob', markup]);
    expect(await bob.locator('#messages b, #messages img').count()).toBe(0);
    expect(await bob.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
    // A status shows in the room's online list of the others.
    await bob.locator('#status').selectOption('away');
    await eventually(() => alice.locator('#online li[data-status="away"]').allTextContents()).toEqual([
      'bob',
    ]);
    // Bob has the room in view, so he marks it read and Alice sees the receipt.
    await eventually(() => alice.locator('#seen').textContent()).toBe('Seen by bob');
    await eventually(() => bob.locator('#typing').textContent()).toBe('');

    // A direct message: Bob, in the room on his phone, goes back to the list and sees the badge.
    await alice.locator('#start-dm input[name="user"]').fill('bob');
    await alice.locator('#start-dm button[type="submit"]').click();
    await write(alice, 'psst, bob');
    await eventually(() => alice.locator('#messages li:not(.pending) .text').allTextContents()).toEqual([
      'psst, bob',
    ]);
    await bob.locator('#back').click();
    await eventually(() => badge(bob, 'dm:alice')).toBe('1');
    await bob.locator('button[data-key="dm:alice"]').click();
    await eventually(() => lines(bob)).toEqual(['psst, bob']);
    await bob.locator('#back').click();

    // Bob's socket is killed, and his network cannot fetch a ticket, so he stays away a while.
    await bob.route('**/tickets', (route) => route.abort());
    await killSocket(web.rt, 'bob');
    await eventually(() => state(bob)).toBe('reconnecting');
    await alice.locator('button[data-key="room:lobby"]').click();
    await eventually(() => alice.locator('#online li').allTextContents()).toEqual(['alice']);
    await write(alice, 'while you were away');
    await alice.locator('button[data-key="dm:bob"]').click();
    await write(alice, 'did you get this?');
    await eventually(() => alice.locator('.pending').count()).toBe(0);
    expect(await state(bob)).toBe('reconnecting');

    // Back online: the SDK fetches a ticket, re-joins the room from its last seq and syncs the inbox.
    await bob.unroute('**/tickets');
    await bob.locator('#connection[data-state="open"]').waitFor();
    await eventually(() => badge(bob, 'room:lobby')).toBe('1');
    await eventually(() => badge(bob, 'dm:alice')).toBe('1');
    await bob.locator('button[data-key="room:lobby"]').click();
    await eventually(() => lines(bob)).toEqual(['hello bob', markup, 'while you were away']);
    await eventually(() => badge(bob, 'room:lobby')).toBe('');
    await bob.locator('#back').click();
    await bob.locator('button[data-key="dm:alice"]').click();
    await eventually(() => lines(bob)).toEqual(['psst, bob', 'did you get this?']);
    // A reload keeps the sign-in and the direct conversation; the rooms come from /me/unread.
    await bob.reload();
    await bob.locator('#connection[data-state="open"]').waitFor();
    await eventually(() => badge(bob, 'room:lobby')).toBe('');
    await bob.locator('button[data-key="dm:alice"]').click();
    await eventually(() => lines(bob)).toEqual(['psst, bob', 'did you get this?']);
    await bob.locator('#back').click();
    await bob.locator('button[data-key="room:lobby"]').click();
    await eventually(() => bob.locator('#status').inputValue()).toBe('away');
    // Alice sees Bob online in the room again.
    await alice.locator('button[data-key="room:lobby"]').click();
    await eventually(() => alice.locator('#online li').allTextContents()).toEqual(['alice', 'bob']);

    await shoot(alice, 'chat-page-alice');
    await shoot(bob, 'chat-page-bob');
  }, 90_000);
});
