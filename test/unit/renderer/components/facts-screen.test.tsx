// @vitest-environment happy-dom
import { cleanup, configure, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { patchOf } from '../../../../src/renderer/src/screens/FactEditor';
import { FactsScreen } from '../../../../src/renderer/src/screens/FactsScreen';
import { createFactsStore } from '../../../../src/renderer/src/store/facts-store';
import type { Fact } from '../../../../src/shared/contract';
import { distinctFacts } from '../import-fixtures';
import { openRealClient } from './real-client';

// The real service embeds with a real worker; on a busy machine an answer can take seconds.
configure({ asyncUtilTimeout: 15_000 });

describe('FactsScreen over the real app service', () => {
  let real: ReturnType<typeof openRealClient>;
  let penicillin: number;

  beforeAll(async () => {
    real = openRealClient();
    await real.memory.importRecords(
      distinctFacts(120, 'older ').map((content) => ({ content, created_at: '2026-01-15T10:00:00Z' })),
    );
    await real.memory.encode({ content: 'Blood pressure was 120 over 80', label: 'health' });
    penicillin = (await real.memory.encode({ content: 'Allergic to penicillin', label: 'health' })).id;
  });
  afterAll(async () => real.close());
  afterEach(cleanup);

  async function renderScreen() {
    const store = createFactsStore(real.client, { toastMs: 60_000 });
    render(<FactsScreen store={store} />);
    const region = screen.getByRole('region', { name: 'Facts' });
    await within(region).findByText('Blood pressure was 120 over 80');
    return { store, region, user: userEvent.setup() };
  }

  it('edits a fact in place: Enter saves, Esc cancels, a refusal shows inline and saves nothing', async () => {
    const { user } = await renderScreen();
    await user.click(screen.getByRole('button', { name: 'Edit “Allergic to penicillin”' }));
    const editor = screen.getByRole('form', { name: 'Edit “Allergic to penicillin”' });
    expect(
      await within(editor).findByText('None: this fact has kept its wording and replaced nothing.'),
    ).toBeTruthy();
    const content = within(editor).getByLabelText<HTMLTextAreaElement>('Fact');
    expect(document.activeElement).toBe(content);

    await user.clear(within(editor).getByLabelText('Confidence'));
    await user.type(within(editor).getByLabelText('Confidence'), 'lots');
    await user.click(within(editor).getByRole('button', { name: 'Save' }));
    expect(within(editor).getByRole('alert').textContent).toBe(
      'Confidence must be a number between 0 and 1.',
    );
    await user.clear(within(editor).getByLabelText('Confidence'));
    await user.type(within(editor).getByLabelText('Confidence'), '1.5');
    await user.click(within(editor).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(within(editor).getByRole('alert').textContent).toMatch(/confidence must be between 0 and 1/),
    );
    expect(real.memory.get(penicillin).confidence).toBe(1);

    await user.clear(within(editor).getByLabelText('Confidence'));
    await user.type(within(editor).getByLabelText('Confidence'), '0.7');
    await user.clear(content);
    await user.type(content, 'Allergic to penicillin and latex{Enter}');
    await waitFor(() => expect(screen.queryByRole('form')).toBeNull());
    expect(real.memory.get(penicillin)).toMatchObject({
      content: 'Allergic to penicillin and latex',
      confidence: 0.7,
    });
    expect(screen.getByText('Allergic to penicillin and latex')).toBeTruthy();

    await user.click(screen.getByRole('button', { name: 'Edit “Allergic to penicillin and latex”' }));
    await user.type(screen.getByLabelText('Fact'), ' and dust{Escape}');
    expect(screen.queryByRole('form')).toBeNull();
    // The keyboard is back where it was: on the fact's Edit button.
    expect(document.activeElement).toBe(
      screen.getByRole('button', { name: 'Edit “Allergic to penicillin and latex”' }),
    );
    expect(real.memory.get(penicillin).content).toBe('Allergic to penicillin and latex');
  });

  it('filters by label and pages on with Show more', async () => {
    const { region, user } = await renderScreen();
    expect(within(region).getAllByRole('listitem')).toHaveLength(100);
    expect(region.textContent).toContain('122 facts, newest first. Showing the newest 100.');
    await user.click(screen.getByRole('button', { name: 'Show more' }));
    await waitFor(() => expect(within(region).getAllByRole('listitem')).toHaveLength(122));
    expect(screen.queryByRole('button', { name: 'Show more' })).toBeNull();

    const filters = screen.getByRole('group', { name: 'Filters' });
    await waitFor(() => expect(within(filters).getByRole('option', { name: 'health (2)' })).toBeTruthy());
    await user.selectOptions(within(filters).getByLabelText('Label'), 'health');
    await waitFor(() => expect(within(region).getAllByRole('listitem')).toHaveLength(2));
    expect(region.textContent).toContain('2 facts match the filters, newest first.');
    await user.click(within(filters).getByRole('button', { name: 'Clear filters' }));
    await waitFor(() => expect(within(region).getAllByRole('listitem')).toHaveLength(100));
  });
});

describe('patchOf', () => {
  const fact = { content: 'a', label: 'x', category: 'general', confidence: 1 } as Fact;
  const draft = { content: 'a', label: 'x', category: 'general', confidence: '1' };
  it('sends only what changed, an emptied label as null, and refuses a confidence that is not a number', () => {
    expect(patchOf(fact, draft)).toEqual({ patch: null });
    expect(patchOf(fact, { ...draft, label: '  ', category: ' work ', confidence: '0.5' })).toEqual({
      patch: { label: null, category: 'work', confidence: 0.5 },
    });
    expect(patchOf(fact, { ...draft, confidence: '' })).toEqual({
      error: 'Confidence must be a number between 0 and 1.',
    });
  });
});
