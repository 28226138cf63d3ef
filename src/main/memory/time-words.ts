/**
 * Plain English time words in a recall query ("last week", "in May 2023", "yesterday"), read as
 * a window of creation times against a reference instant and an IANA time zone. Pure: no clock,
 * no I/O; the caller gives the reference.
 *
 * Windows are half-open [since, until) in epoch ms; null means unbounded. Days start at local
 * midnight in the time zone, weeks on Monday, and "this week/month/year" is the whole calendar
 * period holding the reference date. The set understood (case-insensitive):
 *
 * - today, tonight, yesterday
 * - this | last | previous  week | month | year (calendar periods; "last week" is the Monday-to-
 *   Sunday week before this one)
 * - earlier this week | month | year: from the period's start to the start of today
 * - (the) past | last N days | weeks | months | years, (the) past day | week | month | year:
 *   rolling, from local midnight N units before today to the end of today
 * - N days | weeks | months | years ago, a week ago: the calendar day, week, month or year
 *   holding the date N units back (N is 1-999 or one..twelve, "a" / "an")
 * - last Monday .. last Sunday: the most recent such day before today
 * - an ISO date 2023-05-04 (that day) or ISO month 2023-05 (that month)
 * - May 4 2023, May 4th, 2023, 4 May 2023 (that day); May 2023 (that month)
 * - with a preposition only, because "may", "march" or "june" are often not months and a bare
 *   year is often just a number: in | during | on  <month> (the latest such month not after the
 *   reference date), <month> <day> (the latest such day), <year> (1900-2099)
 * - any of the above after a preposition: in | during | on | within | over | from (the same
 *   window: "notes from last week"), since (from its start on), after (from its end on), before
 *   (until its start), until | till (until its end)
 *
 * Month names may be abbreviated (jan, feb, mar, apr, jun, jul, aug, sep, sept, oct, nov, dec).
 * Several phrases in one query narrow each other (their windows intersect).
 */

export interface TimeWindow {
  /** Inclusive start, epoch ms; null: no lower bound. */
  since: number | null;
  /** Exclusive end, epoch ms; null: no upper bound. */
  until: number | null;
}

export interface TimePhrase extends TimeWindow {
  /** The words as written in the query. */
  phrase: string;
  /** Where they were (UTF-16 offsets into the query). */
  start: number;
  end: number;
}

export interface TimeReading {
  phrases: TimePhrase[];
  /** The phrases' windows intersected; unbounded both ways when no phrase was found. */
  window: TimeWindow;
  /** The query without the phrases: what is left to search by words and meaning. */
  rest: string;
}

export interface TimeReference {
  /** The reference instant ("now"), epoch ms. */
  now: number;
  /** IANA time zone the calendar words are read in, e.g. "Europe/Paris" or "UTC". */
  timeZone: string;
}

/** Whether the runtime knows the time zone (Intl rejects unknown IANA names). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A calendar date; month 1-12. Day arithmetic goes through Date.UTC, which normalizes overflow. */
interface Civil {
  y: number;
  m: number;
  d: number;
}

function civil(y: number, m: number, d: number): Civil {
  const t = new Date(Date.UTC(y, m - 1, d));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function addDays(c: Civil, n: number): Civil {
  return civil(c.y, c.m, c.d + n);
}

/** 0 = Monday .. 6 = Sunday. */
function weekday(c: Civil): number {
  return (new Date(Date.UTC(c.y, c.m - 1, c.d)).getUTCDay() + 6) % 7;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's wall clock at an instant, as if it were UTC (ms). */
function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant)))
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
}

