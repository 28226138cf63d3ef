import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { MODEL_CATALOG } from '../../src/shared/model-catalog';
import { REPO_ROOT } from './lexical-memory';

/** The generated 768-dimension model (scripts/model-gen/lexical-768-model.ts), bge-base's slot. */
export const LEXICAL_768_MODEL_DIR = join(REPO_ROOT, 'test', '.models', 'lexical-768');

/**
 * A user data folder holding both catalogue models where Hippo looks for them: the generated
 * lexical model as models/all-MiniLM-L6-v2 (384, mean pooling) and lexical-768 as
 * models/bge-base-en-v1.5 (768, CLS pooling), linked rather than copied.
 */
export function homeWithBothModels(home: string): void {
  mkdirSync(join(home, 'models'), { recursive: true });
  symlinkSync(
    join(REPO_ROOT, 'test', '.models', 'lexical'),
    join(home, 'models', MODEL_CATALOG.minilm.folder),
  );
  symlinkSync(LEXICAL_768_MODEL_DIR, join(home, 'models', MODEL_CATALOG['bge-base'].folder));
}
