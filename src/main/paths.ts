import envPaths from 'env-paths';
import path from 'node:path';

type Env = Record<string, string | undefined>;

/** Folder name of the embedding model, under resources/models and <user data>/models. */
export const MODEL_NAME = 'all-MiniLM-L6-v2';

/**
 * Root of Hippo's per-user data (database, downloaded model, settings). HIPPO_HOME overrides it so
 * tests, portable installs and several profiles can live side by side. Electron passes
 * app.getPath('userData') instead of calling this.
 */
export function defaultUserDataDir(env: Env = process.env): string {
  const override = env.HIPPO_HOME?.trim();
  if (override) return path.resolve(override);
  return envPaths('hippo', { suffix: '' }).data;
}

/** Where a downloaded model lives inside a user data root: models/<folder> (MiniLM's by default). */
export function userModelDir(userDataDir: string, folder: string = MODEL_NAME): string {
  return path.join(userDataDir, 'models', folder);
}

/** The default download target for a model: <user data>/models/<folder>, all-MiniLM-L6-v2 by default. */
export function defaultModelDir(env: Env = process.env, folder: string = MODEL_NAME): string {
  return userModelDir(defaultUserDataDir(env), folder);
}

/** The database the CLI and app use unless told otherwise: HIPPO_DB, else <user data>/hippo.db. */
export function defaultDbPath(env: Env = process.env): string {
  const override = env.HIPPO_DB?.trim();
  if (override) return path.resolve(override);
  return path.join(defaultUserDataDir(env), 'hippo.db');
}
