import { HippoError } from '../../shared/errors';
import { modelSpec, type ModelName } from '../../shared/model-catalog';
import type { ModelChoicePort } from '../app-service/app-service';
import type { EmbedderClient } from '../embedder/embedder-client';
import type { Memory } from '../memory/memory';
import type { SettingsStore } from '../settings-store';

export interface ModelChoiceOptions {
  memory: Pick<Memory, 'stats'>;
  embedder: Pick<EmbedderClient, 'model' | 'useModel' | 'ready' | 'lastError'>;
  /** Where the choice is saved (settings.json, which the CLI and `hippo serve` read too). */
  store: Pick<SettingsStore, 'update'>;
}

/**
 * The settings screen's model choice: the running embedder switches to the model, and once it has
 * loaded the choice is saved and the memory adopts it (parking the old vectors and re-embedding in
 * the background; model:status shows the progress). A model that does not load is refused and the
 * embedder goes back to the one it ran, so nothing changes.
 */
export class ModelChoice implements ModelChoicePort {
  constructor(private readonly opts: ModelChoiceOptions) {}

  current(): ModelName {
    return this.opts.embedder.model.name;
  }

  async use(name: ModelName): Promise<void> {
    const { embedder, store, memory } = this.opts;
    const spec = modelSpec(name);
    const before = embedder.model;
    if (spec.name === before.name) return;
    await embedder.useModel(spec);
    if (!(await embedder.ready())) {
      const why = embedder.lastError?.message ?? 'the model did not load';
      const code = embedder.lastError?.code === 'MODEL_MISSING' ? 'MODEL_MISSING' : 'MODEL_FAILED';
      await embedder.useModel(before);
      throw new HippoError(code, `${spec.name} cannot be used: ${why}`);
    }
    store.update({ model: spec.name });
    // Adopts the new model now: the switch and the background re-embedding start here.
    await memory.stats();
  }
}
