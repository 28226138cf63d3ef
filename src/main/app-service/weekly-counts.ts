import type { Db } from '../memory/open-db';

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

export interface WeekCount {
  /** Monday of the ISO week, YYYY-MM-DD (UTC). */
  week_start: string;
  count: number;
}

/** Midnight UTC of the Monday starting the ISO week that holds `ms`. */
export function isoWeekStart(ms: number): number {
  const d = new Date(ms);
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - sinceMonday * DAY_MS;
}

/**
 * Live facts captured in each of the last `weeks` ISO weeks up to the one holding `now`, oldest
 * first, weeks without captures included as 0 so a chart's bars line up with the calendar.
 * Weeks are UTC: a capture late on a Sunday evening west of Greenwich counts for the next week.
 */
export function weeklyCounts(db: Db, space: string, weeks: number, now: number): WeekCount[] {
  const current = isoWeekStart(now);
  const first = current - (weeks - 1) * WEEK_MS;
  // better-sqlite3 binds JS numbers as REAL, so the week index needs an explicit integer cast.
  const rows = db
    .prepare<[number, string, number, number], { week: number; n: number }>(
      `SELECT CAST((created_at - ?) / ${WEEK_MS} AS INTEGER) AS week, count(*) AS n FROM facts
       WHERE space = ? AND deleted_at IS NULL AND superseded_by IS NULL
         AND created_at >= ? AND created_at < ?
       GROUP BY week`,
    )
    .all(first, space, first, current + WEEK_MS);
  const counts = new Map(rows.map((r) => [r.week, r.n]));
  return Array.from({ length: weeks }, (_, i) => ({
    week_start: new Date(first + i * WEEK_MS).toISOString().slice(0, 10),
    count: counts.get(i) ?? 0,
  }));
}
