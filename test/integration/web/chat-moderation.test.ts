import type { Dialog, Page } from 'playwright-core';
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

const web = useChatPage('the chat page moderation browser test');
const { signIn } = web;

/**
 * A page signed in with a token that carries `roles` (the development token endpoint grants
 * none): the session an earlier load of the tab kept, as the page restores it.
 */
async function signInWithRoles(user: string, roles: string[]): Promise<Page> {
  const token = await web.rt.token(user, roles);
  const context = await web.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const session = JSON.stringify({ user, token, expiresAt: Date.now() + 3_600_000 });
  await context.addInitScript((kept) => sessionStorage.setItem('wavelet.session', kept), session);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${web.rt.endpoints.http}/`);
  await page.locator('#connection[data-state="open"]').waitFor();
  return page;
}

/** The room message line whose text is `text`. */
const line = (page: Page, text: string) =>
  page.locator('#messages li[data-seq]').filter({ has: page.locator('.text', { hasText: text }) });
const deleteOf = (page: Page, text: string) => line(page, text).locator('[data-action="delete"]');
const deleted = (page: Page) => page.locator('#messages .text.deleted').allTextContents();

/** Points at the line (its actions show on hover), clicks Delete, and answers the question. */
async function clickDelete(page: Page, text: string, answer: (d: Dialog) => Promise<void>): Promise<string> {
  let question = '';
  page.once('dialog', async (dialog) => {
    question = dialog.message();
    await answer(dialog);
  });
  await line(page, text).hover();
  await deleteOf(page, text).click();
  await eventually(async () => question).not.toBe('');
  return question;
}

describe.skipIf(!hasChromium)('The chat page: deleting others’ messages', () => {
  it('lets the owner delete a member’s message once confirmed, and nobody else', async () => {
    const olga = await signIn('olga');
    await joinRoom(olga, 'crew');
    const max = await signIn('max');
    await joinRoom(max, 'crew');
    const nina = await signIn('nina');
    await joinRoom(nina, 'crew');
    await write(max, 'hello from max');
    await write(nina, 'nina was here');
    for (const page of [olga, max, nina])
      await eventually(() => lines(page)).toEqual(['hello from max', 'nina was here']);

    // The owner has Delete on everyone's; a member only on their own (and Edit only there).
    await eventually(() => deleteOf(olga, 'hello from max').count()).toBe(1);
    await eventually(() => deleteOf(olga, 'nina was here').count()).toBe(1);
    expect(await line(olga, 'hello from max').locator('[data-action="edit"]').count()).toBe(0);
    await eventually(() => deleteOf(nina, 'nina was here').count()).toBe(1);
    expect(await deleteOf(nina, 'hello from max').count()).toBe(0);
    expect(await deleteOf(max, 'nina was here').count()).toBe(0);

    // Cancelled: nothing happens.
    const asked = await clickDelete(olga, 'hello from max', (d) => d.dismiss());
    expect(asked).toBe("Delete max's message?");
    await olga.waitForTimeout(300);
    expect(await lines(max)).toEqual(['hello from max', 'nina was here']);

    // Confirmed: every page shows the line deleted, as for an author's own delete.
    await clickDelete(olga, 'hello from max', (d) => d.accept());
    for (const page of [olga, max, nina]) {
      await eventually(() => deleted(page)).toEqual(['message deleted']);
      expect(await lines(page)).toEqual(['message deleted', 'nina was here']);
    }
    expect(await olga.locator('#notice').textContent()).toBe('');
    await shoot(olga, 'chat-moderation-owner');
    await shoot(nina, 'chat-moderation-bystander');
  }, 90_000);

  it('lets an admin delete anyone’s message in a room they do not own', async () => {
    const owner = await signIn('pia');
    await joinRoom(owner, 'hall');
    await write(owner, 'owner speaking');
    await eventually(() => lines(owner)).toEqual(['owner speaking']);
    const root = await signInWithRoles('root', ['admin']);
    await joinRoom(root, 'hall');
    await eventually(() => lines(root)).toEqual(['owner speaking']);

    expect(await clickDelete(root, 'owner speaking', (d) => d.accept())).toBe("Delete pia's message?");
    await eventually(() => deleted(owner)).toEqual(['message deleted']);
    await eventually(() => deleted(root)).toEqual(['message deleted']);
    await shoot(root, 'chat-moderation-admin');
  }, 90_000);

  it('shows a refused delete as a notice and changes nothing else', async () => {
    const owner = await signIn('quinn');
    await joinRoom(owner, 'desk');
    const rae = await signIn('rae');
    await joinRoom(rae, 'desk');
    await write(rae, 'soon gone');
    await eventually(() => deleteOf(owner, 'soon gone').count()).toBe(1);
    const seq = Number(await line(owner, 'soon gone').getAttribute('data-seq'));

    // While the owner's question is open, the author deletes the message: the owner's delete
    // then finds it gone (NOT_FOUND).
    await clickDelete(owner, 'soon gone', async (dialog) => {
      const author = await web.rt.connect('rae');
      expect(await author.request({ action: 'delete', room: 'desk', seq })).toMatchObject({ type: 'reply' });
      await author.close();
      await dialog.accept();
    });
    await eventually(() => owner.locator('#notice').textContent()).toBe(
      'Not deleted: the message is already deleted or gone.',
    );
    expect(await lines(owner)).toEqual(['message deleted']);
    await eventually(() => lines(rae)).toEqual(['message deleted']);
    await shoot(owner, 'chat-moderation-refused');
  }, 90_000);
});
