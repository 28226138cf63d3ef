import { describe, expect, it } from 'vitest';
import { civilAt, intersectWindows, readTimeWords, startOfDay } from '../../../src/main/memory/time-words';

// Friday 15 March 2024, 10:00 UTC (2024 is a leap year).
const FRIDAY = Date.parse('2024-03-15T10:00:00Z');
const utc = { now: FRIDAY, timeZone: 'UTC' };
const iso = (ms: number | null) =>
  ms === null ? null : new Date(ms).toISOString().replace(':00:00.000Z', 'Z');

function read(query: string, ref = utc) {
  const r = readTimeWords(query, ref);
  return {
    phrases: r.phrases.map((p) => p.phrase),
    since: iso(r.window.since),
    until: iso(r.window.until),
    rest: r.rest,
  };
}

describe('readTimeWords', () => {
  it.each([
    ['today', '2024-03-15T00Z', '2024-03-16T00Z'],
    ['tonight', '2024-03-15T00Z', '2024-03-16T00Z'],
    ['yesterday', '2024-03-14T00Z', '2024-03-15T00Z'],
    ['this week', '2024-03-11T00Z', '2024-03-18T00Z'],
    ['last week', '2024-03-04T00Z', '2024-03-11T00Z'],
    ['previous week', '2024-03-04T00Z', '2024-03-11T00Z'],
    ['earlier this week', '2024-03-11T00Z', '2024-03-15T00Z'],
    ['this month', '2024-03-01T00Z', '2024-04-01T00Z'],
    ['last month', '2024-02-01T00Z', '2024-03-01T00Z'],
    ['earlier this month', '2024-03-01T00Z', '2024-03-15T00Z'],
    ['this year', '2024-01-01T00Z', '2025-01-01T00Z'],
    ['last year', '2023-01-01T00Z', '2024-01-01T00Z'],
    ['3 days ago', '2024-03-12T00Z', '2024-03-13T00Z'],
    ['two weeks ago', '2024-02-26T00Z', '2024-03-04T00Z'],
    ['a month ago', '2024-02-01T00Z', '2024-03-01T00Z'],
    ['14 months ago', '2023-01-01T00Z', '2023-02-01T00Z'],
    ['a year ago', '2023-01-01T00Z', '2024-01-01T00Z'],
    ['in the last 3 days', '2024-03-12T00Z', '2024-03-16T00Z'],
    ['past 2 weeks', '2024-03-01T00Z', '2024-03-16T00Z'],
    ['the past week', '2024-03-08T00Z', '2024-03-16T00Z'],
    ['last friday', '2024-03-08T00Z', '2024-03-09T00Z'],
    ['last thursday', '2024-03-14T00Z', '2024-03-15T00Z'],
    ['last Monday', '2024-03-11T00Z', '2024-03-12T00Z'],
    ['on 2024-02-29', '2024-02-29T00Z', '2024-03-01T00Z'],
    ['2023-12-31', '2023-12-31T00Z', '2024-01-01T00Z'],
    ['2023-02', '2023-02-01T00Z', '2023-03-01T00Z'],
    ['in May 2023', '2023-05-01T00Z', '2023-06-01T00Z'],
    ['December 2023', '2023-12-01T00Z', '2024-01-01T00Z'],
    ['Feb 2024', '2024-02-01T00Z', '2024-03-01T00Z'],
    ['May 4th, 2023', '2023-05-04T00Z', '2023-05-05T00Z'],
    ['4 May 2023', '2023-05-04T00Z', '2023-05-05T00Z'],
    ['on feb 29', '2024-02-29T00Z', '2024-03-01T00Z'],
    ['in March', '2024-03-01T00Z', '2024-04-01T00Z'],
    ['in May', '2023-05-01T00Z', '2023-06-01T00Z'],
    ['during december', '2023-12-01T00Z', '2024-01-01T00Z'],
    ['in 2023', '2023-01-01T00Z', '2024-01-01T00Z'],
    ['from last week', '2024-03-04T00Z', '2024-03-11T00Z'],
    ['since 2023', '2023-01-01T00Z', null],
    ['since May 2023', '2023-05-01T00Z', null],
    ['after May 2023', '2023-06-01T00Z', null],
    ['before March 1, 2024', null, '2024-03-01T00Z'],
    ['until last month', null, '2024-03-01T00Z'],
    ['till yesterday', null, '2024-03-15T00Z'],
  ])('%s', (phrase, since, until) => {
    const r = read(phrase);
    expect(r.phrases).toEqual([phrase]);
    expect([r.since, r.until]).toEqual([since, until]);
    expect(r.rest).toBe('');
  });

  it('takes the phrase out of the query and keeps the rest to search', () => {
    expect(read('what did I note yesterday about the boiler?')).toMatchObject({
      phrases: ['yesterday'],
      rest: 'what did I note about the boiler?',
    });
    expect(read('Dentist appointment, last week.').rest).toBe('Dentist appointment.');
    expect(read('trip to Lisbon in May 2023').rest).toBe('trip to Lisbon');
  });

  it('reads "may", "march", "june" and bare years as time only with a preposition, a day or a year', () => {
    expect(read('may I see the notes about June').phrases).toEqual([]);
    expect(read('march on the capital').phrases).toEqual([]);
    expect(read('room 2023 keycode').phrases).toEqual([]);
    expect(read('dinner with June in 2023')).toMatchObject({
      phrases: ['in 2023'],
      rest: 'dinner with June',
    });
    expect(read('what may happen in may')).toMatchObject({ phrases: ['in may'], rest: 'what may happen' });
    expect(read('June 2023 dinner')).toMatchObject({ phrases: ['June 2023'], since: '2023-06-01T00Z' });
  });

  it('finds nothing in a query without time words, and leaves it as it was', () => {
    const r = readTimeWords('java coffee beans', utc);
    expect(r).toEqual({ phrases: [], window: { since: null, until: null }, rest: 'java coffee beans' });
    // Words that only contain time words are not time words.
    expect(read('todays mayhem yesterdays').phrases).toEqual([]);
  });

  it('rejects dates that do not exist', () => {
    expect(read('on 2023-02-29').phrases).toEqual([]);
    expect(read('April 31, 2024').phrases).toEqual([]);
    // Not "on 2023" either: a year followed by more of a date is that date or nothing.
    expect(read('on 2023-02-30').phrases).toEqual([]);
  });

  it('intersects several phrases: "since 2022 before 2023"', () => {
    expect(read('taxes since 2022 before May 2022')).toEqual({
      phrases: ['since 2022', 'before May 2022'],
      since: '2022-01-01T00Z',
      until: '2022-05-01T00Z',
      rest: 'taxes',
    });
  });

  it('crosses month and year boundaries', () => {
    const newYear = { now: Date.parse('2024-01-01T08:00:00Z'), timeZone: 'UTC' };
    expect(read('yesterday', newYear)).toMatchObject({ since: '2023-12-31T00Z', until: '2024-01-01T00Z' });
    expect(read('last month', newYear)).toMatchObject({ since: '2023-12-01T00Z', until: '2024-01-01T00Z' });
    // The week of 1 January 2024 starts on Monday 1 January; the week before spans the new year.
    expect(read('last week', newYear)).toMatchObject({ since: '2023-12-25T00Z', until: '2024-01-01T00Z' });
    expect(read('in December', newYear)).toMatchObject({ since: '2023-12-01T00Z' });
    const march31 = { now: Date.parse('2023-03-31T12:00:00Z'), timeZone: 'UTC' };
    expect(read('a month ago', march31)).toMatchObject({ since: '2023-02-01T00Z', until: '2023-03-01T00Z' });
    // 2023 is no leap year: the latest 29 February is 2020's.
    expect(read('on feb 29', march31)).toMatchObject({ since: '2020-02-29T00Z', until: '2020-03-01T00Z' });
    const sunday = { now: Date.parse('2024-03-17T23:00:00Z'), timeZone: 'UTC' };
    expect(read('this week', sunday)).toMatchObject({ since: '2024-03-11T00Z', until: '2024-03-18T00Z' });
  });

  it('reads the calendar in the given time zone', () => {
    // 10:00 UTC on Friday is already Saturday 03:00 in Auckland (UTC+13 in March).
    const auckland = { now: FRIDAY + 7 * 3_600_000, timeZone: 'Pacific/Auckland' };
    expect(civilAt(auckland.now, auckland.timeZone)).toEqual({ y: 2024, m: 3, d: 16 });
    expect(read('yesterday', auckland)).toMatchObject({ since: '2024-03-14T11Z', until: '2024-03-15T11Z' });
    // New York moved to daylight time on 10 March 2024: the week before has a 23-hour Sunday.
    const ny = { now: FRIDAY, timeZone: 'America/New_York' };
    expect(read('last week', ny)).toMatchObject({ since: '2024-03-04T05Z', until: '2024-03-11T04Z' });
    expect(startOfDay({ y: 2024, m: 3, d: 10 }, 'America/New_York')).toBe(Date.parse('2024-03-10T05:00:00Z'));
  });

  it('intersectWindows keeps the tightest bounds and leaves missing ones open', () => {
    expect(
      intersectWindows({ since: 1, until: null }, { since: 5, until: 9 }, { since: null, until: 7 }),
    ).toEqual({
      since: 5,
      until: 7,
    });
    expect(intersectWindows()).toEqual({ since: null, until: null });
  });
});
