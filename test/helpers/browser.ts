import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { listUserConnections } from '../../lambdas/core/store/connections.ts';
import type { LocalRuntimeOptions } from '../../local/runtime.ts';
import { storeOf } from '../integration/http/http-fixtures.ts';
import { startTestRuntime, type TestRuntime } from './runtime.ts';

/** Debian's Chromium, driven by playwright-core: never a browser download. */
export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);

/** Says once, in the test output, why a browser test file is skipped. */
export function warnIfNoChromium(what: string): void {
  if (!hasChromium) console.warn(`Skipping ${what}: ${chromiumPath} is absent (apt-get install chromium).`);
}

/** Gitignored (.local/): screenshots to look at, never compared. */
export const screenshotsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../.local/screenshots',
);

export async function launchBrowser(): Promise<Browser> {
  await mkdir(screenshotsDir, { recursive: true });
  return chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
}

/** Saves a screenshot of the page as `.local/screenshots/{name}.png`. */
export async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotsDir, `${name}.png`) });
}

/** Polls until the page shows what is expected (the machine is shared: generous, not timed). */
export const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });

/** A page of its own (own storage) on the chat page at `httpBase`, signed in as `user`, once its connection is open. */
export async function signIn(
  browser: Browser,
  httpBase: string,
  user: string,
  viewport: { width: number; height: number } = { width: 1000, height: 700 },
): Promise<Page> {
  return signInOn(await (await browser.newContext({ viewport })).newPage(), httpBase, user);
}

/** Signs `page` (of a context the caller made, e.g. with routes) in as `user`, once its connection is open. */
export async function signInOn(page: Page, httpBase: string, user: string): Promise<Page> {
  page.setDefaultTimeout(15_000);
  await page.goto(`${httpBase}/`);
  await page.locator('#sign-in input[name="user"]').fill(user);
  await page.locator('#sign-in button[type="submit"]').click();
  await page.locator('#connection[data-state="open"]').waitFor();
  await eventually(() => page.locator('#me').textContent()).toBe(user);
  return page;
}

/** The text of each message line of the open conversation. */
export const lines = (page: Page) => page.locator('#messages li .text').allTextContents();

/** The unread badge of a conversation button (`room:{id}` or `dm:{user}`). */
export const badge = (page: Page, key: string) =>
  page.locator(`button[data-key="${key}"] .badge`).textContent();

/** Joins (or creates) a room through the page's form, once its title shows it. */
export async function joinRoom(page: Page, room: string): Promise<void> {
  await page.locator('#join-room input[name="room"]').fill(room);
  await page.locator('#join-room button[type="submit"]').click();
  await eventually(() => page.locator('#title').textContent()).toBe(`# ${room}`);
}

/** Types a message into the composer and sends it. */
export async function write(page: Page, text: string): Promise<void> {
  await page.locator('#composer input[name="text"]').fill(text);
  await page.locator('#composer button[type="submit"]').click();
}

/** Kills the user's one live socket at the local gateway (`DELETE @connections`), as a dropped network would. */
export async function killSocket(rt: TestRuntime, user: string): Promise<void> {
  // A record whose socket is gone would answer 410: only the live ones count.
  const live = new Set(rt.gateway.connectionIds());
  const ids = (await listUserConnections(storeOf(rt), user)).filter((id) => live.has(id));
  expect(ids).toHaveLength(1);
  const killed = await fetch(`${rt.endpoints.management}/@connections/${encodeURIComponent(ids[0] ?? '')}`, {
    method: 'DELETE',
  });
  expect(killed.status).toBe(204);
}

/** A browser test file's local runtime and Chromium, and its users' pages. */
export interface ChatPageSuite {
  readonly rt: TestRuntime;
  readonly browser: Browser;
  /** A page of its own signed in as `user` on this file's runtime (see {@link signIn}). */
  signIn(user: string, viewport?: { width: number; height: number }): Promise<Page>;
}

/**
 * Starts a local runtime and Chromium before the file's tests and stops both after them; without
 * Chromium it says so once and starts neither (the tests skip themselves with `hasChromium`).
 */
export function useChatPage(what: string, options: LocalRuntimeOptions = {}): ChatPageSuite {
  warnIfNoChromium(what);
  const held: { rt?: TestRuntime; browser?: Browser } = {};
  beforeAll(async () => {
    if (!hasChromium) return;
    held.rt = await startTestRuntime(options);
    held.browser = await launchBrowser();
  });
  afterAll(async () => {
    await held.browser?.close();
    await held.rt?.stop();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('useChatPage: used before its beforeAll ran');
    return value;
  };
  return {
    get rt() {
      return started(held.rt);
    },
    get browser() {
      return started(held.browser);
    },
    signIn: (user, viewport) =>
      signIn(started(held.browser), started(held.rt).endpoints.http, user, viewport),
  };
}
