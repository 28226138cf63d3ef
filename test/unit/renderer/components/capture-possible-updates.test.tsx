// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useStore } from 'zustand';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoreApi } from 'zustand/vanilla';
import { CaptureBox } from '../../../../src/renderer/src/screens/CaptureBox';
import { ToastBar } from '../../../../src/renderer/src/screens/ToastBar';
import { createMemoryStore, type MemoryState } from '../../../../src/renderer/src/store/memory-store';
import { openRealClient } from './real-client';

/** The capture box with the toast under it, as the search screen shows them. */
function Screen(props: { store: StoreApi<MemoryState>; onClose?: () => void }) {
  const toast = useStore(props.store, (s) => s.toast);
  return (
    <>
      <CaptureBox store={props.store} onClose={props.onClose} />
      <ToastBar
        toast={toast}
        onUndo={() => void props.store.getState().undo()}
        onDismiss={props.store.getState().dismissToast}
      />
    </>
  );
}

describe('CaptureBox: a likely update offers Replace or Keep both', () => {
  let real: ReturnType<typeof openRealClient>;
  let lisbon: number;
  const current = () =>
    real.memory
      .list()
      .facts.map((f) => f.content)
      .sort();

  beforeEach(async () => {
    real = openRealClient();
    lisbon = (await real.memory.encode({ content: 'Anna lives in Lisbon' })).id;
    await real.memory.encode({ content: 'Blood type is O negative' });
  });
  afterEach(async () => {
    cleanup();
    await real.close();
  });

  async function capture(text: string, onClose?: () => void) {
    const store = createMemoryStore(real.client, { delayMs: 10 });
    await store.getState().connect();
    render(<Screen store={store} onClose={onClose} />);
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Remember a fact' }), `${text}{Enter}`);
    return { store, user };
  }

  it('Replace supersedes the old fact; Undo in the toast makes both current again', async () => {
    const { user } = await capture('Anna lives in Porto');
    const offer = await screen.findByRole('region', { name: 'Possible updates' });
    expect(within(offer).getByRole('listitem').textContent).toMatch(/^Anna lives in Lisbon/);
    await user.click(within(offer).getByRole('button', { name: 'Replace “Anna lives in Lisbon”' }));
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Possible updates' })).toBeNull());
    expect(screen.getByText('Replaced “Anna lives in Lisbon”.')).toBeTruthy();
    expect(current()).toEqual(['Anna lives in Porto', 'Blood type is O negative']);
    const porto = real.memory.list().facts.find((f) => f.content === 'Anna lives in Porto')!;
    expect(real.memory.history(porto.id)).toEqual([
      expect.objectContaining({ id: lisbon, reason: 'superseded' }),
    ]);

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await screen.findByText('Both facts are current again.');
    expect(current()).toEqual(['Anna lives in Lisbon', 'Anna lives in Porto', 'Blood type is O negative']);
  });

  it('Keep both leaves both facts current; the quick-capture window closes once the choice is made', async () => {
    let closed = 0;
    const { user } = await capture('Anna lives in Porto', () => closed++);
    const offer = await screen.findByRole('region', { name: 'Possible updates' });
    // Saved, but the window waits for the choice.
    expect(closed).toBe(0);
    await user.click(within(offer).getByRole('button', { name: 'Keep both' }));
    expect(screen.queryByRole('region', { name: 'Possible updates' })).toBeNull();
    expect(closed).toBe(1);
    expect(current()).toEqual(['Anna lives in Lisbon', 'Anna lives in Porto', 'Blood type is O negative']);
  });

  it('an unrelated fact is saved without an offer', async () => {
    let closed = 0;
    await capture('Sam prefers tea over coffee', () => closed++);
    expect((await screen.findByRole('status', { name: 'Capture result' })).textContent).toBe('Remembered.');
    await waitFor(() => expect(closed).toBe(1));
    expect(screen.queryByRole('region', { name: 'Possible updates' })).toBeNull();
  });
});
