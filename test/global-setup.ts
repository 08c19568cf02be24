import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Removes the synthesized cloud assemblies (bundles included) that infrastructure tests leave. */
export async function teardown(): Promise<void> {
  await rm(path.join(tmpdir(), 'wavelet-synth'), { recursive: true, force: true });
}
