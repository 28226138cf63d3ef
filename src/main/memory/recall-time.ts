import { timestampToMs, type RecallInput, type RecallTimeRead } from '../../shared/contract';
import { ftsTerms } from './fts-query';
import { intersectWindows, readTimeWords, startOfDay, type TimeWindow } from './time-words';

/**
 * What a recall's time words and since/until filters come to, the same for both stores: the
 * words left to search, the creation-time window (as the stores' inclusive filters), the
 * reference instant for recency, and what to tell the caller about the phrases read.
 */
export interface RecallTimePlan {
  /** The query with its time phrases taken out. */
  query: string;
  /** Only time words (and filler such as "what did I do"): list the window's facts newest first. */
  byRecency: boolean;
  /** Inclusive creation-time bounds, epoch ms, for FactFilters / PgFactFilters. */
  since?: number;
  until?: number;
  /** The window is empty (e.g. "since 2024 before 2023"): nothing can match. */
  empty: boolean;
  /** The reference instant, epoch ms: what "today" and recency are read against. */
  now: number;
  /** How the phrases were read; absent when the query had none (or time_words is false). */
  time?: RecallTimeRead;
}

/**
 * Words that, once the time words are gone, ask for "everything then" rather than name a topic:
 * "what did I do last week" lists last week's facts instead of searching for "did do".
 */
const FILLER = new Set(
  'anything everything something stuff did do does done happen happened show list all facts notes note remember remembered recall tell about'.split(
    ' ',
  ),
);

/** ftsTerms keeps stop words when a text has nothing else ("what did i"): those are filler too. */
const STOP_LIKE = /^(?:a|an|and|i|me|my|the|what|when|where|which|who|why|was|were|is|are|of|in|on|at|to)$/;

/** Asking Intl costs about 0.15 ms, a tenth of a recall: the answer is kept for a minute. */
const ZONE_TTL_MS = 60_000;
let zoneCache: { zone: string; until: number } | null = null;

function machineTimeZone(): string {
  const now = Date.now();
  if (zoneCache === null || now >= zoneCache.until) {
    zoneCache = { zone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', until: now + ZONE_TTL_MS };
  }
  return zoneCache.zone;
}

/** The reference instant: a bare date (2024-05-03) is that day's start in the time zone. */
function referenceOf(input: Pick<RecallInput, 'reference_date'>, timeZone: string, clock: number): number {
  const r = input.reference_date;
  if (r === undefined) return clock;
  if (typeof r === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(r)) {
    const [y, m, d] = r.split('-').map(Number) as [number, number, number];
    return startOfDay({ y, m, d }, timeZone);
  }
  return timestampToMs(r);
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function planRecallTime(input: RecallInput, clock: number): RecallTimePlan {
  const timeZone = input.time_zone ?? machineTimeZone();
  const now = referenceOf(input, timeZone, clock);
  const explicit: TimeWindow = {
    since: input.since === undefined ? null : timestampToMs(input.since),
    // The filter's until is inclusive; windows end before their until.
    until: input.until === undefined ? null : timestampToMs(input.until) + 1,
  };
  const reading =
    input.time_words === false
      ? { phrases: [], window: { since: null, until: null }, rest: input.query }
      : readTimeWords(input.query, { now, timeZone });
  const window = intersectWindows(explicit, reading.window);
  const found = reading.phrases.length > 0;
  const byRecency = found && !ftsTerms(reading.rest).some((w) => !FILLER.has(w) && !STOP_LIKE.test(w));
  const plan: RecallTimePlan = {
    query: found ? reading.rest : input.query,
    byRecency,
    empty: window.since !== null && window.until !== null && window.since >= window.until,
    now,
  };
  if (window.since !== null) plan.since = window.since;
  if (window.until !== null) plan.until = window.until - 1;
  if (found)
    plan.time = {
      phrases: reading.phrases.map((p) => ({
        phrase: p.phrase,
        since: isoOrNull(p.since),
        until: isoOrNull(p.until),
      })),
      since: isoOrNull(window.since),
      until: isoOrNull(window.until),
      query: byRecency ? '' : reading.rest,
      reference_date: new Date(now).toISOString(),
      time_zone: timeZone,
    };
  return plan;
}
