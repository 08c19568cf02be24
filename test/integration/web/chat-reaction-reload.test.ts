import type { Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, hasChromium, joinRoom, signInOn, useChatPage, write } from '../../helpers/browser.ts';

const web = useChatPage('the chat page reaction-reload browser test');
const line = (page: Page, text: string) =>
  page.locator('#messages li[data-seq]').filter({ has: page.locator('.text', { hasText: text }) });
/** The chips of a line, as `{reaction} {count}`, with `*` after those the page says are the user's. */
const chips = (page: Page, text: string) =>
  line(page, text)
    .locator('.chip')
    .evaluateAll((all) =>
      all.map((chip) => `${chip.textContent}${chip.getAttribute('aria-pressed') === 'true' ? ' *' : ''}`),
    );

/**
 * A page whose sockets pass through the test. `cut()` stops the server's frames from reaching
 * the page from its next `react` on (`cut(true)`: at once), as when a reload wins the race with
 * them, and reloads the page the moment that react's answer leaves the server: a reload right
 * after the click was answered, before the page could handle the answer.
 */
async function cutPage(user: string) {
  const context = await web.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  /** The `react` frames the page sent. */
  const reacts: { id: string; ref: string }[] = [];
  const live = new Set<WebSocketRoute>();
  /** Sockets whose server frames never reach the page again. */
  const cutOff = new Set<WebSocketRoute>();
  let cut: { ref?: string; reloaded?: Promise<unknown> } | undefined;
  await context.routeWebSocket(/.*/, (ws) => {
    live.add(ws);
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { action?: string; id: string; ref: string };
      if (frame.action === 'react') {
        reacts.push(frame);
        if (cut && cut.ref === undefined) {
          cut.ref = frame.ref;
          cutOff.add(ws);
        }
      }
      server.send(message);
    });
    server.onMessage((message) => {
      if (!cutOff.has(ws)) {
        ws.send(message);
        return;
      }
      const frame = JSON.parse(String(message)) as { ref?: string };
      if (cut?.ref !== undefined && !cut.reloaded && frame.ref === cut.ref) cut.reloaded = page.reload();
    });
  });
  await signInOn(page, web.rt.endpoints.http, user);
  return {
    page,
    reacts,
    cut(now = false) {
      cut = {};
      if (now) for (const ws of live) cutOff.add(ws);
    },
    /** Waits for the reload the cut made, and for the page to be back and connected. */
    async reloaded() {
      await eventually(async () => cut?.reloaded !== undefined).toBe(true);
      await cut?.reloaded;
      cut = undefined;
      await page.locator('#connection[data-state="open"]').waitFor();
    },
  };
}

/**
 * A page whose sockets pass through the test, which can drop the page's next `react` before the
 * server (as a reload cutting it off would), or hold back the server's answer to it until
 * `release()`, as a slow network would.
 */
async function routedPage(user: string) {
  const context = await web.browser.newContext({ viewport: { width: 1000, height: 700 } });
  const page = await context.newPage();
  let next: 'drop' | 'hold' | undefined;
  let heldRef: string | undefined;
  const held: (() => void)[] = [];
  /** The refs of the `react` frames sent, and of those whose answer reached the page. */
  const reacts: string[] = [];
  const answered = new Set<string>();
  await context.routeWebSocket(/.*/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const frame = JSON.parse(String(message)) as { action?: string; ref: string };
      if (frame.action === 'react') {
        reacts.push(frame.ref);
        const now = next;
        next = undefined;
        if (now === 'drop') return;
        if (now === 'hold') heldRef = frame.ref;
      }
      server.send(message);
    });
    server.onMessage((message) => {
      const { ref } = JSON.parse(String(message)) as { ref?: string };
      const pass = () => {
        if (ref !== undefined) answered.add(ref);
        ws.send(message);
      };
      if (ref !== undefined && ref === heldRef) held.push(pass);
      else pass();
    });
  });
  await signInOn(page, web.rt.endpoints.http, user);
  return {
    page,
    reacts,
    answered,
    dropNextReact: () => {
      next = 'drop';
    },
    holdNextAnswer: () => {
      next = 'hold';
    },
    /** Lets the held answer through, once the server has given it. */
    async release() {
      await eventually(async () => held.length).toBe(1);
      heldRef = undefined;
      for (const pass of held.splice(0)) pass();
    },
  };
}

