import path from 'node:path';
import { MODEL_CATALOG, modelSpec, type ModelSpec } from '../../shared/model-catalog';
import { readSettings, SETTINGS_FILE, writeSettings } from '../settings-store';

type Env = Record<string, string | undefined>;

/**
 * The embedding model a face should run: HIPPO_EMBEDDING_MODEL when set (scripts, tests; an unknown
 * name is BAD_INPUT naming the choices), else the `model` of <user data>/settings.json, which the
 * app's settings screen and `hippo model use` write, else MiniLM.
 */
export function selectedModel(env: Env, userDataDir: string): ModelSpec {
  const fromEnv = env.HIPPO_EMBEDDING_MODEL?.trim();
  if (fromEnv) return modelSpec(fromEnv);
  const { settings } = readSettings(path.join(userDataDir, SETTINGS_FILE));
  return MODEL_CATALOG[settings.model];
}

/** Records the choice in settings.json (other settings kept) for the next command and the app. */
export function saveSelectedModel(userDataDir: string, model: ModelSpec): void {
  const file = path.join(userDataDir, SETTINGS_FILE);
  const { settings } = readSettings(file);
  writeSettings(file, { ...settings, model: model.name });
}
