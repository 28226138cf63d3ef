import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppService, type AppService } from '../../../src/main/app-service/app-service';
import { openLexicalMemory } from '../../helpers/lexical-memory';

/**
 * Access counts say which facts the person actually recalls. The capture box's duplicate preview
 * looks facts up on every typing pause; that is not recalling them and must not count.
 */
describe('access counts and the duplicate preview', () => {
  let opened: ReturnType<typeof openLexicalMemory>;
  let service: AppService;
  let priya: number;

  const accessOf = (id: number) => {
    opened.memory.flushAccess();
    const f = opened.memory.get(id);
    return { count: f.access_count, last: f.last_accessed_at };
  };

  beforeAll(async () => {
    opened = openLexicalMemory();
    service = createAppService({
      memory: opened.memory,
      embedder: opened.embedder,
      appInfo: () => ({
        version: '0',
        shell: 'electron',
        data_dir: opened.dir,
        hotkey_error: null,
        api_url: null,
      }),
    });
    priya = (await opened.memory.encode({ content: 'Priya lives in Toronto' })).id;
    await opened.memory.encode({ content: 'The dentist appointment moved to Thursday' });
  });
  afterAll(async () => opened.close());

  it('Memory.recall with trackAccess: false finds the same facts and counts nothing', async () => {
    const looked = await opened.memory.recall('Priya Toronto', undefined, { limit: 3, trackAccess: false });
    expect(looked[0]?.fact_id).toBe(priya);
    expect(accessOf(priya)).toEqual({ count: 0, last: null });

    const recalled = await opened.memory.recall('Priya Toronto', undefined, { limit: 3 });
    expect(recalled.map((r) => r.fact_id)).toEqual(looked.map((r) => r.fact_id));
    expect(accessOf(priya).count).toBe(1);
    expect(accessOf(priya).last).not.toBeNull();
  });

  it('memory:similar reads a draft literally: its time words are part of the fact, not a window', async () => {
    // The dentist fact was created now, so "in 2019" read as a window would hide it.
    const r = await service['memory:similar']({
      content: 'The dentist appointment moved to Thursday in 2019',
    });
    expect(r.ok && r.value.results.map((x) => x.content)).toContain(
      'The dentist appointment moved to Thursday',
    );
    const asRecall = await service['memory:recall']({ query: 'dentist appointment Thursday in 2019' });
    expect(asRecall.ok && asRecall.value.results).toEqual([]);
  });

  it('memory:similar leaves access counts alone; memory:recall counts', async () => {
    const before = accessOf(priya);
    for (let i = 0; i < 3; i++) {
      const r = await service['memory:similar']({ content: 'Priya lives in Toronto, Canada' });
      expect(r.ok && r.value.results[0]?.fact_id).toBe(priya);
    }
    expect(accessOf(priya)).toEqual(before);

    const r = await service['memory:recall']({ query: 'Priya Toronto' });
    expect(r.ok && r.value.results[0]?.fact_id).toBe(priya);
    expect(accessOf(priya).count).toBe(before.count + 1);
  });
});
