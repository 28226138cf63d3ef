import { describe, expect, it } from 'vitest';
import { embeddingCacheKey, normalizeForEmbedding } from '../../../src/main/embedder/embedder-client';
import { LruCache } from '../../../src/main/embedder/lru-cache';

describe('normalizeForEmbedding', () => {
  it('applies NFC, trims and collapses whitespace', () => {
    expect(normalizeForEmbedding('  Cafe\u0301 \t au\n\n lait  ')).toBe('Café au lait');
  });

  it('gives texts that differ only in spacing the same cache key, and other models other keys', () => {
    const a = embeddingCacheKey('m1', normalizeForEmbedding('hello   world'));
    expect(a).toBe(embeddingCacheKey('m1', normalizeForEmbedding(' hello world ')));
    expect(a).not.toBe(embeddingCacheKey('m2', 'hello world'));
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('LruCache', () => {
  it('evicts the least recently used entry', () => {
    const lru = new LruCache<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    lru.get('a');
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });
});
