/**
 * Builds the generated model folders (test/.models/lexical, lexical-768, twin, twin-int8) laid out like the
 * real model folder users get: tokenizer files at the top, weights at onnx/model.onnx (the int8
 * twin at onnx/model_quantized.onnx, as the official int8 file).
 * A folder is rebuilt only when its .generator-hash differs from the hash of the generator sources.
 */
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HippoError } from '../../src/shared/errors';
import { buildLexical768Model } from './lexical-768-model';
import { buildLexicalModel, readVocab } from './lexical-model';
import {
  DEFAULT_MODELS_ROOT,
  MODEL_FILE,
  QUANTIZED_MODEL_FILE,
  REPO_ROOT,
  TOKENIZER_FILES,
  tokenizerSourceDir,
} from './minilm-spec';
import { buildTwinModel } from './twin-model';

export const TEST_MODEL_NAMES = ['lexical', 'lexical-768', 'twin', 'twin-int8'] as const;
export type TestModelName = (typeof TEST_MODEL_NAMES)[number];

/** Where each model's weights go inside its folder. */
const WEIGHTS_FILE: Record<TestModelName, string> = {
  lexical: MODEL_FILE,
  'lexical-768': MODEL_FILE,
  twin: MODEL_FILE,
  'twin-int8': QUANTIZED_MODEL_FILE,
};

export const GENERATOR_HASH_FILE = '.generator-hash';

const GENERATOR_DIR = path.join(REPO_ROOT, 'scripts', 'model-gen');
const GENERATOR_ENTRY = path.join(REPO_ROOT, 'scripts', 'build-test-models.ts');

export interface BuildOptions {
  /** Where the real tokenizer files are copied from; defaults to ../shared/models/all-MiniLM-L6-v2. */
  tokenizerDir?: string;
  /** Rebuild even when the hash matches. */
  force?: boolean;
  /** Progress lines; defaults to console.log. Pass () => {} for silence. */
  log?: (line: string) => void;
}

