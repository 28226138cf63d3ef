import { afterEach, describe, expect, it } from 'vitest';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import type { Embedder } from '../../../src/main/embedder/types';
import {
  createServerMetrics,
  DB_QUERY_LATENCY_BUCKETS,
  EMBEDDING_LATENCY_BUCKETS,
  REQUEST_LATENCY_BUCKETS,
  type HippoServerMetrics,
} from '../../../src/main/server/metrics';
import { LEXICAL_MODEL_DIR, openLexicalMemory } from '../../helpers/lexical-memory';
import { bucketBounds, parsePrometheus, select, value, valueOr0, type Exposition } from './parse-prometheus';

const opened: Array<{ close(): Promise<void> }> = [];
const metricsMade: HippoServerMetrics[] = [];
afterEach(async () => {
  for (const m of metricsMade.splice(0)) m.close();
  // Newest first: a memory reopened on another's database file closes before that file goes.
  for (const h of opened.splice(0).reverse()) await h.close();
});

function lexical(opts: { textOnly?: boolean } = {}) {
  const embedder: EmbedderClient | null = opts.textOnly
    ? null
    : createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 });
  const h = openLexicalMemory({ embedder });
  opened.push(h);
  return { ...h, embedder };
}

function metricsFor(h: ReturnType<typeof lexical>, opts: { processMetrics?: boolean } = {}) {
  const m = createServerMetrics({ memory: h.memory, embedder: h.embedder, ...opts });
  metricsMade.push(m);
  return m;
}

async function scrape(m: HippoServerMetrics): Promise<Exposition> {
  return parsePrometheus(await m.render());
}

/** prom-client prints bounds as JavaScript numbers: 1.0 → "1", 5.0 → "5". */
const les = (buckets: number[]) => [...buckets.map(String), '+Inf'];

const EXPECTED_FAMILIES: Record<string, string> = {
  hippo_requests_total: 'counter',
  hippo_request_latency_seconds: 'histogram',
  hippo_embedding_latency_seconds: 'histogram',
  hippo_embedding_cache_hits_total: 'counter',
  hippo_db_query_latency_seconds: 'histogram',
  hippo_facts_total: 'gauge',
  hippo_labels_total: 'gauge',
  hippo_embedding_queue_depth: 'gauge',
};

