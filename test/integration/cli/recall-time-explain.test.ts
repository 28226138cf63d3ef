import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecallOutput } from '../../../src/cli/recall-command';
import { json, runCli, sandbox, type Sandbox } from './cli-harness';

let box: Sandbox;
const AT = ['--reference-date', '2024-03-20T12:00:00Z', '--time-zone', 'UTC'];

beforeAll(async () => {
  box = sandbox('lexical');
  const facts = [
    { content: 'Dentist appointment went fine, no cavities', created_at: '2024-03-12T09:00:00Z' },
    { content: 'Paid the dentist bill for the cleaning', created_at: '2024-02-10T09:00:00Z' },
    { content: 'Java build notes: the JVM garbage collector', created_at: '2024-01-05T09:00:00Z' },
    { content: 'Java beans from Indonesia make a dark espresso roast', created_at: '2024-01-05T09:00:00Z' },
  ];
  const file = path.join(box.dir, 'seed.jsonl');
  writeFileSync(file, facts.map((f) => JSON.stringify(f)).join('\n'));
  expect((await runCli(['import', file], { env: box.env })).code).toBe(0);
});

afterAll(() => box.cleanup());

describe('hippo recall: time words, context, --explain', () => {
  it('reads "last week" against --reference-date, prints the window and keeps to it', async () => {
    const r = await runCli(['recall', 'dentist', 'last', 'week', ...AT], { env: box.env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(
      'Time: "last week" = 2024-03-11T00:00:00.000Z to 2024-03-18T00:00:00.000Z (exclusive) (UTC); searching "dentist"',
    );
    expect(lines.slice(1)).toHaveLength(1);
    expect(lines[1]).toContain('Dentist appointment went fine');
    const out = json<RecallOutput>(
      await runCli(['recall', 'dentist last week', ...AT, '--json'], { env: box.env }),
    );
    expect(out.time?.phrases).toEqual([
      { phrase: 'last week', since: '2024-03-11T00:00:00.000Z', until: '2024-03-18T00:00:00.000Z' },
    ]);
    expect(out.results.map((h) => h.created_at)).toEqual(['2024-03-12T09:00:00.000Z']);
  });

  it('--no-time-words searches the words; --since/--until filter as given', async () => {
    const literal = json<RecallOutput>(
      await runCli(['recall', 'dentist last week', ...AT, '--no-time-words', '--json'], { env: box.env }),
    );
    expect(literal.time).toBeUndefined();
    expect(literal.results).toHaveLength(2);
    const feb = json<RecallOutput>(
      await runCli(['recall', 'dentist', '--since', '2024-02-01', '--until', '2024-02-29', '--json'], {
        env: box.env,
      }),
    );
    expect(feb.results.map((h) => h.content)).toEqual(['Paid the dentist bill for the cleaning']);
  });

  it('--context picks the reading of an ambiguous query', async () => {
    const first = async (context: string) =>
      json<RecallOutput>(await runCli(['recall', 'java', '--context', context, '--json'], { env: box.env }))
        .results[0]!.content;
    expect(await first('brewing espresso this morning')).toMatch(/espresso roast/);
    expect(await first('the JVM garbage collector pauses')).toMatch(/JVM/);
  });

  it('--explain prints why each result matched, and --json carries it', async () => {
    const r = await runCli(['recall', 'java', '--context', 'espresso', '--explain', ...AT], { env: box.env });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ 1\. .*espresso roast/);
    expect(lines[1]).toMatch(
      /^ {6}words: java · text rank [12] \(\+0\.016\d\) · vector rank \d+, similarity \d\.\d{3} \(\+0\.\d{4}\) · context rank 1 \(\+0\.0049\)$/,
    );
    expect(lines[2]).toMatch(
      /^ {6}boosts recency \+0\.\d{6}, confidence \+0\.000050 · score 0\.\d{6} · created 2024-01-05/,
    );
    const out = json<RecallOutput>(await runCli(['recall', 'java', '--explain', '--json'], { env: box.env }));
    expect(out.results[0]!.explain).toMatchObject({
      matched_words: ['java'],
      words: { rank: expect.any(Number) },
    });
    const plain = json<RecallOutput>(await runCli(['recall', 'java', '--json'], { env: box.env }));
    expect(plain.results[0]!.explain).toBeUndefined();
  });

  it('rejects a bad --time-zone or --reference-date with a message naming it', async () => {
    const r = await runCli(['recall', 'dentist', '--time-zone', 'Nowhere/City'], { env: box.env });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/time_zone: must be an IANA time zone/);
    const d = await runCli(['recall', 'dentist', '--reference-date', 'soon'], { env: box.env });
    expect(d.code).not.toBe(0);
    expect(d.stderr).toMatch(/reference_date/);
  });
});
