import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUserConnections } from '../../../lambdas/core/store/connections.ts';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';
import { storeOf } from '../http/http-fixtures.ts';

/** Debian's Chromium, driven by playwright-core: never a browser download. */
const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
const artifacts = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../artifacts');

if (!hasChromium) {
  console.warn(`Skipping the chat page browser test: ${chromiumPath} is absent (apt-get install chromium).`);
}

let rt: TestRuntime;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  rt = await startTestRuntime();
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
});
afterAll(async () => {
  await browser?.close();
  await rt?.stop();
});

/** A page of its own (own storage) signed in as `user`, once its connection is open. */
async function signIn(user: string, viewport: { width: number; height: number }): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${rt.endpoints.http}/`);
  await page.locator('#sign-in input[name="user"]').fill(user);
  await page.locator('#sign-in button[type="submit"]').click();
  await page.locator('#connection[data-state="open"]').waitFor();
  await eventually(() => page.locator('#me').textContent()).toBe(user);
  return page;
}

/** Polls until the page shows what is expected (the machine is shared: generous, not timed). */
const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });
const lines = (page: Page) => page.locator('#messages li .text').allTextContents();
const badge = (page: Page, key: string) => page.locator(`button[data-key="${key}"] .badge`).textContent();
const state = (page: Page) => page.locator('#connection').getAttribute('data-state');

const markup = '<b>bold?</b> <img src="x" onerror="window.pwned = 1">';

async function joinRoom(page: Page, room: string): Promise<void> {
  await page.locator('#join-room input[name="room"]').fill(room);
  await page.locator('#join-room button[type="submit"]').click();
  await eventually(() => page.locator('#title').textContent()).toBe(`# ${room}`);
}

async function write(page: Page, text: string): Promise<void> {
  await page.locator('#composer input[name="text"]').fill(text);
  await page.locator('#composer button[type="submit"]').click();
}

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
    // Bob's one live socket: a record whose socket is gone would answer 410.
    const live = new Set(rt.gateway.connectionIds());
    const bobConnections = (await listUserConnections(storeOf(rt), 'bob')).filter((id) => live.has(id));
    expect(bobConnections).toHaveLength(1);
    const [bobConnection] = bobConnections;
    const killed = await fetch(
      `${rt.endpoints.management}/@connections/${encodeURIComponent(bobConnection ?? '')}`,
      {
        method: 'DELETE',
      },
    );
    expect(killed.status).toBe(204);
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

    await mkdir(artifacts, { recursive: true });
    await alice.screenshot({ path: path.join(artifacts, 'chat-page-alice.png') });
    await bob.screenshot({ path: path.join(artifacts, 'chat-page-bob.png') });
  }, 90_000);
});
