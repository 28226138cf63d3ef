// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SearchScreen } from '../../../../src/renderer/src/screens/SearchScreen';
import { createMemoryStore } from '../../../../src/renderer/src/store/memory-store';
import { openRealClient } from './real-client';

describe('SearchScreen: time words, date filters and "why?" (real app service)', () => {
  let real: ReturnType<typeof openRealClient>;

  beforeAll(async () => {
    real = openRealClient();
    await real.memory.encode({
      content: 'The dentist appointment moved to Thursday',
      created_at: '2021-06-15T10:00:00',
    });
    await real.memory.encode({ content: 'Paid the dentist bill at the front desk' });
  });
  afterAll(async () => real.close());
  afterEach(cleanup);

  async function renderSearch() {
    const store = createMemoryStore(real.client, { delayMs: 20 });
    await store.getState().connect();
    render(<SearchScreen store={store} />);
    const box = screen.getByRole<HTMLInputElement>('searchbox', { name: 'Search your memory' });
    return { store, box, user: userEvent.setup() };
  }

  const results = () => within(screen.getByRole('list', { name: 'Results' })).queryAllByRole('listitem');
  const contentOf = (li: HTMLElement) => li.querySelector('summary')?.textContent;

  it('says how it read the time words and keeps to that window', async () => {
    const { box, user } = await renderSearch();
    await user.type(box, 'dentist in 2021');
    await waitFor(() =>
      expect(results().map(contentOf)).toEqual(['The dentist appointment moved to Thursday']),
    );
    const note = screen.getByRole('note', { name: 'Time words' });
    expect(note.textContent).toMatch(/^Read “in 2021” as .+2021 – .+2021; searching “dentist”\.$/);
  });

  it('has a "why?" disclosure per result showing the matched words, ranks and score', async () => {
    const { box, user } = await renderSearch();
    await user.type(box, 'dentist bill');
    await waitFor(() => expect(results().length).toBe(2));
    const [first] = results();
    expect(contentOf(first!)).toBe('Paid the dentist bill at the front desk');
    const why = within(first!).getByText('why?');
    await user.click(why);
    const details = why.closest('details')!;
    expect(details.open).toBe(true);
    const text = details.textContent!;
    expect(text).toContain('Wordsdentist, bill');
    expect(text).toMatch(/By words#1, words close together \(\+0\.0164\)/);
    expect(text).toMatch(/By meaning#\d+, \d+% similar/);
    expect(text).toMatch(/Tie-breakersrecency \+0\.\d{6}, confidence \+0\.000050/);
    expect(text).toMatch(/Score0\.0\d{5}/);
    // The second result matched only "dentist".
    expect(within(results()[1]!).getByText('why?').closest('details')!.textContent).toContain('Wordsdentist');
  });

  it('filters by the From / to dates', async () => {
    const { box, user, store } = await renderSearch();
    await user.type(box, 'dentist');
    await waitFor(() => expect(results().length).toBe(2));
    fireEvent.change(screen.getByLabelText('to'), { target: { value: '2021-12-31' } });
    await waitFor(() =>
      expect(results().map(contentOf)).toEqual(['The dentist appointment moved to Thursday']),
    );
    expect(store.getState().until).toBe('2021-12-31');
    fireEvent.change(screen.getByLabelText('to'), { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2022-01-01' } });
    await waitFor(() =>
      expect(results().map(contentOf)).toEqual(['Paid the dentist bill at the front desk']),
    );
  });
});
