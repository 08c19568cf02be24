import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  eventually,
  hasChromium,
  joinRoom,
  lines,
  shoot,
  useChatPage,
  write,
} from '../../helpers/browser.ts';

const web = useChatPage('the chat page editing browser test');
const { signIn } = web;
/** The line whose text is `text` in `list` (the main list or the thread's replies). */
const lineIn = (page: Page, list: string, text: string) =>
  page.locator(`${list} li[data-seq]`).filter({ has: page.locator('.text', { hasText: text }) });
/** Points at the line (its actions show on hover, as for a person), then clicks its Edit. */
async function startEdit(line: Locator): Promise<void> {
  await line.hover();
  await line.locator('[data-action="edit"]').click();
}
/** Every edit box on the page, as the list holding it and the text in it. */
const editBoxes = (page: Page) =>
  page
    .locator('input.edit')
    .evaluateAll((boxes) =>
      boxes.map((box) => [box.closest('[id]')?.id, (box as HTMLInputElement).value] as const),
    );
const parentText = (page: Page) => page.locator('#thread-parent .text').textContent();
const replies = (page: Page) => page.locator('#thread-messages li .text').allTextContents();

describe.skipIf(!hasChromium)('The chat page: editing with the thread pane open', () => {
  it('shows one edit box, with the current text, wherever the message shows', async () => {
    const alice = await signIn('alice');
    await joinRoom(alice, 'drafts');
    await write(alice, 'v1');
    await eventually(() => lineIn(alice, '#messages', 'v1').count()).toBe(1);
    await startEdit(lineIn(alice, '#messages', 'v1'));
    await alice.locator('input.edit').fill('v2');
    await alice.locator('input.edit').press('Enter');
    await eventually(() => lines(alice)).toEqual(['v2']);
    await eventually(() => alice.locator('#messages .edited').count()).toBe(1);

    // The edited message's thread is open: it shows in the list and as the pane's parent.
    await lineIn(alice, '#messages', 'v2').hover();
    await lineIn(alice, '#messages', 'v2').locator('.actions [data-action="reply"]').click();
    await alice.locator('#thread:not([hidden])').waitFor();
    await eventually(() => parentText(alice)).toBe('v2');
    await startEdit(lineIn(alice, '#messages', 'v2'));
    await eventually(() => editBoxes(alice)).toEqual([['messages', 'v2']]);
    expect(await parentText(alice)).toBe('v2');
    await shoot(alice, 'chat-editing-one-box');
    // What is typed goes into the one box, after its text; Enter saves, both views show it.
    await alice.keyboard.type(' then v3');
    await eventually(() => editBoxes(alice)).toEqual([['messages', 'v2 then v3']]);
    await alice.keyboard.press('Enter');
    await eventually(() => lines(alice)).toEqual(['v2 then v3']);
    await eventually(() => parentText(alice)).toBe('v2 then v3');
    expect(await editBoxes(alice)).toEqual([]);
    // Escape gives up: no box, the saved text in both views.
    await startEdit(lineIn(alice, '#messages', 'v2 then v3'));
    await eventually(() => editBoxes(alice)).toEqual([['messages', 'v2 then v3']]);
    await alice.locator('input.edit').fill('never saved');
    await alice.locator('input.edit').press('Escape');
    await eventually(() => editBoxes(alice)).toEqual([]);
    expect(await lines(alice)).toEqual(['v2 then v3']);
    expect(await parentText(alice)).toBe('v2 then v3');

    // A reply of her own is edited in the pane; then the parent from the list: one box each time.
    await alice.locator('#thread-composer input[name="text"]').fill('my reply');
    await alice.locator('#thread-composer button[type="submit"]').click();
    await eventually(() => replies(alice)).toEqual(['my reply']);
    await startEdit(lineIn(alice, '#thread-messages', 'my reply'));
    await eventually(() => editBoxes(alice)).toEqual([['thread-messages', 'my reply']]);
    await startEdit(lineIn(alice, '#messages', 'v2 then v3'));
    await eventually(() => editBoxes(alice)).toEqual([['messages', 'v2 then v3']]);
    expect(await replies(alice)).toEqual(['my reply']);
    await alice.locator('input.edit').fill('v4');
    await alice.locator('input.edit').press('Enter');
    await eventually(() => lines(alice)).toEqual(['v4']);
    await eventually(() => parentText(alice)).toBe('v4');
    // And the reply, from the pane, then saved.
    await startEdit(lineIn(alice, '#thread-messages', 'my reply'));
    await eventually(() => editBoxes(alice)).toEqual([['thread-messages', 'my reply']]);
    await alice.locator('input.edit').fill('my reply, edited');
    await alice.locator('input.edit').press('Enter');
    await eventually(() => replies(alice)).toEqual(['my reply, edited']);
    expect(await editBoxes(alice)).toEqual([]);
    await alice.context().close();
  }, 90_000);

  it("starts from the message's newest text when her other tab edited it meanwhile", async () => {
    const alice = await signIn('carol');
    const otherTab = await signIn('carol');
    await joinRoom(alice, 'two-tabs');
    await joinRoom(otherTab, 'two-tabs');
    await write(alice, 'first');
    await eventually(() => lines(otherTab)).toEqual(['first']);
    await lineIn(alice, '#messages', 'first').hover();
    await lineIn(alice, '#messages', 'first').locator('.actions [data-action="reply"]').click();
    await eventually(() => parentText(alice)).toBe('first');

    // Edit, cancel; the other tab's edit arrives; edit again: the box holds the newest text.
    await startEdit(lineIn(alice, '#messages', 'first'));
    await alice.locator('input.edit').press('Escape');
    await startEdit(lineIn(otherTab, '#messages', 'first'));
    await otherTab.locator('input.edit').fill('second');
    await otherTab.locator('input.edit').press('Enter');
    await eventually(() => lines(alice)).toEqual(['second']);
    await eventually(() => parentText(alice)).toBe('second');
    await startEdit(lineIn(alice, '#messages', 'second'));
    await eventually(() => editBoxes(alice)).toEqual([['messages', 'second']]);

    // While the box is open and untouched, a newer text replaces it (Enter never saves an old one).
    await startEdit(lineIn(otherTab, '#messages', 'second'));
    await otherTab.locator('input.edit').fill('third');
    await otherTab.locator('input.edit').press('Enter');
    await eventually(() => editBoxes(alice)).toEqual([['messages', 'third']]);
    await eventually(() => parentText(alice)).toBe('third');
    // The box kept her focus and caret across that: what she types goes on after the new text
    // (typed at the keyboard, not filled, which would focus the box itself).
    await alice.keyboard.type(', mine');
    await eventually(() => editBoxes(alice)).toEqual([['messages', 'third, mine']]);
    // Once she has typed, her draft stays whatever arrives, and Enter saves it.
    await startEdit(lineIn(otherTab, '#messages', 'third'));
    await otherTab.locator('input.edit').fill('fourth');
    await otherTab.locator('input.edit').press('Enter');
    await eventually(() => parentText(alice)).toBe('fourth');
    expect(await editBoxes(alice)).toEqual([['messages', 'third, mine']]);
    await alice.keyboard.press('Enter');
    await eventually(() => lines(alice)).toEqual(['third, mine']);
    await eventually(() => parentText(alice)).toBe('third, mine');
    await eventually(() => lines(otherTab)).toEqual(['third, mine']);
    await alice.context().close();
    await otherTab.context().close();
  }, 90_000);
});