/** The rooms in the page's list, as their buttons' keys. */
const roomList = (page: Page) =>
  page.locator('#rooms button[data-key]').evaluateAll((all) => all.map((b) => b.getAttribute('data-key')));

describe.skipIf(!hasChromium)('The chat page: a reload right after a reaction', () => {
  it("keeps the user's mark when the reload beats the react's answer to the page", async () => {
    const bob = await web.signIn('bob');
    const alice = await cutPage('alice');
    await joinRoom(bob, 'cafe');
    await joinRoom(alice.page, 'cafe');
    await write(bob, 'coffee?');
    await eventually(() => line(alice.page, 'coffee?').count()).toBe(1);
    await line(bob, 'coffee?').hover();
    await line(bob, 'coffee?').locator('.pick[data-reaction="🎉"]').click();
    await eventually(() => chips(alice.page, 'coffee?')).toEqual(['🎉 1']);
    await line(alice.page, 'coffee?').hover();
    await line(alice.page, 'coffee?').locator('.pick[data-reaction="🎉"]').click();
    await eventually(() => chips(alice.page, 'coffee?')).toEqual(['🎉 2 *']);

    // An add: the server stores it and answers; the page reloads before it sees either.
    alice.cut();
    await line(alice.page, 'coffee?').hover();
    await line(alice.page, 'coffee?').locator('.pick[data-reaction="👍"]').click();
    await alice.reloaded();
    await alice.page.locator('button[data-key="room:cafe"]').click();
    await eventually(() => chips(alice.page, 'coffee?')).toEqual(['🎉 2 *', '👍 1 *']);
    // A take-back the same way: the chip stays for Bob's, no longer hers.
    alice.cut();
    await line(alice.page, 'coffee?').locator('.chip[data-reaction="🎉"]').click();
    await alice.reloaded();
    await alice.page.locator('button[data-key="room:cafe"]').click();
    await eventually(() => chips(alice.page, 'coffee?')).toEqual(['🎉 1', '👍 1 *']);
    await eventually(() => chips(bob, 'coffee?')).toEqual(['🎉 1 *', '👍 1']);
    // So each chip does what it says: adds hers again, takes hers back.
    await line(alice.page, 'coffee?').locator('.chip[data-reaction="🎉"]').click();
    await eventually(() => chips(bob, 'coffee?')).toEqual(['🎉 2 *', '👍 1']);
    await line(alice.page, 'coffee?').locator('.chip[data-reaction="👍"]').click();
    await eventually(() => chips(bob, 'coffee?')).toEqual(['🎉 2 *']);
    await eventually(() => chips(alice.page, 'coffee?')).toEqual(['🎉 2 *']);
    await alice.page.context().close();
    await bob.context().close();
  }, 90_000);

  it('asks again after the reload when the answer it missed was a refusal, and then lets it go', async () => {
    const bob = await web.signIn('dave');
    const alice = await cutPage('erin');
    await joinRoom(bob, 'kiosk');
    await joinRoom(alice.page, 'kiosk');
    await write(bob, 'going soon');
    await eventually(() => line(alice.page, 'going soon').count()).toBe(1);
    // Her page hears nothing more: Bob deletes his message, then she reacts to it, refused.
    alice.cut(true);
    await line(bob, 'going soon').hover();
    await line(bob, 'going soon').locator('[data-action="delete"]').click();
    await eventually(() => bob.locator('#messages .text.deleted').count()).toBe(1);
    await line(alice.page, 'going soon').hover();
    await line(alice.page, 'going soon').locator('.pick[data-reaction="👍"]').click();
    await alice.reloaded();
    // The page asks once more with the same key and shows the refusal (before a room is opened,
    // which clears the notice).
    await eventually(() => alice.page.locator('#notice').textContent()).toMatch(/^react: /);
    expect(alice.reacts).toHaveLength(2);
    expect(alice.reacts[1]?.id).toBe(alice.reacts[0]?.id);
    await alice.page.locator('button[data-key="room:kiosk"]').click();
    await eventually(() => alice.page.locator('#messages .text.deleted').count()).toBe(1);
    // Nothing is left to ask: the next load sends no react.
    await alice.page.reload();
    await alice.page.locator('#connection[data-state="open"]').waitFor();
    await alice.page.locator('button[data-key="room:kiosk"]').click();
    await eventually(() => alice.page.locator('#messages .text.deleted').count()).toBe(1);
    expect(alice.reacts).toHaveLength(2);
    await alice.page.context().close();
    await bob.context().close();
  }, 90_000);

  it('shows no room deleted since the reload when its left-over take-back is refused', async () => {
    const alice = await routedPage('gina');
    await joinRoom(alice.page, 'popup');
    await write(alice.page, 'short-lived');
    await eventually(() => line(alice.page, 'short-lived').count()).toBe(1);
    await line(alice.page, 'short-lived').hover();
    await line(alice.page, 'short-lived').locator('.pick[data-reaction="👍"]').click();
    await eventually(() => chips(alice.page, 'short-lived')).toEqual(['👍 1 *']);
    // Her take-back never reaches the server; she deletes the room (its owner), then reloads.
    alice.dropNextReact();
    await line(alice.page, 'short-lived').locator('.chip[data-reaction="👍"]').click();
    await eventually(async () => alice.reacts.length).toBe(2);
    const deleted = await fetch(`${web.rt.endpoints.http}/rooms/popup`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await web.rt.token('gina')}` },
    });
    expect(deleted.status).toBe(204);
    await alice.page.reload();
    await alice.page.locator('#connection[data-state="open"]').waitFor();
    // The load sends it again, refused NOT_FOUND (no such room); a join after it is answered after it.
    await eventually(async () => alice.reacts.length).toBe(3);
    expect(alice.reacts[2]).toBeDefined();
    await eventually(async () => alice.answered.has(alice.reacts[2] ?? '')).toBe(true);
    await joinRoom(alice.page, 'afterwards');
    expect(await roomList(alice.page)).toEqual(['room:afterwards']);
    await alice.page.context().close();
  }, 90_000);

  it("lets only the newest react of a reaction set its mark, not a replaced one's late answer", async () => {
    const bob = await web.signIn('hank');
    const alice = await routedPage('ivy');
    await joinRoom(bob, 'tearoom');
    await joinRoom(alice.page, 'tearoom');
    await write(bob, 'tea?');
    await line(bob, 'tea?').hover();
    await line(bob, 'tea?').locator('.pick[data-reaction="👍"]').click();
    await eventually(() => chips(alice.page, 'tea?')).toEqual(['👍 1']);
    // Her add is stored (its entry marks it hers) but its answer is slow; she takes it back.
    alice.holdNextAnswer();
    await line(alice.page, 'tea?').hover();
    await line(alice.page, 'tea?').locator('.pick[data-reaction="👍"]').click();
    await eventually(() => chips(alice.page, 'tea?')).toEqual(['👍 2 *']);
    await line(alice.page, 'tea?').locator('.chip[data-reaction="👍"]').click();
    await eventually(() => chips(alice.page, 'tea?')).toEqual(['👍 1']);
    await eventually(() => chips(bob, 'tea?')).toEqual(['👍 1 *']);
    // The add's answer comes in last; a message after it shows once it has been handled.
    await alice.release();
    await write(bob, 'after the answer');
    await eventually(() => line(alice.page, 'after the answer').count()).toBe(1);
    expect(await chips(alice.page, 'tea?')).toEqual(['👍 1']);
    // So the chip adds hers again.
    await line(alice.page, 'tea?').locator('.chip[data-reaction="👍"]').click();
    await eventually(() => chips(bob, 'tea?')).toEqual(['👍 2 *']);
    await alice.page.context().close();
    await bob.context().close();
  }, 90_000);
});
