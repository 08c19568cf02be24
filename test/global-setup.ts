import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Gives this run its own folder for synthesized cloud assemblies (bundles included), which
 * the infrastructure tests write, and removes it afterwards. Workers inherit the variable.
 */
export async function setup(): Promise<() => Promise<void>> {
  const root = await mkdtemp(path.join(tmpdir(), 'wavelet-synth-'));
  process.env.WAVELET_SYNTH_ROOT = root;
  return async () => {
    await rm(root, { recursive: true, force: true });
  };
}
