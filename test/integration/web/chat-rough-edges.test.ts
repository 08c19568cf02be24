import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../../helpers/runtime.ts';

/** Debian's Chromium, driven by playwright-core: never a browser download. */
const chromiumPath = '/usr/bin/chromium';
const hasChromium = existsSync(chromiumPath);
/** Gitignored (.local/): screenshots to look at, never compared. */
const screenshots = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../.local/screenshots');

let rt: TestRuntime;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  rt = await startTestRuntime();
  browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  await mkdir(screenshots, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await rt?.stop();
});

async function signIn(user: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
  page.setDefaultTimeout(15_000);
  await page.goto(`${rt.endpoints.http}/`);
  await page.locator('#sign-in input[name="user"]').fill(user);
  await page.locator('#sign-in button[type="submit"]').click();
  await page.locator('#connection[data-state="open"]').waitFor();
  return page;
}

const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 15_000, interval: 50 });
const shoot = (page: Page, name: string) => page.screenshot({ path: path.join(screenshots, `${name}.png`) });

async function joinRoom(page: Page, room: string): Promise<void> {
  await page.locator('#join-room input[name="room"]').fill(room);
  await page.locator('#join-room button[type="submit"]').click();
  await eventually(() => page.locator('#title').textContent()).toBe(`# ${room}`);
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
});
