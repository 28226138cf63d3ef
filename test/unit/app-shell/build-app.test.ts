import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { makeTempDir } from '../../helpers/temp-dir';
import { hashBuildInputs } from './build-app';

/** The shared build is reused only while its key says the sources are the ones it was built from. */
describe('the shared build key', () => {
  const dirs: Array<() => void> = [];
  afterEach(() => dirs.splice(0).forEach((cleanup) => cleanup()));

  function tree(files: Record<string, string>): string {
    const tmp = makeTempDir('hippo-build-key-');
    dirs.push(tmp.cleanup);
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(tmp.dir, path, '..'), { recursive: true });
      writeFileSync(join(tmp.dir, path), text);
    }
    return tmp.dir;
  }

  const base = {
    'src/renderer/index.html': '<meta>',
    'src/main/index.ts': 'main()',
    'electron.vite.config.ts': 'export default {}',
    'package.json': '{}',
  };

  it('is the same for the same sources and changes with any source byte, name or config', () => {
    const key = hashBuildInputs(tree(base));
    expect(hashBuildInputs(tree(base))).toBe(key);
    expect(hashBuildInputs(tree({ ...base, 'src/main/index.ts': 'main();' }))).not.toBe(key);
    expect(hashBuildInputs(tree({ ...base, 'src/main/other.ts': '' }))).not.toBe(key);
    expect(hashBuildInputs(tree({ ...base, 'electron.vite.config.ts': 'export default { x: 1 }' }))).not.toBe(
      key,
    );
    const { 'src/main/index.ts': moved, ...rest } = base;
    expect(hashBuildInputs(tree({ ...rest, 'src/main/main.ts': moved }))).not.toBe(key);
  });

  it('ignores files the build does not read', () => {
    const key = hashBuildInputs(tree(base));
    expect(hashBuildInputs(tree({ ...base, 'test/x.test.ts': 'it()', 'README.md': '# Hippo' }))).toBe(key);
  });
});