describe('createServerMetrics on a real lexical memory', () => {
  it('exposes every metric with HELP and TYPE, the seed buckets, and live figures after encodes and recalls', async () => {
    const h = lexical();
    const m = metricsFor(h);
    expect(m.contentType).toMatch(/^text\/plain; version=0\.0\.4/);

    await h.memory.encode({ content: 'the cat sat on the mat', label: 'pets' });
    await h.memory.encode({ content: 'quarterly bond yields rose sharply' });
    await h.memory.encodeMany([{ content: 'dentist appointment on tuesday' }, { content: 'buy oat milk' }], {
      space: 'work',
    });
    const gone = await h.memory.encode({ content: 'an old note to forget' });
    h.memory.forget(gone.id);
    await h.memory.recall('cat on a mat');
    h.memory.list({});
    m.observeRequest('/api/v1/recall', 200, 0.02);

    const exp = await scrape(m);
    for (const [name, type] of Object.entries(EXPECTED_FAMILIES)) {
      const family = exp.families.get(name);
      expect(family?.type, name).toBe(type);
      expect(family?.help, name).toMatch(/\w/);
    }
    // Process metrics come along (default prom-client names).
    expect(exp.families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(exp.families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');

    expect(bucketBounds(exp, 'hippo_request_latency_seconds', { endpoint: '/api/v1/recall' })).toEqual(
      les(REQUEST_LATENCY_BUCKETS),
    );
    expect(les(REQUEST_LATENCY_BUCKETS)).toEqual([
      '0.01',
      '0.025',
      '0.05',
      '0.1',
      '0.25',
      '0.5',
      '1',
      '2.5',
      '5',
      '+Inf',
    ]);
    expect(bucketBounds(exp, 'hippo_embedding_latency_seconds')).toEqual(les(EMBEDDING_LATENCY_BUCKETS));
    expect(les(EMBEDDING_LATENCY_BUCKETS)).toEqual(['0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '+Inf']);
    for (const query_type of ['knn', 'fts', 'encode_write', 'list']) {
      expect(bucketBounds(exp, 'hippo_db_query_latency_seconds', { query_type }), query_type).toEqual(
        les(DB_QUERY_LATENCY_BUCKETS),
      );
      expect(value(exp, 'hippo_db_query_latency_seconds_count', { query_type }), query_type).toBeGreaterThan(
        0,
      );
    }
    expect(les(DB_QUERY_LATENCY_BUCKETS)).toEqual(['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '+Inf']);

    // Histogram buckets are cumulative and end at the count.
    for (const base of ['hippo_embedding_latency_seconds', 'hippo_db_query_latency_seconds']) {
      const buckets = select(exp, `${base}_bucket`, base.includes('db') ? { query_type: 'knn' } : {});
      for (let i = 1; i < buckets.length; i++)
        expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
      expect(buckets.at(-1)!.value).toBe(
        value(exp, `${base}_count`, base.includes('db') ? { query_type: 'knn' } : {}),
      );
    }

    // Live facts over every space: 2 in the default space + 2 in "work"; the forgotten one is out.
    expect(value(exp, 'hippo_facts_total')).toBe(4);
    expect(value(exp, 'hippo_facts_total')).toBe(
      h.memory.list({}).total + h.memory.list({ space: 'work' }).total,
    );
    expect(value(exp, 'hippo_labels_total')).toBe(1);
    expect(value(exp, 'hippo_embedding_latency_seconds_count')).toBeGreaterThan(0);
    expect(value(exp, 'hippo_embedding_latency_seconds_sum')).toBeGreaterThan(0);
    expect(value(exp, 'hippo_embedding_queue_depth')).toBe(0);
  });

  it('counts requests by endpoint and status, and their latency by endpoint', async () => {
    const h = lexical({ textOnly: true });
    const m = metricsFor(h, { processMetrics: false });
    m.observeRequest('/api/v1/recall', 200, 0.004);
    m.observeRequest('/api/v1/recall', 200, 0.3);
    m.observeRequest('/api/v1/recall', 400, 0.001);
    m.observeRequest('/health', 200, 7);

    const exp = await scrape(m);
    expect(value(exp, 'hippo_requests_total', { endpoint: '/api/v1/recall', status: '200' })).toBe(2);
    expect(value(exp, 'hippo_requests_total', { endpoint: '/api/v1/recall', status: '400' })).toBe(1);
    expect(value(exp, 'hippo_requests_total', { endpoint: '/health', status: '200' })).toBe(1);
    expect(select(exp, 'hippo_requests_total')).toHaveLength(3);

    const recall = { endpoint: '/api/v1/recall' };
    expect(value(exp, 'hippo_request_latency_seconds_count', recall)).toBe(3);
    expect(value(exp, 'hippo_request_latency_seconds_sum', recall)).toBeCloseTo(0.305, 9);
    expect(value(exp, 'hippo_request_latency_seconds_bucket', { ...recall, le: '0.01' })).toBe(2);
    expect(value(exp, 'hippo_request_latency_seconds_bucket', { ...recall, le: '0.25' })).toBe(2);
    expect(value(exp, 'hippo_request_latency_seconds_bucket', { ...recall, le: '0.5' })).toBe(3);
    // Slower than the last bound: only +Inf holds it.
    expect(value(exp, 'hippo_request_latency_seconds_bucket', { endpoint: '/health', le: '5' })).toBe(0);
    expect(value(exp, 'hippo_request_latency_seconds_bucket', { endpoint: '/health', le: '+Inf' })).toBe(1);
    // No process metrics when asked not to.
    expect([...exp.families.keys()].every((name) => name.startsWith('hippo_'))).toBe(true);
  });

  it('counts embedding cache hits when the same query is recalled twice', async () => {
    const h = lexical();
    const m = metricsFor(h);
    await h.memory.encode({ content: 'the cat sat on the mat' });
    await h.memory.recall('where did the cat sit');
    const before = await scrape(m);
    await h.memory.recall('where did the cat sit');
    const after = await scrape(m);
    expect(value(after, 'hippo_embedding_cache_hits_total')).toBeGreaterThan(
      value(before, 'hippo_embedding_cache_hits_total'),
    );
    // A second scrape with nothing new in between adds nothing.
    expect(value(await scrape(m), 'hippo_embedding_cache_hits_total')).toBe(
      value(after, 'hippo_embedding_cache_hits_total'),
    );
    expect(value(after, 'hippo_db_query_latency_seconds_count', { query_type: 'knn' })).toBe(2);
    expect(value(after, 'hippo_db_query_latency_seconds_count', { query_type: 'fts' })).toBe(2);
  });

  it('counts disk cache hits too (a fresh embedder on a database that has the vector)', async () => {
    const h = lexical();
    // A fact's embedding is kept on disk (a query's is not); asking its exact words hits it.
    await h.memory.encode({ content: 'remember the milk' });
    await h.memory.close();
    await h.embedder!.close();

    const again = openLexicalMemory({
      dbPath: h.dbPath,
      embedder: createNodeEmbedder({ modelDir: LEXICAL_MODEL_DIR, threads: 1 }),
    });
    opened.push(again);
    const m = createServerMetrics({ memory: again.memory, embedder: again.embedder as EmbedderClient });
    metricsMade.push(m);
    await again.memory.recall('remember the milk');
    const exp = await scrape(m);
    expect(value(exp, 'hippo_embedding_cache_hits_total')).toBe(1);
    expect(valueOr0(exp, 'hippo_embedding_latency_seconds_count')).toBe(0);
  });

  it('keeps two instances apart, and stops observing after close()', async () => {
    const h = lexical();
    const a = metricsFor(h, { processMetrics: true });
    const b = metricsFor(h, { processMetrics: true });
    a.observeRequest('/health', 200, 0.001);
    await h.memory.encode({ content: 'the cat sat on the mat' });
    await h.memory.recall('cat');

    const ea = await scrape(a);
    const eb = await scrape(b);
    expect(value(ea, 'hippo_requests_total', { endpoint: '/health', status: '200' })).toBe(1);
    expect(select(eb, 'hippo_requests_total')).toHaveLength(0);
    // Both listen to the same memory and embedder.
    for (const e of [ea, eb]) {
      expect(value(e, 'hippo_db_query_latency_seconds_count', { query_type: 'knn' })).toBe(1);
      expect(value(e, 'hippo_facts_total')).toBe(1);
    }
    expect(value(ea, 'hippo_embedding_latency_seconds_count')).toBe(
      value(eb, 'hippo_embedding_latency_seconds_count'),
    );

    a.close();
    await h.memory.recall('mat');
    expect(value(await scrape(a), 'hippo_db_query_latency_seconds_count', { query_type: 'knn' })).toBe(1);
    expect(value(await scrape(b), 'hippo_db_query_latency_seconds_count', { query_type: 'knn' })).toBe(2);
  });

  it('works in text-only mode: word searches timed, no embedding figures', async () => {
    const h = lexical({ textOnly: true });
    const m = metricsFor(h, { processMetrics: false });
    await h.memory.encode({ content: 'the cat sat on the mat' });
    await h.memory.recall('cat');
    const exp = await scrape(m);
    expect(value(exp, 'hippo_db_query_latency_seconds_count', { query_type: 'fts' })).toBe(1);
    expect(valueOr0(exp, 'hippo_db_query_latency_seconds_count', { query_type: 'knn' })).toBe(0);
    expect(value(exp, 'hippo_embedding_cache_hits_total')).toBe(0);
    expect(value(exp, 'hippo_embedding_queue_depth')).toBe(0);
    expect(value(exp, 'hippo_embedding_latency_seconds_count')).toBe(0);
    expect(value(exp, 'hippo_facts_total')).toBe(1);
  });

  it('accepts an embedder without observation hooks and leaves the embedding figures at zero', async () => {
    const h = lexical({ textOnly: true });
    const plain: Embedder = {
      modelId: null,
      lastError: null,
      ready: async () => false,
      embed: async () => [],
      close: async () => undefined,
    };
    const m = createServerMetrics({ memory: h.memory, embedder: plain, processMetrics: false });
    metricsMade.push(m);
    const exp = await scrape(m);
    expect(value(exp, 'hippo_embedding_cache_hits_total')).toBe(0);
    expect(value(exp, 'hippo_embedding_queue_depth')).toBe(0);
  });

  it('still renders once the memory is closed (counts keep their last value)', async () => {
    const h = lexical({ textOnly: true });
    const m = metricsFor(h, { processMetrics: false });
    await h.memory.encode({ content: 'the cat sat on the mat' });
    expect(value(await scrape(m), 'hippo_facts_total')).toBe(1);
    await h.memory.close();
    expect(value(await scrape(m), 'hippo_facts_total')).toBe(1);
  });
});
