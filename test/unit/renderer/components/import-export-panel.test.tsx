// @vitest-environment happy-dom
import { cleanup, configure, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ImportExportPanel } from '../../../../src/renderer/src/screens/ImportExportPanel';
import { distinctFacts } from '../import-fixtures';
import { openRealClient } from './real-client';

// The real service embeds with a real worker; on a busy machine an answer can take seconds.
configure({ asyncUtilTimeout: 15_000 });

describe('ImportExportPanel over the real app service', () => {
  let real: ReturnType<typeof openRealClient>;
  const live = () =>
    (
      real.memory.db.prepare('SELECT count(*) AS n FROM facts WHERE deleted_at IS NULL').get() as {
        n: number;
      }
    ).n;

  beforeAll(() => {
    real = openRealClient();
  });
  afterAll(async () => real.close());
  afterEach(cleanup);

  it('imports a file with a progress bar, tells the counts, and undoes the import', async () => {
    let changes = 0;
    render(<ImportExportPanel client={real.client} onChange={() => changes++} />);
    const user = userEvent.setup();
    const file = new File([distinctFacts(700, 'panel ').join('\n')], 'panel.txt', { type: 'text/plain' });
    await user.upload(screen.getByLabelText('Import facts from a file'), file);
    const panel = screen.getByRole('region', { name: 'Import and export' });
    await waitFor(
      () =>
        expect(within(panel).getByRole('status').textContent).toBe(
          'Imported 700 facts from “panel.txt”: 700 new, 0 already known, 0 merged into facts they repeat.',
        ),
      // Two batches through the real embedder: longer than waitFor's default second on a busy machine.
      { timeout: 30_000 },
    );
    const bar = within(panel).getByRole('progressbar', { name: 'Import progress' });
    expect([bar.getAttribute('aria-valuenow'), bar.getAttribute('aria-valuemax')]).toEqual(['700', '700']);
    expect(live()).toBe(700);
    expect(changes).toBe(2);

    await user.click(within(panel).getByRole('button', { name: 'Undo import (700 new facts)' }));
    await waitFor(
      () => expect(panel.textContent).toContain('Import undone: the 700 facts it created are in the Trash.'),
      { timeout: 30_000 },
    );
    expect(live()).toBe(0);
    expect(within(panel).queryByRole('button', { name: /Undo import/ })).toBeNull();
  });

  it('lists the bad lines of a refused file and stores nothing', async () => {
    render(<ImportExportPanel client={real.client} />);
    const before = live();
    const file = new File(['- fine\n', '- ' + 'x'.repeat(50_001) + '\n'], 'notes.md');
    await userEvent.setup().upload(screen.getByLabelText('Import facts from a file'), file);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Nothing was imported: 1 line of “notes.md” is not valid.');
    expect(
      within(alert)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['Line 2 content: content must be at most 50000 characters']);
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(live()).toBe(before);
  });
});
