import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually, hasChromium, useChatPage } from '../../helpers/browser.ts';
import type { TestSocket } from '../../helpers/socket.ts';

// The load sends bursts from few users; the rate limit has its own tests.
const web = useChatPage('the dashboard browser test', {
  functionEnv: { RATE_LIMIT_PER_SECOND: '10000', RATE_LIMIT_BURST: '10000' },
});

const chart = (page: Page, id: string) => page.locator(`[data-chart="${id}"]`);
const total = async (page: Page, id: string) => Number(await chart(page, id).getAttribute('data-total'));
const legendValue = async (page: Page, id: string, series: string) =>
  chart(page, id).locator(`li[data-series="${series}"]`).getAttribute('data-value', { timeout: 1000 });

/** Sockets that send and publish frames, one request at a time each, until `stop()`. */
function runLoad(sockets: TestSocket[]) {
  let running = true;
  const loops = sockets.map(async (socket, i) => {
    for (let n = 0; running; n++) {
      const frame =
        n % 2 === 0
          ? { action: 'send', to: `loader${i}`, data: { n } }
          : { action: 'publish', room: 'load', data: { n } };
      await socket.request(frame, 10_000);
    }
  });
  const http = (async () => {
    while (running) await fetch(`${web.rt.endpoints.http}/health`).then((r) => r.arrayBuffer());
  })();
  return async () => {
    running = false;
    await Promise.all([...loops, http]);
  };
}

describe.skipIf(!hasChromium)('The dashboard in Chromium', () => {
  it('charts frames per second, connections and latency percentiles while a load runs', async () => {
    const shots = await mkdtemp(path.join(tmpdir(), 'wavelet-dashboard-'));
    const page = await (await web.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${web.rt.endpoints.http}/dashboard`);
    await page.locator('#status[data-state="live"]').waitFor();

    // Before any frame: every chart says what it waits for.
    for (const id of ['connections', 'frames', 'errors', 'deliveries', 'frame-latency', 'http-latency'])
      expect(await chart(page, id).getAttribute('data-state')).toBe('empty');
    expect(await chart(page, 'frames').locator('.empty').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(shots, 'before.png'), fullPage: true });

    const sockets = await Promise.all([0, 1, 2, 3].map((i) => web.rt.connect(`loader${i}`)));
    for (const socket of sockets) await socket.request({ action: 'join', room: 'load' });
    const stop = runLoad(sockets);
    const scrapes = async () => Number(await page.locator('#status').getAttribute('data-scrapes'));
    const loadStartedAt = await scrapes();
    try {
      await eventually(() => total(page, 'frames')).toBeGreaterThan(0);
      expect(await chart(page, 'frames').getAttribute('data-state')).toBe('live');
      // Frames of one action can reach a scrape before the other's: wait for each.
      for (const action of ['send', 'publish'])
        await eventually(async () =>
          Number((await legendValue(page, 'frames', action).catch(() => null)) || Number.NaN),
        ).toBeGreaterThan(0);
      for (const p of ['p50', 'p95', 'p99'])
        await eventually(async () =>
          Number((await legendValue(page, 'frame-latency', p)) || Number.NaN),
        ).toBeGreaterThan(0);
      const [p50, p95, p99] = await Promise.all(
        ['p50', 'p95', 'p99'].map(async (p) => Number(await legendValue(page, 'frame-latency', p))),
      );
      expect(p50).toBeLessThanOrEqual(p95 ?? 0);
      expect(p95).toBeLessThanOrEqual(p99 ?? 0);
      await eventually(async () =>
        Number((await legendValue(page, 'http-latency', 'p95')) || Number.NaN),
      ).toBeGreaterThan(0);
      // The errors chart runs beside them (at zero unless the shared machine made a frame fail).
      expect(await chart(page, 'errors').getAttribute('data-state')).toBe('live');
      expect(await legendValue(page, 'errors', 'not ok')).toMatch(/^\d/);

      // The connections chart counts the open sockets ($connect's ConnectionsOpened less ConnectionsClosed).
      await eventually(() => total(page, 'connections')).toBeGreaterThanOrEqual(sockets.length);
      // A few seconds of load on the charts before the picture.
      await eventually(scrapes).toBeGreaterThanOrEqual(loadStartedAt + 5);
      await page.screenshot({ path: path.join(shots, 'during.png'), fullPage: true });
    } finally {
      await stop();
    }
    await Promise.all(sockets.map((s) => s.close()));
    console.info(`dashboard screenshots in ${shots}`);
  });
});
