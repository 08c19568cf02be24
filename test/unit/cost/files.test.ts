import { describe, expect, it } from 'vitest';
import { fileAssumptions, fileMessageCost, fileRow } from '../../../tools/cost/files.ts';

describe('Cost: a file message', () => {
  it('adds the upload, the attach, storage and every viewer’s read', () => {
    const c = fileMessageCost();
    expect(c.total).toBeCloseTo(c.upload + c.attach + c.storage + c.perViewer * fileAssumptions.viewers, 12);
    // Two S3 PUT-class requests (the upload and the copy) dominate the writes: $0.01 per thousand files.
    expect(c.upload + c.attach).toBeGreaterThan(0.00001);
    expect(fileMessageCost({ ...fileAssumptions, viewers: 20 }).total).toBeGreaterThan(c.total);
  });

  it('prints its assumptions with the row', () => {
    expect(fileRow()).toMatch(/file message \(500 KB, 10 viewers, kept 1 month\)/);
  });
});
