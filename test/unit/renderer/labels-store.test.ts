import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService } from '../../../src/main/app-service/app-service';
import type { HippoClient } from '../../../src/shared/ipc-contract';
import { createLabelsStore } from '../../../src/renderer/src/store/labels-store';
import { openLexicalMemory } from '../../helpers/lexical-memory';

/** The Labels screen's store over the real app service and a real database. */
describe('the labels store', () => {
  let mem: ReturnType<typeof openLexicalMemory>;
  let client: HippoClient;
  const idOf = (name: string): number =>
    (mem.memory.db.prepare('SELECT id FROM labels WHERE name = ?').get(name) as { id: number }).id;

  beforeAll(async () => {
    mem = openLexicalMemory();
    client = createAppService({
      memory: mem.memory,
      embedder: mem.embedder,
      appInfo: () => ({
        version: 'test',
        shell: 'browser',
        data_dir: mem.dir,
        hotkey_error: null,
        api_url: null,
      }),
    });
    for (const [content, label] of [
      ['Priya lives in Toronto', 'friends'],
      ['Sam drinks oolong tea', 'friends'],
      ['Ana plays the cello', 'friends'],
      ['The dentist moved to Thursday', 'health'],
      ['Dr Okafor is my GP', 'doctors'],
    ] as const)
      await mem.memory.encode({ content, label });
  });
  afterAll(async () => mem.close());

  it('lists labels with their counts, most facts first', async () => {
    const store = createLabelsStore(client);
    expect(store.getState().labels).toBeNull();
    await store.getState().load();
    const labels = store.getState().labels!;
    expect(labels.map((l) => [l.name, l.fact_count])).toEqual([
      ['friends', 3],
      ['doctors', 1],
      ['health', 1],
    ]);
    expect(store.getState().error).toBeNull();
  });

  it('renames inline, and a taken name (in any case) is refused with the merge offered', async () => {
    const store = createLabelsStore(client);
    await store.getState().load();
    const health = idOf('health');
    store.getState().startRename(health);
    expect(store.getState().editing).toBe(health);

    expect(await store.getState().rename(health, '  FRIENDS ')).toBe(false);
    const problem = store.getState().renameProblem!;
    expect(problem.message).toBe(
      'There is already a label called “friends”. Merge “health” into it instead?',
    );
    expect(problem.mergeInto?.id).toBe(idOf('friends'));
    expect(store.getState().editing).toBe(health);

    expect(await store.getState().rename(health, '   ')).toBe(false);
    expect(store.getState().renameProblem?.message).toBe('A label needs a name.');

    expect(await store.getState().rename(health, 'appointments')).toBe(true);
    expect(store.getState().editing).toBeNull();
    expect(store.getState().renameProblem).toBeNull();
    expect(store.getState().notice).toBe('Renamed “health” to “appointments”.');
    expect(store.getState().labels?.map((l) => l.name)).toContain('appointments');
    expect(mem.memory.db.prepare('SELECT name FROM labels WHERE id = ?').get(health)).toEqual({
      name: 'appointments',
    });
  });

  it('a name taken by someone else after the list loaded still ends in the merge offer', async () => {
    const store = createLabelsStore(client);
    await store.getState().load();
    const doctors = idOf('doctors');
    const other = (await mem.memory.encode({ content: 'The physio is on Elm Street', label: 'clinics' })).id;
    expect(other).toBeGreaterThan(0);
    // The store's list predates "clinics", so only the service can refuse the name.
    expect(await store.getState().rename(doctors, 'Clinics')).toBe(false);
    expect(store.getState().renameProblem?.mergeInto?.name).toBe('clinics');
    expect(store.getState().labels?.map((l) => l.name)).toContain('clinics');
  });

  it('merges only after a confirm that names both labels and the facts that move', async () => {
    const store = createLabelsStore(client);
    await store.getState().load();
    const friends = idOf('friends');
    const doctors = idOf('doctors');

    store.getState().askMerge(friends, friends);
    expect(store.getState().mergeError).toBe('Pick two different labels to merge.');

    store.getState().askMerge(friends, doctors);
    expect(store.getState().pendingMerge?.from.name).toBe('friends');
    expect(store.getState().pendingMerge?.into.name).toBe('doctors');
    // Nothing moved yet.
    expect(mem.memory.labelsList().find((l) => l.id === friends)?.fact_count).toBe(3);
    store.getState().cancelMerge();
    expect(store.getState().pendingMerge).toBeNull();

    store.getState().askMerge(friends, doctors);
    expect(await store.getState().confirmMerge()).toBe(true);
    expect(store.getState().notice).toBe('Merged “friends” into “doctors”: 3 facts moved.');
    expect(store.getState().labels?.find((l) => l.id === doctors)?.fact_count).toBe(4);
    expect(store.getState().labels?.some((l) => l.id === friends)).toBe(false);
    expect(mem.memory.labelsList().find((l) => l.id === doctors)?.fact_count).toBe(4);
  });

  it('a merge the service refuses says why and keeps the list current', async () => {
    const store = createLabelsStore(client);
    await store.getState().load();
    const doctors = idOf('doctors');
    const clinics = idOf('clinics');
    store.getState().askMerge(clinics, doctors);
    // Merged away elsewhere between the confirm and the click.
    await mem.memory.mergeLabels(clinics, doctors);
    expect(await store.getState().confirmMerge()).toBe(false);
    expect(store.getState().mergeError).toMatch(/^Could not merge “clinics” into “doctors”: /);
    expect(store.getState().labels?.some((l) => l.id === clinics)).toBe(false);
  });

  it('says in words when the memory cannot be reached', async () => {
    const dead: HippoClient = {
      ...client,
      'labels:list': async () => ({
        ok: false,
        error: { code: 'UNREACHABLE', message: 'Hippo is not answering.' },
      }),
    };
    const store = createLabelsStore(dead);
    await store.getState().load();
    expect(store.getState().error).toBe('Hippo is not answering.');
    expect(store.getState().labels).toBeNull();
  });
});
