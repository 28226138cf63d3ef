import { useEffect, useState } from 'react';
import { useStore } from 'zustand';
import type { HippoClient } from '../../../shared/ipc-contract';
import { createSettingsStore } from '../store/settings-store';
import { ModelSection } from './SettingsScreen';

/** Remembers "Not now" for this device; Settings still offers the download. */
export const MODEL_BANNER_DISMISSED_KEY = 'hippo.model-banner-dismissed';

/**
 * The first-run offer to download the model, above the main view, where the face can download it
 * (the desktop app) and the model is not there. Hippo works by words meanwhile, so it can be put
 * off; a bundled model is found at start and this never shows, offline or not.
 */
export function ModelBanner(props: { client: HippoClient; storage?: Storage }) {
  const { client, storage } = props;
  const [store] = useState(() => createSettingsStore(client));
  const model = useStore(store, (s) => s.model);
  const [dismissed, setDismissed] = useState(() => readFlag(storage));
  const [sawDownload, setSawDownload] = useState(false);
  useEffect(() => {
    void store.getState().refreshModel();
    return () => store.getState().stop();
  }, [store]);
  useEffect(() => {
    if (model?.state === 'downloading') setSawDownload(true);
  }, [model?.state]);

  if (model?.reembedding_from)
    return (
      <p className="model-banner-done" role="status">
        Embedding your facts again with the {model.name} model: {model.pending} left. Search uses words only
        until it is done.
      </p>
    );
  if (!model?.can_download || dismissed) return null;
  if (model.state === 'ready' || model.state === 'disabled')
    return sawDownload ? (
      <p className="model-banner-done" role="status">
        Search by meaning is ready.
      </p>
    ) : null;
  return (
    <section className="model-banner" aria-label="Set up search by meaning">
      <p>
        Hippo finds facts by their words now. To find them by meaning too, it needs its language model: about
        90 MB, downloaded once and checked, then everything stays on this device and works offline.
      </p>
      <ModelSection store={store} />
      {model.state !== 'downloading' && (
        <button
          type="button"
          className="link-button"
          onClick={() => {
            setDismissed(true);
            try {
              storage?.setItem(MODEL_BANNER_DISMISSED_KEY, '1');
            } catch {
              // Storage blocked: "Not now" lasts for this visit.
            }
          }}
        >
          Not now (Settings has it later)
        </button>
      )}
    </section>
  );
}

function readFlag(storage: Storage | undefined): boolean {
  try {
    return storage?.getItem(MODEL_BANNER_DISMISSED_KEY) === '1';
  } catch {
    return false;
  }
}
