import fs from 'node:fs';
import path from 'node:path';
import { HippoError } from '../../shared/errors';
import { MODEL_CATALOG, type ModelSpec } from '../../shared/model-catalog';
import { findModelFile, isFile, MODEL_FILES, TOKENIZER_FILES } from '../../utility/model-files';
import { userModelDir } from '../paths';

type Env = Record<string, string | undefined>;

export { findModelFile, MODEL_FILES, TOKENIZER_FILES };

export interface ModelSearchOptions {
  env: Env;
  /** Electron's process.resourcesPath in the packaged app; absent under Node. */
  resourcesPath?: string;
  /** User data root (see defaultUserDataDir); a model lives in <root>/models/<its folder>. */
  userDataDir: string;
  /** The catalogue model looked for; default MiniLM (<root>/models/all-MiniLM-L6-v2). */
  model?: ModelSpec;
}

/** Folders that may hold the model, in resolution order (ARCHITECTURE.md). */
export function modelSearchPaths({
  env,
  resourcesPath,
  userDataDir,
  model = MODEL_CATALOG.minilm,
}: ModelSearchOptions): string[] {
  const paths: string[] = [];
  // HIPPO_MODEL_DIR holds whichever model is chosen: the worker checks its width when it loads.
  const fromEnv = env.HIPPO_MODEL_DIR?.trim();
  if (fromEnv) paths.push(path.resolve(fromEnv));
  if (resourcesPath) paths.push(path.join(resourcesPath, 'models', model.folder));
  paths.push(userModelDir(userDataDir, model.folder));
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
export function resolveModelDir(paths: string[], model: ModelSpec = MODEL_CATALOG.minilm): string {
  const rejected: string[] = [];
  for (const dir of paths) {
    const why = whyNotModelDir(dir);
    if (why === null) return dir;
    rejected.push(`  ${dir} (${why})`);
  }
  throw new HippoError(
    'MODEL_MISSING',
    `The embedding model ${model.folder} was not found. Folders searched:\n${rejected.join('\n')}\n` +
      ('fp32' in model.download
        ? `Run \`hippo model fetch${model.name === 'minilm' ? '' : ` --model ${model.name}`}\` to download it, or set HIPPO_MODEL_DIR to a folder holding `
        : `${model.download.unavailable}, or set HIPPO_MODEL_DIR to a folder holding `) +
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
