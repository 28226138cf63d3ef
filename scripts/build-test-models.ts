/**
 * `npm run models`: builds the generated test models (test/.models/lexical, lexical-768, twin and twin-int8)
 * unless they are up to date. Flags: --force rebuilds, --out DIR writes elsewhere.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTestModels } from './model-gen/test-models';

export { buildTestModels, testModelDir, writeLexicalModel, writeTwinModel } from './model-gen/test-models';

async function main(argv: string[]): Promise<void> {
  const force = argv.includes('--force');
  const outIndex = argv.indexOf('--out');
  const outRoot = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  if (outIndex >= 0 && !outRoot) throw new Error('--out needs a directory');
  const started = performance.now();
  const reports = await buildTestModels(outRoot ? path.resolve(outRoot) : undefined, { force });
  if (reports.some((r) => r.built))
    console.log(`models built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

// Run only when executed directly, so importing this file has no side effects.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
