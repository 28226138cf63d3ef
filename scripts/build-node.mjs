// Bundles the Node entry points into dist/ so they run with plain `node` (no tsx):
// the embedder worker (forked by NodeWorkerHost) and the hippo CLI. Dependencies stay external and
// load from node_modules. Runs on `npm install` (prepare), so it must work on a fresh checkout.
import { build } from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const entries = [
  { in: 'src/utility/embedder-worker.ts', out: 'embedder-worker' },
  { in: 'src/cli/index.ts', out: 'cli' },
].filter((e) => {
  const exists = fs.existsSync(path.join(root, e.in));
  if (!exists) console.log(`build-node: skipping ${e.in} (not written yet)`);
  return exists;
});

export async function buildNode() {
  if (entries.length === 0) return;
  await build({
    absWorkingDir: root,
    entryPoints: entries,
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildNode();
  console.log(`build-node: ${entries.map((e) => `dist/${e.out}.mjs`).join(', ')}`);
}
