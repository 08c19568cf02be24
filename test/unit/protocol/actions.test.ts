import { describe, expect, it } from 'vitest';
import { actions } from '../../../lib/manifest.ts';
import { clientFrames } from '../../../protocol/client-frames.ts';

describe('Protocol: actions', () => {
  it('routes exactly the actions that protocol/ has a frame schema for', () => {
    expect([...actions].sort()).toEqual(Object.keys(clientFrames).sort());
  });

  it('keys each schema by the action it validates', () => {
    for (const [action, schema] of Object.entries(clientFrames)) {
      expect(schema.shape.action._zod.def.values, action).toEqual([action]);
    }
  });
});
