// @vitest-environment happy-dom
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { StoreApi } from 'zustand';
import { useStore } from 'zustand';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SearchScreen } from '../../../../src/renderer/src/screens/SearchScreen';
import { ToastBar } from '../../../../src/renderer/src/screens/ToastBar';
import {
  createMemoryStore,
  type MemoryState,
  type MemoryStoreOptions,
} from '../../../../src/renderer/src/store/memory-store';
import type { HippoClient } from '../../../../src/shared/ipc-contract';
import { factRow, openRealClient } from './real-client';

/** The search screen with its toast, wired to one store as the app's main window wires them. */
function SearchWithToast({ store }: { store: StoreApi<MemoryState> }) {
  const toast = useStore(store, (s) => s.toast);
  return (
    <>
      <SearchScreen store={store} />
      <ToastBar
        toast={toast}
        onUndo={() => void store.getState().undo()}
        onDismiss={store.getState().dismissToast}
      />
    </>
  );
}

const pause = (ms: number) => act(() => new Promise<void>((r) => setTimeout(r, ms)));

describe('SearchScreen and ToastBar over the real app service', () => {
  let real: ReturnType<typeof openRealClient>;
  /** Queries that reached memory:recall, in order (the real call still runs). */
  let recalled: string[];
  /** Holds back the answer to a query until released, to make an answer arrive late. */
  let holdBack: { query: string; release: () => void } | null;
  let client: HippoClient;

  beforeAll(async () => {
    real = openRealClient();
    await real.memory.encode({ content: 'Priya lives in Toronto' });
    await real.memory.encode({ content: 'The dentist appointment moved to Thursday' });
    await real.memory.encode({ content: 'Priya likes the dentist near Toronto station' });
    client = {
      ...real.client,
      'memory:recall': async (input) => {
        recalled.push(input.query);
        const held = holdBack;
        if (held && held.query === input.query) await new Promise<void>((r) => (held.release = r));
        return real.client['memory:recall'](input);
      },
    };
  });
  afterAll(async () => real.close());
  afterEach(() => {
    cleanup();
    recalled = [];
    holdBack = null;
  });

  async function renderSearch(opts: MemoryStoreOptions = {}) {
    recalled = [];
    const store = createMemoryStore(client, { delayMs: 80, toastMs: 60_000, ...opts });
    await store.getState().connect();
    render(<SearchWithToast store={store} />);
    const box = screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search your memory' });
    expect(box.disabled).toBe(false);
    return { store, box, user: userEvent.setup() };
  }

  const resultTexts = () =>
    within(screen.getByRole('list', { name: 'Results' }))
      .queryAllByRole('listitem')
      .map((li) => li.querySelector('summary')?.textContent);

  it('searches once the typing pauses, not on every key', async () => {
    const { box, user } = await renderSearch();
    await user.type(box, 'Thursday');
    expect(recalled).toEqual([]);
    await waitFor(() => expect(resultTexts()).toEqual(['The dentist appointment moved to Thursday']));
    expect(recalled).toEqual(['Thursday']);
    // The query words are marked in the result.
    expect(screen.getByRole('list', { name: 'Results' }).querySelector('mark')?.textContent).toBe('Thursday');
  });

  it('drops an answer that arrives after a newer query was typed', async () => {
    const { box, user } = await renderSearch({ delayMs: 0 });
    holdBack = { query: 'Thursday', release: () => undefined };
    await user.type(box, 'Thursday');
    await waitFor(() => expect(recalled).toContain('Thursday'));
    await user.clear(box);
    await user.type(box, 'lives');
    await waitFor(() => expect(resultTexts()).toEqual(['Priya lives in Toronto']));
    holdBack.release();
    await pause(150);
    expect(resultTexts()).toEqual(['Priya lives in Toronto']);
    expect(box.value).toBe('lives');
  });

  it('moves the selection with ↑/↓ and opens the selected result with Enter', async () => {
    const { box, user } = await renderSearch({ delayMs: 0 });
    await user.type(box, 'Priya Toronto');
    await waitFor(() => expect(resultTexts()).toHaveLength(2));
    const items = () => within(screen.getByRole('list', { name: 'Results' })).getAllByRole('listitem');
    const selected = () => items().findIndex((li) => li.getAttribute('aria-current') === 'true');
    expect(selected()).toBe(0);
    expect(box.getAttribute('aria-activedescendant')).toBe(items()[0]!.id);

    await user.keyboard('{ArrowDown}');
    expect(selected()).toBe(1);
    await user.keyboard('{ArrowDown}');
    expect(selected()).toBe(1);
    expect(box.getAttribute('aria-activedescendant')).toBe(items()[1]!.id);

    const details = () => items().map((li) => li.querySelector('details')!.hasAttribute('open'));
    await user.keyboard('{Enter}');
    expect(details()).toEqual([false, true]);
    await user.keyboard('{ArrowUp}{Enter}');
    expect(selected()).toBe(0);
    expect(details()).toEqual([true, true]);
  });

  it('forgets the selected result on Delete, offers Undo, and Undo brings it back', async () => {
    const { box, user } = await renderSearch({ delayMs: 0 });
    await user.type(box, 'dentist Thursday');
    await waitFor(() => expect(resultTexts()[0]).toBe('The dentist appointment moved to Thursday'));
    const id = real.memory.db
      .prepare('SELECT id FROM facts WHERE content = ?')
      .pluck()
      .get('The dentist appointment moved to Thursday') as number;

    // With the caret at the end of the query, Delete forgets the selected result.
    await user.keyboard('{Delete}');
    await screen.findByText('Forgotten.');
    expect(resultTexts()).not.toContain('The dentist appointment moved to Thursday');
    expect(factRow(real.memory, id)?.deleted_at).not.toBeNull();
    expect(box.value).toBe('dentist Thursday');

    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await screen.findByText('Restored.');
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    expect(factRow(real.memory, id)?.deleted_at).toBeNull();
    await waitFor(() => expect(resultTexts()).toContain('The dentist appointment moved to Thursday'));

    await user.click(screen.getByRole('button', { name: 'Dismiss notice' }));
    expect(screen.queryByText('Restored.')).toBeNull();
  });

  it('Delete with the caret inside the query edits the text and forgets nothing', async () => {
    const { box, user } = await renderSearch({ delayMs: 0 });
    await user.type(box, 'Toronto');
    await waitFor(() => expect(resultTexts().length).toBeGreaterThan(0));
    await user.keyboard('{ArrowLeft}{ArrowLeft}{Delete}');
    expect(box.value).toBe('Torono');
    expect(screen.queryByText('Forgotten.')).toBeNull();
    expect(
      real.memory.db.prepare('SELECT COUNT(*) FROM facts WHERE deleted_at IS NOT NULL').pluck().get(),
    ).toBe(0);
  });

  it('a toast goes away by itself after its time', async () => {
    const { box, user } = await renderSearch({ delayMs: 0, toastMs: 100 });
    await user.type(box, 'Priya lives');
    await waitFor(() => expect(resultTexts()[0]).toBe('Priya lives in Toronto'));
    await user.click(screen.getByRole('button', { name: 'Forget “Priya lives in Toronto”' }));
    await screen.findByText('Forgotten.');
    await waitFor(() => expect(screen.queryByText('Forgotten.')).toBeNull());
    const id = real.memory.db
      .prepare('SELECT id FROM facts WHERE content = ?')
      .pluck()
      .get('Priya lives in Toronto');
    await real.memory.restore(id as number);
  });
});

describe('ToastBar', () => {
  afterEach(cleanup);

  it('shows a plain notice without Undo, and Undo and dismiss call back', async () => {
    const calls: string[] = [];
    const onUndo = () => calls.push('undo');
    const onDismiss = () => calls.push('dismiss');
    const { rerender } = render(
      <ToastBar toast={{ message: 'Saved.' }} onUndo={onUndo} onDismiss={onDismiss} />,
    );
    const region = document.querySelector('.toast-region')!;
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(within(region as HTMLElement).queryByRole('button', { name: 'Undo' })).toBeNull();

    rerender(<ToastBar toast={{ message: 'Forgotten.', undoId: 7 }} onUndo={onUndo} onDismiss={onDismiss} />);
    const user = userEvent.setup();
    await user.click(screen.getByRole('button', { name: 'Undo' }));
    await user.click(screen.getByRole('button', { name: 'Dismiss notice' }));
    expect(calls).toEqual(['undo', 'dismiss']);

    rerender(<ToastBar toast={null} onUndo={onUndo} onDismiss={onDismiss} />);
    expect(region.textContent).toBe('');
  });
});
