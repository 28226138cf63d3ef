import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { compileWat, moduleSource } from '../../../scripts/build-wasm.mjs';

const dir = path.join(import.meta.dirname, '..', '..', '..', 'src', 'main', 'memory', 'wasm');

describe('generated WebAssembly modules', () => {
  it('each committed *.wasm.ts is its .wat compiled (run `npm run build:wasm` after editing one)', async () => {
    const sources = fs.readdirSync(dir).filter((f) => f.endsWith('.wat'));
    expect(sources.length).toBeGreaterThan(0);
    for (const file of sources) {
      const name = file.slice(0, -4);
      const bytes = (await compileWat(fs.readFileSync(path.join(dir, file), 'utf8'), file)) as Buffer;
      expect(fs.readFileSync(path.join(dir, `${name}.wasm.ts`), 'utf8')).toBe(moduleSource(name, bytes));
    }
  });
});
