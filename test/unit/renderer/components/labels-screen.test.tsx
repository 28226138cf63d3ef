// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LabelsScreen } from '../../../../src/renderer/src/screens/LabelsScreen';
import { createLabelsStore } from '../../../../src/renderer/src/store/labels-store';
import { openRealClient } from './real-client';

/** The Labels screen by keyboard, over the real app service and a temp SQLite memory. */
describe('LabelsScreen over the real app service', () => {
  let real: ReturnType<typeof openRealClient>;
  const labelNames = () =>
    (real.memory.db.prepare('SELECT name FROM labels ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );

  beforeAll(async () => {
    real = openRealClient();
    await real.memory.encode({ content: 'Priya lives in Toronto', label: 'friends' });
    await real.memory.encode({ content: 'Tom from climbing has a van', label: 'climbing' });
  });
  afterAll(async () => real.close());
  afterEach(cleanup);

  async function renderScreen() {
    const store = createLabelsStore(real.client);
    render(<LabelsScreen store={store} />);
    const table = await screen.findByRole('table', { name: 'Labels and their facts' });
    return { store, table, user: userEvent.setup() };
  }

  it('Escape leaves a rename without changing anything; Enter saves it', async () => {
    const { table, user } = await renderScreen();
    await user.click(within(table).getByRole('button', { name: 'Rename “climbing”' }));
    const input = within(table).getByRole('textbox', { name: 'New name for “climbing”' });
    expect(document.activeElement).toBe(input);
    await user.clear(input);
    await user.type(input, 'bouldering{Escape}');
    expect(within(table).queryByRole('textbox')).toBeNull();
    expect(labelNames()).toEqual(['climbing', 'friends']);

    await user.click(within(table).getByRole('button', { name: 'Rename “climbing”' }));
    const again = within(table).getByRole('textbox', { name: 'New name for “climbing”' });
    // The box starts from the current name, not the abandoned draft.
    expect((again as HTMLInputElement).value).toBe('climbing');
    await user.clear(again);
    await user.type(again, 'bouldering{Enter}');
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe('Renamed “climbing” to “bouldering”.'),
    );
    expect(labelNames()).toEqual(['bouldering', 'friends']);
  });

  it('a taken name marks the box invalid, explains, and its merge button opens the confirm', async () => {
    const { table, user } = await renderScreen();
    await user.click(within(table).getByRole('button', { name: 'Rename “bouldering”' }));
    const input = within(table).getByRole('textbox', { name: 'New name for “bouldering”' });
    await user.clear(input);
    await user.type(input, 'FRIENDS{Enter}');
    const alert = await within(table).findByRole('alert');
    expect(alert.textContent).toBe(
      'There is already a label called “friends”. Merge “bouldering” into it instead?',
    );
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe(alert.id);

    await user.click(within(table).getByRole('button', { name: 'Merge “bouldering” into “friends”…' }));
    const confirm = screen.getByRole('alertdialog');
    expect(confirm.textContent).toContain('1 fact moves to “friends” and “bouldering” is removed.');
    // Focus is on the confirm's Merge; Enter does it.
    expect(document.activeElement).toBe(within(confirm).getByRole('button', { name: 'Merge' }));
    await user.keyboard('{Enter}');
    await waitFor(() =>
      expect(screen.getByRole('status').textContent).toBe(
        'Merged “bouldering” into “friends”: 1 fact moved.',
      ),
    );
    expect(labelNames()).toEqual(['friends']);
    // One label left: nothing to merge, so no merge form.
    expect(screen.queryByRole('form', { name: 'Merge two labels' })).toBeNull();
  });
});
