// @vitest-environment happy-dom
import { join } from 'node:path';
import { cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService } from '../../../../src/main/app-service/app-service';
import { SyncRunner } from '../../../../src/main/shell/sync-port';
import { SyncSection } from '../../../../src/renderer/src/screens/SyncSection';
import type { HippoClient } from '../../../../src/shared/ipc-contract';
import { openLexicalMemory } from '../../../helpers/lexical-memory';
import { startPgServer, type PgTestServer } from '../../../helpers/pg-server';
import { openRealClient } from './real-client';

describe('the Sync pane over the real SyncRunner and a Postgres protocol server', () => {
  let server: PgTestServer;
  let opened: ReturnType<typeof openLexicalMemory>;
  let runner: SyncRunner;
  let client: HippoClient;

  beforeAll(async () => {
    server = await startPgServer();
    opened = openLexicalMemory();
    runner = new SyncRunner({ memory: opened.memory, remoteFile: join(opened.dir, 'home', 'sync-remote') });
    client = createAppService({
      memory: opened.memory,
      embedder: opened.embedder,
      appInfo: () => ({
        version: 't',
        shell: 'electron',
        data_dir: opened.dir,
        hotkey_error: null,
        api_url: null,
      }),
      sync: runner,
    });
    await opened.memory.encode({ content: 'The bike lock code is 2231' });
  }, 120_000);
  afterAll(async () => {
    cleanup();
    await runner.close();
    await opened.close();
    await server.close();
  });

  it('refuses a bad address in words, keeps a good one, and syncs on Sync now', async () => {
    render(<SyncSection client={client} />);
    const pane = await screen.findByRole('region', { name: 'Sync' });
    const user = userEvent.setup();
    const address = await within(pane).findByLabelText('Server address');

    await user.type(address, 'http://example.com/db');
    await user.click(within(pane).getByRole('button', { name: 'Save server' }));
    expect((await within(pane).findByRole('alert')).textContent).toMatch(/postgres/i);
    expect(within(pane).queryByRole('button', { name: 'Sync now' })).toBeNull();

    await user.clear(address);
    await user.type(address, server.url);
    await user.click(within(pane).getByRole('button', { name: 'Save server' }));
    await within(pane).findByRole('button', { name: 'Sync now' });
    expect(pane.textContent).toContain('Never');
    // The field is emptied once kept: the password is not left on screen.
    expect((within(pane).getByLabelText('New server address') as HTMLInputElement).value).toBe('');
    expect(pane.textContent).not.toContain(':postgres@');

    await user.click(within(pane).getByRole('button', { name: 'Sync now' }));
    await waitFor(() => expect(pane.textContent).toMatch(/sent 1, received 0/), { timeout: 30_000 });
    expect(pane.textContent).toContain('0 changes');
  });
});

describe('the Sync pane where sync does not run', () => {
  it('says where it can be done instead of offering a form', async () => {
    const real = openRealClient();
    try {
      render(<SyncSection client={real.client} />);
      const pane = await screen.findByRole('region', { name: 'Sync' });
      await waitFor(() => expect(pane.textContent).toContain('hippo sync --pg URL'));
      expect(within(pane).queryByRole('textbox')).toBeNull();
    } finally {
      cleanup();
      await real.close();
    }
  });
});
