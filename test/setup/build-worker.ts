/**
 * vitest globalSetup: builds dist/embedder-worker.mjs (tests fork the real built worker) and the
 * generated test models when they are missing or stale, so `npx vitest run` works on a fresh checkout.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestModels } from '../../scripts/model-gen/test-models';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export default async function setup(): Promise<void> {
  execFileSync(process.execPath, [path.join(root, 'scripts/build-node.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  await buildTestModels();
}
