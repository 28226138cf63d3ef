import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppService, type AppService } from '../../../src/main/app-service/app-service';
import { isoWeekStart } from '../../../src/main/app-service/weekly-counts';
import { IPC_CHANNELS } from '../../../src/shared/ipc-contract';
import { openLexicalMemory } from '../../helpers/lexical-memory';

type Opened = ReturnType<typeof openLexicalMemory>;

// Wednesday 2026-11-25, noon UTC: its ISO week starts Monday 2026-11-23.
const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('stats:weekly', () => {
  let opened: Opened;
  let service: AppService;

  beforeEach(() => {
    opened = openLexicalMemory({ embedder: null });
    service = createAppService({
      memory: opened.memory,
      embedder: null,
      appInfo: () => ({
        version: 't',
        shell: 'browser',
        data_dir: opened.dir,
        hotkey_error: null,
        api_url: null,
      }),
      now: () => NOW,
    });
  });
  afterEach(async () => {
    await opened.close();
  });

  it('finds the Monday of an ISO week, across a year boundary too', () => {
    expect(new Date(isoWeekStart(NOW)).toISOString()).toBe('2026-11-23T00:00:00.000Z');
    expect(new Date(isoWeekStart(Date.parse('2026-11-23T00:00:00Z'))).toISOString()).toBe(
      '2026-11-23T00:00:00.000Z',
    );
    expect(new Date(isoWeekStart(Date.parse('2026-11-22T23:59:59Z'))).toISOString()).toBe(
      '2026-11-16T00:00:00.000Z',
    );
    expect(new Date(isoWeekStart(Date.parse('2027-01-01T10:00:00Z'))).toISOString()).toBe(
      '2026-12-28T00:00:00.000Z',
    );
  });

  it('counts live facts per week, oldest first, with empty weeks as 0', async () => {
    const m = opened.memory;
    await m.encode({ content: 'Too old to show', created_at: '2026-10-01T09:00:00Z' });
    await m.encode({ content: 'Monday morning note', created_at: '2026-11-09T00:00:00Z' });
    await m.encode({ content: 'Sunday night note', created_at: '2026-11-15T23:59:59Z' });
    const { id } = await m.encode({ content: 'Forgotten note', created_at: '2026-11-10T10:00:00Z' });
    m.forget(id);
    await m.encode({ content: 'This week already', created_at: '2026-11-24T08:00:00Z' });
    await m.encode({ content: 'Another this week', created_at: '2026-11-25T11:00:00Z' });
    await m.encode({ content: 'Other space', created_at: '2026-11-24T08:00:00Z', space: 'work' });

    const result = await service['stats:weekly']({ weeks: 3 });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(IPC_CHANNELS['stats:weekly'].output.parse(result.value)).toEqual({
      weeks: [
        { week_start: '2026-11-09', count: 2 },
        { week_start: '2026-11-16', count: 0 },
        { week_start: '2026-11-23', count: 2 },
      ],
    });

    const work = await service['stats:weekly']({ weeks: 1, space: 'work' });
    expect(work).toEqual({ ok: true, value: { weeks: [{ week_start: '2026-11-23', count: 1 }] } });
  });

  it('shows twelve weeks by default', async () => {
    const result = await service['stats:weekly']({});
    expect(result.ok && result.value.weeks).toHaveLength(12);
    if (result.ok) expect(result.value.weeks[0]!.week_start).toBe('2026-09-07');
  });
});
