// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { LabelsScreen } from '../../../../src/renderer/src/screens/LabelsScreen';
import { createLabelsStore } from '../../../../src/renderer/src/store/labels-store';
import { openRealClient } from './real-client';

/** The Labels screen's "Earlier names" disclosure, over the real app service and a temp SQLite memory. */
describe('LabelsScreen: earlier names', () => {
  let real: ReturnType<typeof openRealClient>;
  const labelNames = () =>
    (real.memory.db.prepare('SELECT name FROM labels ORDER BY name').all() as { name: string }[]).map(
      (r) => r.name,
    );

  beforeAll(async () => {
    real = openRealClient();
    await real.memory.encode({ content: 'Tom from climbing has a van', label: 'climbing' });
    await real.memory.encode({ content: 'Priya lives in Toronto', label: 'friends' });
  });
  afterAll(async () => real.close());
  afterEach(cleanup);

  async function renderScreen() {
    const store = createLabelsStore(real.client);
    render(<LabelsScreen store={store} />);
    const table = await screen.findByRole('table', { name: 'Labels and their facts' });
    return { store, table, user: userEvent.setup() };
  }

  it('a label never renamed says it has no earlier names; the disclosure opens and closes', async () => {
    const { table, user } = await renderScreen();
    const toggle = within(table).getByRole('button', { name: 'Earlier names of “friends”' });
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    await user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const panel = document.getElementById(toggle.getAttribute('aria-controls')!)!;
    await waitFor(() => expect(panel.textContent).toBe('No earlier names.'));
    await user.click(toggle);
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    expect(within(table).queryByText('No earlier names.')).toBeNull();
  });

  it('after a rename the old name is listed, and "Rename back…" restores it', async () => {
    const { table, user } = await renderScreen();
    await user.click(within(table).getByRole('button', { name: 'Rename “climbing”' }));
    const input = within(table).getByRole('textbox', { name: 'New name for “climbing”' });
    await user.clear(input);
    await user.type(input, 'bouldering{Enter}');
    await waitFor(() => expect(labelNames()).toEqual(['bouldering', 'friends']));

    await user.click(await within(table).findByRole('button', { name: 'Earlier names of “bouldering”' }));
    const list = await within(table).findByRole('list', { name: 'Earlier names of “bouldering”' });
    const items = within(list).getAllByRole('listitem');
    expect(items).toHaveLength(1);
    expect(items[0]!.textContent).toMatch(/^climbing renamed, /);

    await user.click(within(list).getByRole('button', { name: 'Rename “bouldering” back to “climbing”' }));
    const box = within(table).getByRole('textbox', { name: 'New name for “bouldering”' });
    expect((box as HTMLInputElement).value).toBe('climbing');
    await user.keyboard('{Enter}');
    await waitFor(() => expect(labelNames()).toEqual(['climbing', 'friends']));
    // Still open, and now both names are earlier ones; the current one offers no way "back".
    const after = await within(table).findByRole('list', { name: 'Earlier names of “climbing”' });
    await waitFor(() =>
      expect(
        within(after)
          .getAllByRole('listitem')
          .map((li) => li.textContent!.split(' ')[0]),
      ).toEqual(['bouldering', 'climbing']),
    );
    expect(
      within(after)
        .getAllByRole('button')
        .map((b) => b.getAttribute('aria-label')),
    ).toEqual(['Rename “climbing” back to “bouldering”']);
  });

  it('a name lost to another device in a sync conflict is shown as such', async () => {
    // As a pull leaves it: a version recorded in Postgres by the push that resolved the conflict.
    const label = real.memory.labelsList().find((l) => l.name === 'friends')!;
    real.memory.db
      .prepare(
        `INSERT INTO label_versions (uid, label_uid, space, name, kind, category, version, updated_at,
           origin_device, superseded_at, reason, remote_seq)
         SELECT '7c0d2f3e-1111-4111-8111-000000000001', uid, space, 'pals', kind, category, 2, updated_at,
           'other-device', updated_at + 1, 'conflict', 99 FROM labels WHERE id = ?`,
      )
      .run(label.id);
    const { table, user } = await renderScreen();
    await user.click(within(table).getByRole('button', { name: 'Earlier names of “friends”' }));
    const list = await within(table).findByRole('list', { name: 'Earlier names of “friends”' });
    expect(within(list).getByRole('listitem').textContent).toMatch(
      /^pals lost to a change made on another device at the same time, /,
    );
    expect(within(list).getByRole('button', { name: 'Rename “friends” back to “pals”' })).toBeDefined();
  });

  it('a label gone meanwhile (merged on another screen) says its earlier names could not be loaded', async () => {
    await real.memory.encode({ content: 'Rent the kayak', label: 'boats' });
    const { table, user } = await renderScreen();
    const boats = real.memory.labelsList().find((l) => l.name === 'boats')!;
    const friends = real.memory.labelsList().find((l) => l.name === 'friends')!;
    real.memory.mergeLabels(boats.id, friends.id);
    await user.click(within(table).getByRole('button', { name: 'Earlier names of “boats”' }));
    const alert = await within(table).findByRole('alert');
    expect(alert.textContent).toBe(
      `Could not load earlier names: no label with id ${boats.id} in space "personal"`,
    );
  });
});