/** The calendar date at an instant in the zone. */
export function civilAt(instant: number, timeZone: string): Civil {
  const t = new Date(wallClock(instant, timeZone));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

/**
 * The instant the date starts in the zone: local midnight, or the first instant after it when a
 * daylight-saving jump skips midnight.
 */
export function startOfDay(c: Civil, timeZone: string): number {
  const wall = Date.UTC(c.y, c.m - 1, c.d);
  let t = wall - (wallClock(wall, timeZone) - wall);
  // A second pass settles dates whose offset differs from the first guess's (DST changes).
  t = wall - (wallClock(t, timeZone) - t);
  if (wallClock(t, timeZone) < wall) t += 3_600_000;
  return t;
}

/** A [first day, day after last) span of dates, turned into instants at the end. */
interface Span {
  from: Civil;
  to: Civil;
}

const day = (c: Civil): Span => ({ from: c, to: addDays(c, 1) });
const month = (y: number, m: number): Span => ({ from: civil(y, m, 1), to: civil(y, m + 1, 1) });
const year = (y: number): Span => ({ from: civil(y, 1, 1), to: civil(y + 1, 1, 1) });
function week(c: Civil): Span {
  const monday = addDays(c, -weekday(c));
  return { from: monday, to: addDays(monday, 7) };
}

type Unit = 'day' | 'week' | 'month' | 'year';

function periodOf(unit: Unit, c: Civil): Span {
  if (unit === 'day') return day(c);
  if (unit === 'week') return week(c);
  if (unit === 'month') return month(c.y, c.m);
  return year(c.y);
}

function back(unit: Unit, c: Civil, n: number): Civil {
  if (unit === 'day') return addDays(c, -n);
  if (unit === 'week') return addDays(c, -7 * n);
  // Month and year steps land on the 1st so that "a month ago" on March 31 is February.
  if (unit === 'month') return civil(c.y, c.m - n, 1);
  return civil(c.y - n, 1, 1);
}

const MONTHS: Record<string, number> = {
  january: 1,
  jan: 1,
  february: 2,
  feb: 2,
  march: 3,
  mar: 3,
  april: 4,
  apr: 4,
  may: 5,
  june: 6,
  jun: 6,
  july: 7,
  jul: 7,
  august: 8,
  aug: 8,
  september: 9,
  sept: 9,
  sep: 9,
  october: 10,
  oct: 10,
  november: 11,
  nov: 11,
  december: 12,
  dec: 12,
};
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
};

const MONTH = `(?<month>${Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|')})\\.?`;
const NUM = `(?<n>\\d{1,3}|${Object.keys(NUMBER_WORDS).join('|')})`;
const UNIT = '(?<unit>day|week|month|year)s?';
const YEAR = '(?<year>(?:19|20)\\d{2})';
const DAY_OF_MONTH = '(?<day>[12]\\d|3[01]|0?[1-9])(?:st|nd|rd|th)?';
const PREPOSITION = '(?<prep>in|during|on|within|over|since|from|after|before|until|till)';

interface Ctx {
  today: Civil;
}

/** One kind of period: its words, and the dates it stands for (null: not a valid date). */
interface Pattern {
  source: string;
  /** Only read as time after a preposition ("in May", not "may I"). */
  needsPreposition?: boolean;
  span(g: Record<string, string | undefined>, ctx: Ctx): Span | null;
}

const unitOf = (g: Record<string, string | undefined>) => g.unit!.toLowerCase() as Unit;
const numberOf = (g: Record<string, string | undefined>) => {
  const s = g.n!.toLowerCase();
  return NUMBER_WORDS[s] ?? Number(s);
};
const monthOf = (g: Record<string, string | undefined>) => MONTHS[g.month!.toLowerCase()]!;

/** A real calendar date, or null (February 30, April 31). */
function validDay(y: number, m: number, d: number): Civil | null {
  const c = civil(y, m, d);
  return c.y === y && c.m === m && c.d === d ? c : null;
}

/** The latest date not after today with this month (and day). */
function latest(ctx: Ctx, m: number, d?: number): Civil | null {
  for (const y of [ctx.today.y, ctx.today.y - 1, ctx.today.y - 2, ctx.today.y - 3, ctx.today.y - 4]) {
    const c = validDay(y, m, d ?? 1);
    if (!c) continue; // February 29 outside a leap year
    if (c.y < ctx.today.y || c.m < ctx.today.m || (c.m === ctx.today.m && c.d <= ctx.today.d)) return c;
  }
  return null;
}

