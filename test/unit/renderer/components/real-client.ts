import { createAppService } from '../../../../src/main/app-service/app-service';
import type { HippoClient } from '../../../../src/shared/ipc-contract';
import { openLexicalMemory } from '../../../helpers/lexical-memory';

/**
 * The screens' HippoClient as the desktop app has it, minus only the IPC hop: the real app service
 * over a real Memory on a temp SQLite file with the embedder worker running the generated model.
 */
export function openRealClient() {
  const opened = openLexicalMemory();
  const client: HippoClient = createAppService({
    memory: opened.memory,
    embedder: opened.embedder,
    appInfo: () => ({
      version: '0.0.0-test',
      shell: 'electron',
      data_dir: opened.dir,
      hotkey_error: null,
      api_url: null,
    }),
  });
  return { client, memory: opened.memory, close: () => opened.close() };
}

/** The row as SQLite holds it, to check what a screen did reached the database. */
export function factRow(memory: ReturnType<typeof openRealClient>['memory'], id: number) {
  return memory.db.prepare('SELECT content, deleted_at FROM facts WHERE id = ?').get(id) as
    { content: string; deleted_at: string | number | null } | undefined;
}
