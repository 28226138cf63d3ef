import { describe, expect, it } from 'vitest';
import { UniqueTexts } from '../../../bench/lib/bench-data';
import { firstWords, HTTP_QUERY_WORDS, httpQueries } from '../../../bench/lib/http-bench';
import { QueryCursor, recallBody } from '../../../bench/lib/http-load-protocol';

describe('HTTP bench queries', () => {
  it('firstWords keeps the first n words, whitespace collapsed', () => {
    expect(firstWords('  a  b\tc\nd e ', 3)).toBe('a b c');
    expect(firstWords('one two', 12)).toBe('one two');
  });

  it('takes the first 12 words of each sentence in order, skipping texts used before and repeats', () => {
    const twelve = 'w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w12';
    const unique = new UniqueTexts();
    unique.reserve(['Used before.']);
    const out = httpQueries(
      [`${twelve} tail`, 'Used   before.', `${twelve} other tail`, 'Short one.', 'Another short one.'],
      unique,
      10,
    );
    expect(HTTP_QUERY_WORDS).toBe(12);
    expect(out).toEqual([twelve, 'Short one.', 'Another short one.']);
    // The bench's later takes never get them again.
    expect(unique.claim('Short one.')).toBe(false);
  });

  it('stops at max', () => {
    expect(httpQueries(['a', 'b', 'c'], new UniqueTexts(), 2)).toEqual(['a', 'b']);
  });
});

describe('QueryCursor', () => {
  it('hands out each query once in order, then starts over counting the reuse', () => {
    const c = new QueryCursor(['a', 'b']);
    expect([c.take(), c.take(), c.take(), c.take(), c.take()]).toEqual(['a', 'b', 'a', 'b', 'a']);
    expect(c.handedOut).toBe(5);
    expect(c.reused).toBe(3);
  });

  it('refuses an empty pool', () => {
    expect(() => new QueryCursor([])).toThrow(/at least one query/);
  });
});

describe('recallBody', () => {
  it('is the recall request of the API contract', () => {
    expect(JSON.parse(recallBody('what "is" this', 10))).toEqual({ query: 'what "is" this', limit: 10 });
  });
});
