import fs from 'node:fs';
import path from 'node:path';
import { HippoError } from '../../shared/errors';
import { findModelFile, isFile, MODEL_FILES, TOKENIZER_FILES } from '../../utility/model-files';
import { MODEL_NAME, userModelDir } from '../paths';

type Env = Record<string, string | undefined>;

export { findModelFile, MODEL_FILES, TOKENIZER_FILES };

export interface ModelSearchOptions {
  env: Env;
  /** Electron's process.resourcesPath in the packaged app; absent under Node. */
  resourcesPath?: string;
  /** User data root (see defaultUserDataDir); the model lives in <root>/models/all-MiniLM-L6-v2. */
  userDataDir: string;
}

/** Folders that may hold the model, in resolution order (ARCHITECTURE.md). */
export function modelSearchPaths({ env, resourcesPath, userDataDir }: ModelSearchOptions): string[] {
  const paths: string[] = [];
  const fromEnv = env.HIPPO_MODEL_DIR?.trim();
  if (fromEnv) paths.push(path.resolve(fromEnv));
  if (resourcesPath) paths.push(path.join(resourcesPath, 'models', MODEL_NAME));
  paths.push(userModelDir(userDataDir));
  return paths;
}

/** Why a folder does not hold a usable model, or null when it does. */
export function whyNotModelDir(dir: string): string | null {
  if (!isDir(dir)) return 'folder does not exist';
  const missing: string[] = [];
  if (!findModelFile(dir)) missing.push(MODEL_FILES.join(' or '));
  for (const f of TOKENIZER_FILES) if (!isFile(path.join(dir, f))) missing.push(f);
  return missing.length ? `missing ${missing.join(', ')}` : null;
}

/**
 * The first folder holding weights and tokenizer files. Throws MODEL_MISSING naming every folder
 * searched and why each was rejected, so the user can tell a typo in HIPPO_MODEL_DIR from a
 * download that never happened.
 */
export function resolveModelDir(paths: string[]): string {
  const rejected: string[] = [];
  for (const dir of paths) {
    const why = whyNotModelDir(dir);
    if (why === null) return dir;
    rejected.push(`  ${dir} (${why})`);
  }
  throw new HippoError(
    'MODEL_MISSING',
    `The embedding model ${MODEL_NAME} was not found. Folders searched:\n${rejected.join('\n')}\n` +
      'Run `hippo model fetch` to download it, or set HIPPO_MODEL_DIR to a folder holding ' +
      `${MODEL_FILES[0]} and tokenizer.json.`,
  );
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
