import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  eventually,
  hasChromium,
  joinRoom,
  killSocket,
  lines,
  shoot,
  useChatPage,
  write,
} from '../../helpers/browser.ts';

const web = useChatPage('the chat page lifecycle browser test');
const { signIn } = web;
/** The room message line whose text is `text`. */
const line = (page: Page, text: string) =>
  page.locator('#messages li[data-seq]').filter({ has: page.locator('.text', { hasText: text }) });
/** Points at the line (its actions show on hover, as for a person), then clicks one of them. */
async function act(page: Page, text: string, action: string): Promise<void> {
  await line(page, text).hover();
  await line(page, text).locator(action).click();
}
const chips = (page: Page) => page.locator('#messages .chip').allTextContents();

/** A small picture: a blue square with a yellow circle. */
const logo = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80"><rect width="120" height="80" fill="#2f6fde"/><circle cx="60" cy="40" r="25" fill="#f6c343"/></svg>',
);

describe.skipIf(!hasChromium)('The chat page: edit, delete, react, threads and files', () => {
  it('shows each change to both users, and after a reconnect', async () => {
    const alice = await signIn('alice');
    const bob = await signIn('bob');
    await joinRoom(alice, 'studio');
    await joinRoom(bob, 'studio');
    await eventually(() => alice.locator('#online li').allTextContents()).toEqual(['alice', 'bob']);

    // Edit: only the author has the action; Enter saves, Escape gives up.
    await write(alice, 'first draft');
    await eventually(() => lines(bob)).toEqual(['first draft']);
    await eventually(() => line(alice, 'first draft').count()).toBe(1);
    expect(
      await line(bob, 'first draft').locator('[data-action="edit"], [data-action="delete"]').count(),
    ).toBe(0);
    await act(alice, 'first draft', '[data-action="edit"]');
    await alice.locator('input.edit').fill('never saved');
    await alice.locator('input.edit').press('Escape');
    await eventually(() => lines(alice)).toEqual(['first draft']);
    await act(alice, 'first draft', '[data-action="edit"]');
    await alice.locator('input.edit').fill('final draft');
    await alice.locator('input.edit').press('Enter');
    await eventually(() => lines(bob)).toEqual(['final draft']);
    await eventually(() => bob.locator('#messages .edited').allTextContents()).toEqual(['(edited)']);

    // Reactions: counts as chips; a chip the user holds takes it back.
    await act(bob, 'final draft', '.pick[data-reaction="👍"]');
    await eventually(() => chips(alice)).toEqual(['👍 1']);
    await act(alice, 'final draft', '.pick[data-reaction="👍"]');
    await act(alice, 'final draft', '.pick[data-reaction="🎉"]');
    await eventually(() => chips(bob)).toEqual(['👍 2', '🎉 1']);
    await eventually(() => bob.locator('#messages .chip[aria-pressed="true"]').allTextContents()).toEqual([
      '👍 2',
    ]);
    await line(bob, 'final draft').hover(); // the actions show
    await shoot(bob, 'chat-lifecycle-reactions');
    await bob.locator('#messages .chip[aria-pressed="true"]').click();
    await eventually(() => chips(alice)).toEqual(['👍 1', '🎉 1']);
    await eventually(() => bob.locator('#messages .chip[aria-pressed="true"]').count()).toBe(0);

    // A thread: Bob replies in the pane; Alice's line counts the reply and opens the thread.
    await act(bob, 'final draft', '.actions [data-action="reply"]');
    await bob.locator('#thread:not([hidden])').waitFor();
    await bob.locator('#thread-composer input[name="text"]').fill('agreed, ship it');
    await bob.locator('#thread-composer button[type="submit"]').click();
    await eventually(() => bob.locator('#thread-messages li .text').allTextContents()).toEqual([
      'agreed, ship it',
    ]);
    await eventually(() => alice.locator('#messages .replies').allTextContents()).toEqual(['1 reply']);
    expect(await lines(alice)).toEqual(['final draft']); // replies stay in their thread
    await alice.locator('#messages .replies').click();
    await eventually(() => alice.locator('#thread-messages li .text').allTextContents()).toEqual([
      'agreed, ship it',
    ]);
    await alice.locator('#thread-composer input[name="text"]').fill('shipping');
    await alice.locator('#thread-composer button[type="submit"]').click();
    await eventually(() => bob.locator('#thread-messages li .text').allTextContents()).toEqual([
      'agreed, ship it',
      'shipping',
    ]);
    await eventually(() => bob.locator('#messages .replies').allTextContents()).toEqual(['2 replies']);
    await shoot(alice, 'chat-lifecycle-thread');
    await alice.locator('#thread-close').click();
    await bob.locator('#thread-close').click();

    // Delete: the line stays, greyed, for both.
    await write(alice, 'oops, wrong room');
    await eventually(() => lines(bob)).toEqual(['final draft', 'oops, wrong room']);
    await act(alice, 'oops, wrong room', '[data-action="delete"]');
    await eventually(() => bob.locator('#messages .text.deleted').allTextContents()).toEqual([
      'message deleted',
    ]);
    await eventually(() => lines(alice)).toEqual(['final draft', 'message deleted']);

    // Files: an image shows inline, any other file as a link with its name and size.
    await alice
      .locator('#attach')
      .setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: logo });
    await eventually(() => alice.locator('#attached').textContent()).toBe(`logo.svg (${logo.length} B)`);
    await write(alice, 'the new logo');
    const image = bob.locator('#messages img.thumb[alt="logo.svg"]');
    await image.waitFor();
    await eventually(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(120);
    await alice.locator('#attach').setInputFiles({
      name: 'notes.txt',
      mimeType: 'text/plain',
      buffer: Buffer.from('twelve bytes'),
    });
    await write(alice, '');
    await eventually(() => bob.locator('#messages a.file').allTextContents()).toEqual(['notes.txt (12 B)']);
    const download = bob.waitForEvent('download');
    await bob.locator('#messages a.file').click();
    expect((await download).suggestedFilename()).toBe('notes.txt');
    await shoot(bob, 'chat-lifecycle-files');

    // A type the server does not take: its answer is shown, nothing is sent, the text stays.
    await alice.locator('#attach').setInputFiles({
      name: 'tool.exe',
      mimeType: 'application/x-msdownload',
      buffer: Buffer.from('MZ'),
    });
    await write(alice, 'run this');
    await eventually(() => alice.locator('#notice').textContent()).toMatch(/^Not sent: .*type/i);
    await eventually(() => alice.locator('#composer input[name="text"]').inputValue()).toBe('run this');
    expect(await lines(bob)).toEqual(['final draft', 'message deleted', 'the new logo', '']);
    await shoot(alice, 'chat-lifecycle-refused');

    // A direct message with a picture.
    await alice.locator('#composer input[name="text"]').fill('');
    await alice.locator('#start-dm input[name="user"]').fill('bob');
    await alice.locator('#start-dm button[type="submit"]').click();
    await alice
      .locator('#attach')
      .setInputFiles({ name: 'logo.svg', mimeType: 'image/svg+xml', buffer: logo });
    await write(alice, 'for you');
    await bob.locator('button[data-key="dm:alice"]').click();
    await eventually(() => lines(bob)).toEqual(['for you']);
    await bob.locator('#messages img.thumb[alt="logo.svg"]').waitFor();

    // While Bob's socket is gone (and no ticket can be had), Alice edits and reacts: his page
    // shows both once the SDK's re-join replays them.
    await bob.locator('button[data-key="room:studio"]').click();
    await alice.locator('button[data-key="room:studio"]').click();
    await bob.route('**/tickets', (route) => route.abort());
    await killSocket(web.rt, 'bob');
    await eventually(() => bob.locator('#connection').getAttribute('data-state')).toBe('reconnecting');
    await act(alice, 'final draft', '[data-action="edit"]');
    await alice.locator('input.edit').fill('final draft, v2');
    await alice.locator('input.edit').press('Enter');
    await act(alice, 'the new logo', '.pick[data-reaction="👀"]');
    await eventually(() => lines(alice)).toContain('final draft, v2');
    await eventually(() => line(alice, 'the new logo').locator('.chip').allTextContents()).toEqual(['👀 1']);
    expect(await lines(bob)).toContain('final draft');
    await bob.unroute('**/tickets');
    await bob.locator('#connection[data-state="open"]').waitFor();
    await eventually(() => lines(bob)).toEqual(['final draft, v2', 'message deleted', 'the new logo', '']);
    await eventually(() => line(bob, 'the new logo').locator('.chip').allTextContents()).toEqual(['👀 1']);
    await shoot(alice, 'chat-lifecycle-alice');
    await shoot(bob, 'chat-lifecycle-bob');

    // A reload of the tab still knows which reactions are Alice's: her chip takes hers back.
    await alice.reload();
    await alice.locator('#connection[data-state="open"]').waitFor();
    await alice.locator('button[data-key="room:studio"]').click();
    await eventually(() => alice.locator('#messages .chip[aria-pressed="true"]').allTextContents()).toEqual([
      '👍 1',
      '🎉 1',
      '👀 1',
    ]);
    await line(alice, 'final draft, v2').locator('.chip[data-reaction="🎉"]').click();
    await eventually(() => line(bob, 'final draft, v2').locator('.chip').allTextContents()).toEqual(['👍 1']);

    // On a phone-sized window the thread takes the conversation's place.
    await bob.setViewportSize({ width: 390, height: 760 });
    await bob.locator('#messages .replies').click();
    await eventually(() => bob.locator('#thread-messages li .text').allTextContents()).toEqual([
      'agreed, ship it',
      'shipping',
    ]);
    expect(await bob.locator('#conversation').isVisible()).toBe(false);
    await shoot(bob, 'chat-lifecycle-thread-phone');
    await bob.locator('#thread-close').click();
    await bob.locator('#conversation').waitFor();
  }, 120_000);
});
