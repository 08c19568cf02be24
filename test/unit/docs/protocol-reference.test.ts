import { describe, expect, it } from 'vitest';
import { actions, httpApi } from '../../../lib/manifest.ts';
// The wire contract as code, from the top-level `protocol/` module.
import { clientFrames, createRoomBody, errorCodes, notificationRequest } from '../../../protocol/index.ts';
import { jsonExamples, objectExamples, readPage } from '../../helpers/markdown.ts';

/** Each client action's schema, as the handlers parse it. */
const schemaOf: Record<string, { safeParse: (value: unknown) => { success: boolean; error?: unknown } }> =
  clientFrames;
const serverFrameTypes = ['message', 'notification', 'event', 'reply', 'error', 'pong'];
const eventKinds = ['joined', 'left', 'presence', 'typing', 'read'];

const doc = readPage('docs/protocol.md');
const examples = jsonExamples(doc);
const objects = objectExamples(doc);
// Frames are shown before the HTTP API section; bodies of the HTTP API after it.
const httpStart = doc.indexOf('\n## HTTP API');
const frameObjects = objectExamples(doc.slice(0, httpStart));
const httpObjects = objectExamples(doc.slice(httpStart));
const headings = new Set([...doc.matchAll(/^#{2,4} (.+)$/gm)].map((m) => m[1]!.trim()));

describe('docs/protocol.md', () => {
  it('has a section for every client action the WebSocket API routes', () => {
    const missing = actions.filter((action) => !headings.has(`\`${action}\``));
    expect(missing).toEqual([]);
    expect(Object.keys(schemaOf).sort()).toEqual([...actions].sort());
  });

  it('shows an example frame of every client action', () => {
    const shown = new Set(objects.map((o) => o.action).filter((a) => typeof a === 'string'));
    expect(actions.filter((action) => !shown.has(action))).toEqual([]);
  });

  it('has a section for every server frame type and names every event kind', () => {
    expect(serverFrameTypes.filter((type) => !headings.has(`\`${type}\``))).toEqual([]);
    expect(eventKinds.filter((kind) => !doc.includes(`| \`${kind}\``))).toEqual([]);
  });

  it('explains every error code', () => {
    expect(errorCodes.filter((code) => !doc.includes(`| \`${code}\``))).toEqual([]);
  });

  it('lists every HTTP route of the manifest', () => {
    const routes = Object.keys(httpApi.routes);
    expect(routes.filter((route) => !doc.includes(`\`${route}\``))).toEqual([]);
  });

  it('shows the notifications queue record, and the record parses', () => {
    expect(headings.has('The notifications queue')).toBe(true);
    const records = objects.filter((o) => 'target' in o);
    expect(records.length).toBeGreaterThan(0);
    for (const record of records)
      expect(notificationRequest.safeParse(record).success, JSON.stringify(record)).toBe(true);
  });

  it('writes every json block as valid JSON', () => {
    expect(examples.length).toBeGreaterThan(20);
  });

  it('shows client frames that the server accepts, each under its own schema', () => {
    const frames = frameObjects.filter((o) => 'action' in o);
    for (const frame of frames) {
      const schema = schemaOf[String(frame.action)];
      expect(schema, `no schema for ${JSON.stringify(frame)}`).toBeDefined();
      const parsed = schema!.safeParse(frame);
      expect(parsed.success, `${JSON.stringify(frame)}: ${JSON.stringify(parsed.error)}`).toBe(true);
    }
  });

  it('shows server frames of known types, codes and events', () => {
    const frames = frameObjects.filter((o) => 'type' in o);
    expect(frames.length).toBeGreaterThan(10);
    for (const frame of frames) {
      expect(serverFrameTypes, JSON.stringify(frame)).toContain(frame.type);
      if (frame.type === 'error') {
        expect(errorCodes).toContain(frame.code);
        expect(frame).toHaveProperty('ref');
        expect(typeof frame.message).toBe('string');
        if (frame.code === 'RATE_LIMITED') expect(typeof frame.retryAfterMs).toBe('number');
      }
      if (frame.type === 'event') {
        expect(eventKinds).toContain(frame.event);
        expect(frame).toMatchObject({
          room: expect.any(String),
          user: expect.any(String),
          ts: expect.any(Number),
        });
      }
      if (frame.type === 'reply') expect(frame).toMatchObject({ ref: expect.any(String) });
      if (frame.type === 'message') {
        expect(frame).toMatchObject({
          id: expect.any(String),
          from: expect.any(String),
          ts: expect.any(Number),
        });
        expect('to' in frame !== 'room' in frame, JSON.stringify(frame)).toBe(true);
      }
    }
  });

  it('shows a POST /rooms body that the server accepts', () => {
    const bodies = httpObjects.filter((o) => 'name' in o && !('owner' in o));
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies)
      expect(createRoomBody.safeParse(body).success, JSON.stringify(body)).toBe(true);
  });

  it('shows HTTP errors in the one error shape, with known codes', () => {
    const errors = httpObjects.filter((o) => 'error' in o);
    expect(errors.length).toBeGreaterThan(0);
    for (const { error } of errors) expect(errorCodes).toContain((error as { code?: string }).code);
  });

  it('points at nothing outside the repository', () => {
    expect(doc).not.toMatch(/PROTOCOL\.md|APIGW-WEBSOCKET\.md|\.\.\/shared/);
  });
});
