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
});
