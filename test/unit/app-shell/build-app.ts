import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

export interface BuiltApp {
  /** Holds main/, preload/, renderer/ and a package.json that makes the folder a launchable app. */
  dir: string;
  /** Build output, for failure messages. */
  log: string;
  remove(): void;
}

/**
 * Runs the real `electron-vite build` into a fresh folder. The folder sits under node_modules/.cache so
 * externalized packages still resolve from the repo's node_modules, and out/ is left alone.
 */
export async function buildApp(): Promise<BuiltApp> {
  const cacheDir = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cacheDir, { recursive: true });
  const dir = mkdtempSync(join(cacheDir, 'hippo-app-shell-'));
  const cli = join(REPO_ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');

  const env = { ...process.env };
  // vitest's own NODE_ENV/mode must not leak into a production build.
  delete env.NODE_ENV;
  delete env.ELECTRON_RENDERER_URL;

  const { code, log } = await new Promise<{ code: number | null; log: string }>((done, fail) => {
    const child = spawn(process.execPath, [cli, 'build', '--outDir', dir], { cwd: REPO_ROOT, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', fail);
    child.on('close', (exitCode) => done({ code: exitCode, log: output }));
  });
  if (code !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`electron-vite build exited with ${code}:\n${log}`);
  }

  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: pkg.name, version: pkg.version, type: 'module', main: './main/index.js' },
      null,
      2,
    ),
  );
  return { dir, log, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
