import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');

export interface BuiltApp {
  /** Holds main/, preload/, renderer/ and a package.json that makes the folder a launchable app. */
  dir: string;
  /** Build output, for failure messages. */
  log: string;
  /** Removes a private build; a shared one stays for the next test file (and the next run). */
  remove(): void;
}

/** Folders and files an `electron-vite build` reads; a change to any of them means a new build. */
const BUILD_INPUTS = [
  'src',
  'electron.vite.config.ts',
  'package.json',
  'package-lock.json',
  'tsconfig.base.json',
  'tsconfig.node.json',
  'tsconfig.web.json',
];
/** Builds live under node_modules/.cache so externalized packages resolve from the repo's node_modules. */
const CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'hippo-app-build');
/** A lock older than this belongs to a run that died mid-build. */
const STALE_LOCK_MS = 5 * 60_000;
/** Builds of other sources are kept this long, in case a parallel run still reads one. */
const KEEP_OTHER_BUILDS_MS = 60 * 60_000;
/** Names a folder built for one caller, removed by its remove(). */
const FRESH_PREFIX = 'fresh-';

let sharedInThisProcess: Promise<BuiltApp> | null = null;

/**
 * The real `electron-vite build` of the current sources. Several test files read the same build, so
 * it is made once and shared: across test files in one process by a promise, across vitest's forked
 * workers (and later runs) by a folder named after a hash of everything the build reads, written
 * under a lock so two workers never build it at once. HIPPO_FRESH_BUILD=1 builds privately instead.
 */
export function buildApp(): Promise<BuiltApp> {
  if (process.env.HIPPO_FRESH_BUILD === '1') return buildFresh();
  const pending = (sharedInThisProcess ??= sharedBuild());
  // A failed or private build is not handed to the next caller (a private one is removed after use).
  pending.then(
    (app) => {
      if (sharedInThisProcess === pending && basename(app.dir).startsWith(FRESH_PREFIX))
        sharedInThisProcess = null;
    },
    () => {
      if (sharedInThisProcess === pending) sharedInThisProcess = null;
    },
  );
  return pending;
}

/** A hex digest of the paths and bytes of every build input. */
export function hashBuildInputs(root = REPO_ROOT): string {
  const hash = createHash('sha256');
  const files: string[] = [];
  for (const input of BUILD_INPUTS) {
    const full = join(root, input);
    if (!existsSync(full)) continue;
    if (statSync(full).isDirectory()) {
      for (const entry of readdirSync(full, { recursive: true, withFileTypes: true })) {
        if (entry.isFile()) files.push(join(entry.parentPath, entry.name));
      }
    } else files.push(full);
  }
  for (const file of files.sort()) {
    hash.update(relative(root, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

async function sharedBuild(): Promise<BuiltApp> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const key = hashBuildInputs();
  const dir = join(CACHE_DIR, key);
  const lock = `${dir}.lock`;
  const shared = (): BuiltApp => ({ dir, log: `shared build ${dir}`, remove: () => undefined });

  for (;;) {
    if (existsSync(dir)) return shared();
    try {
      mkdirSync(lock);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      else await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      if (existsSync(dir)) return shared();
      const built = await buildFresh();
      // Sources edited during the build: this output matches neither hash, so it stays private.
      if (hashBuildInputs() !== key) return built;
      renameSync(built.dir, dir);
      pruneOtherBuilds(key);
      return { ...shared(), log: built.log };
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

function pruneOtherBuilds(keep: string): void {
  for (const name of readdirSync(CACHE_DIR)) {
    if (name === keep || name.startsWith(keep)) continue;
    const path = join(CACHE_DIR, name);
    const age = Date.now() - (statSync(path, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > KEEP_OTHER_BUILDS_MS) rmSync(path, { recursive: true, force: true });
  }
}

/** Runs `electron-vite build` into a new folder of its own. */
async function buildFresh(): Promise<BuiltApp> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const dir = mkdtempSync(join(CACHE_DIR, FRESH_PREFIX));
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