export interface BuildReport {
  name: TestModelName;
  dir: string;
  /** false when the folder was already up to date. */
  built: boolean;
  bytes: number;
  ms: number;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * sha256 over the generator's own sources and the tokenizer files it copies: any change to either
 * makes every model folder stale.
 */
export async function generatorHash(tokenizerDir = tokenizerSourceDir()): Promise<string> {
  const hash = createHash('sha256');
  const sources = (await readdir(GENERATOR_DIR))
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => path.join(GENERATOR_DIR, f));
  for (const file of [GENERATOR_ENTRY, ...sources]) {
    hash.update(path.relative(REPO_ROOT, file).split(path.sep).join('/'));
    hash.update('\0');
    hash.update(await readFile(file));
    hash.update('\0');
  }
  for (const file of TOKENIZER_FILES) {
    hash.update(file);
    hash.update('\0');
    hash.update(await readFile(path.join(tokenizerDir, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

/** Writes via a temporary name and a rename, so a concurrent reader never sees half a file. */
async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}

async function copyTokenizerFiles(dir: string, tokenizerDir: string): Promise<void> {
  // Read and write rather than copyFile: the source is read-only and its mode should not follow.
  for (const file of TOKENIZER_FILES) {
    await writeFileAtomic(path.join(dir, file), await readFile(path.join(tokenizerDir, file)));
  }
}

async function writeModelFolder(
  dir: string,
  tokenizerDir: string,
  model: Uint8Array,
  weightsFile = MODEL_FILE,
): Promise<number> {
  await mkdir(path.join(dir, path.dirname(weightsFile)), { recursive: true });
  await copyTokenizerFiles(dir, tokenizerDir);
  await writeFileAtomic(path.join(dir, weightsFile), model);
  return model.byteLength;
}

async function checkTokenizerDir(tokenizerDir: string): Promise<void> {
  for (const file of TOKENIZER_FILES) {
    if (!(await exists(path.join(tokenizerDir, file)))) {
      throw new HippoError(
        'MODEL_MISSING',
        `Tokenizer file ${file} not found in ${tokenizerDir}; set HIPPO_TOKENIZER_SOURCE_DIR to a folder holding ` +
          `all-MiniLM-L6-v2's ${TOKENIZER_FILES.join(', ')}`,
      );
    }
  }
}

/** Writes the lexical model folder into `dir` (created if needed). Returns the model's size in bytes. */
export async function writeLexicalModel(dir: string, tokenizerDir = tokenizerSourceDir()): Promise<number> {
  await checkTokenizerDir(tokenizerDir);
  return writeModelFolder(dir, tokenizerDir, buildLexicalModel(await readVocab(tokenizerDir)));
}

/** Writes the 768-dimension lexical model's folder (the catalogue's second size) into `dir`. */
export async function writeLexical768Model(
  dir: string,
  tokenizerDir = tokenizerSourceDir(),
): Promise<number> {
  await checkTokenizerDir(tokenizerDir);
  return writeModelFolder(dir, tokenizerDir, buildLexical768Model(await readVocab(tokenizerDir)));
}

/** Writes the twin model folder into `dir` (created if needed). Returns the model's size in bytes. */
export async function writeTwinModel(dir: string, tokenizerDir = tokenizerSourceDir()): Promise<number> {
  await checkTokenizerDir(tokenizerDir);
  return writeModelFolder(dir, tokenizerDir, buildTwinModel());
}

/** Writes the int8 twin's folder into `dir`: the weights at onnx/model_quantized.onnx. */
export async function writeTwinInt8Model(dir: string, tokenizerDir = tokenizerSourceDir()): Promise<number> {
  await checkTokenizerDir(tokenizerDir);
  return writeModelFolder(
    dir,
    tokenizerDir,
    buildTwinModel(undefined, { quantized: true }),
    QUANTIZED_MODEL_FILE,
  );
}

const WRITERS: Record<TestModelName, (dir: string, tokenizerDir: string) => Promise<number>> = {
  lexical: writeLexicalModel,
  'lexical-768': writeLexical768Model,
  twin: writeTwinModel,
  'twin-int8': writeTwinInt8Model,
};

async function isUpToDate(dir: string, hash: string, weightsFile: string): Promise<boolean> {
  try {
    const recorded = (await readFile(path.join(dir, GENERATOR_HASH_FILE), 'utf8')).trim();
    if (recorded !== hash) return false;
    for (const file of [weightsFile, ...TOKENIZER_FILES])
      if (!(await exists(path.join(dir, file)))) return false;
    return true;
  } catch {
    return false;
  }
}

/**
 * Builds every test model under `outRoot` (default test/.models), skipping folders whose
 * .generator-hash matches. The hash is written last, so an interrupted build is redone next time.
 */
export async function buildTestModels(
  outRoot: string = DEFAULT_MODELS_ROOT,
  options: BuildOptions = {},
): Promise<BuildReport[]> {
  const tokenizerDir = options.tokenizerDir ?? tokenizerSourceDir();
  const log = options.log ?? ((line: string) => console.log(line));
  await checkTokenizerDir(tokenizerDir);
  const hash = await generatorHash(tokenizerDir);
  const reports: BuildReport[] = [];
  for (const name of TEST_MODEL_NAMES) {
    const dir = path.join(outRoot, name);
    if (!options.force && (await isUpToDate(dir, hash, WEIGHTS_FILE[name]))) {
      reports.push({ name, dir, built: false, bytes: 0, ms: 0 });
      continue;
    }
    const started = performance.now();
    await rm(path.join(dir, GENERATOR_HASH_FILE), { force: true });
    const bytes = await WRITERS[name](dir, tokenizerDir);
    await writeFileAtomic(path.join(dir, GENERATOR_HASH_FILE), `${hash}\n`);
    const ms = performance.now() - started;
    reports.push({ name, dir, built: true, bytes, ms });
    log(
      `built ${name} model: ${path.relative(process.cwd(), dir) || dir} (${(bytes / 1e6).toFixed(1)} MB, ${(ms / 1000).toFixed(1)} s)`,
    );
  }
  if (reports.every((r) => !r.built))
    log(`models up to date (${path.relative(process.cwd(), outRoot) || outRoot})`);
  return reports;
}

/** The folder of a generated model under the default root, for tests and benchmarks. */
export function testModelDir(name: TestModelName, outRoot: string = DEFAULT_MODELS_ROOT): string {
  return path.join(outRoot, name);
}