const PATTERNS: Pattern[] = [
  {
    source: `(?<iso>\\d{4})-(?<im>0[1-9]|1[0-2])(?:-(?<id>0[1-9]|[12]\\d|3[01]))?(?![\\d:T-])`,
    span: (g) => {
      const y = Number(g.iso);
      if (!g.id) return month(y, Number(g.im));
      const c = validDay(y, Number(g.im), Number(g.id));
      return c && day(c);
    },
  },
  {
    source: `${MONTH}\\s+${DAY_OF_MONTH},?\\s+${YEAR}`,
    span: (g) => {
      const c = validDay(Number(g.year), monthOf(g), Number(g.day));
      return c && day(c);
    },
  },
  {
    source: `${DAY_OF_MONTH}\\s+(?:of\\s+)?${MONTH},?\\s+${YEAR}`,
    span: (g) => {
      const c = validDay(Number(g.year), monthOf(g), Number(g.day));
      return c && day(c);
    },
  },
  { source: `${MONTH},?\\s+(?:of\\s+)?${YEAR}`, span: (g) => month(Number(g.year), monthOf(g)) },
  {
    source: `${MONTH}\\s+${DAY_OF_MONTH}`,
    needsPreposition: true,
    span: (g, ctx) => {
      const c = latest(ctx, monthOf(g), Number(g.day));
      return c && day(c);
    },
  },
  {
    source: MONTH,
    needsPreposition: true,
    span: (g, ctx) => {
      const c = latest(ctx, monthOf(g));
      return c && month(c.y, c.m);
    },
  },
  { source: `${YEAR}(?![-/.]\\d)`, needsPreposition: true, span: (g) => year(Number(g.year)) },
  { source: '(?:today|tonight)', span: (_g, ctx) => day(ctx.today) },
  { source: 'yesterday', span: (_g, ctx) => day(addDays(ctx.today, -1)) },
  {
    source: 'earlier\\s+this\\s+(?<unit>week|month|year)',
    span: (g, ctx) => ({ from: periodOf(unitOf(g), ctx.today).from, to: ctx.today }),
  },
  {
    source: '(?<which>this|last|previous)\\s+(?<unit>week|month|year)',
    span: (g, ctx) => {
      const unit = unitOf(g);
      return periodOf(unit, g.which!.toLowerCase() === 'this' ? ctx.today : back(unit, ctx.today, 1));
    },
  },
  {
    source: `(?:the\\s+)?(?:past|last)\\s+${NUM}\\s+${UNIT}`,
    span: (g, ctx) => ({ from: back(unitOf(g), ctx.today, numberOf(g)), to: addDays(ctx.today, 1) }),
  },
  {
    source: '(?:the\\s+)?past\\s+(?<unit>day|week|month|year)',
    span: (g, ctx) => ({ from: back(unitOf(g), ctx.today, 1), to: addDays(ctx.today, 1) }),
  },
  {
    source: `${NUM}\\s+${UNIT}\\s+ago`,
    span: (g, ctx) => {
      const unit = unitOf(g);
      return periodOf(unit, back(unit, ctx.today, numberOf(g)));
    },
  },
  {
    source: `last\\s+(?<weekday>${WEEKDAYS.join('|')})`,
    span: (g, ctx) => {
      const target = WEEKDAYS.indexOf(g.weekday!.toLowerCase());
      const stepBack = ((weekday(ctx.today) - target + 6) % 7) + 1;
      return day(addDays(ctx.today, -stepBack));
    },
  },
];

const COMPILED = PATTERNS.map((p) => ({
  ...p,
  re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${PREPOSITION}\\s+)?(?:${p.source})(?![\\p{L}\\p{N}])`, 'giu'),
}));

/** The window a preposition makes of a span's [start, end). */
function windowFor(prep: string | undefined, start: number, end: number): TimeWindow {
  switch (prep?.toLowerCase()) {
    case 'since':
      return { since: start, until: null };
    case 'after':
      return { since: end, until: null };
    case 'before':
      return { since: null, until: start };
    case 'until':
    case 'till':
      return { since: null, until: end };
    default:
      return { since: start, until: end };
  }
}

/** Intersection of windows; null bounds are unbounded. */
export function intersectWindows(...windows: TimeWindow[]): TimeWindow {
  let since: number | null = null;
  let until: number | null = null;
  for (const w of windows) {
    if (w.since !== null) since = since === null ? w.since : Math.max(since, w.since);
    if (w.until !== null) until = until === null ? w.until : Math.min(until, w.until);
  }
  return { since, until };
}

/**
 * Finds the time phrases of a query and reads them against the reference. Where phrases
 * overlap, the one starting first wins, then the longest.
 */
export function readTimeWords(query: string, ref: TimeReference): TimeReading {
  const ctx: Ctx = { today: civilAt(ref.now, ref.timeZone) };
  const found: TimePhrase[] = [];
  for (const p of COMPILED) {
    p.re.lastIndex = 0;
    for (const m of query.matchAll(p.re)) {
      const g = m.groups ?? {};
      if (p.needsPreposition && !g.prep) continue;
      const span = p.span(g, ctx);
      if (!span) continue;
      const start = startOfDay(span.from, ref.timeZone);
      const end = startOfDay(span.to, ref.timeZone);
      found.push({
        phrase: m[0],
        start: m.index,
        end: m.index + m[0].length,
        ...windowFor(g.prep, start, end),
      });
    }
  }
  found.sort((a, b) => a.start - b.start || b.end - a.end);
  const phrases: TimePhrase[] = [];
  for (const f of found) if (!phrases.some((p) => f.start < p.end && p.start < f.end)) phrases.push(f);
  phrases.sort((a, b) => a.start - b.start);

  let rest = '';
  let at = 0;
  for (const p of phrases) {
    rest += `${query.slice(at, p.start)} `;
    at = p.end;
  }
  rest += query.slice(at);
  rest = rest
    .replace(/\s+([,.;:!?])/g, '$1')
    .replace(/[,;:]+(?=[.!?])/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s,.;:]+|[\s,;:]+$/g, '');
  return { phrases, window: intersectWindows(...phrases), rest };
}
