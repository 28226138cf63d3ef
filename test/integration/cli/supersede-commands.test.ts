import { afterEach, describe, expect, it } from 'vitest';
import type { EncodeResult, Fact, FactVersion, ListResult, SearchResult } from '../../../src/shared/contract';
import { json, runCli, sandbox, type Sandbox } from './cli-harness';

let box: Sandbox;
afterEach(() => box.cleanup());

const encode = async (text: string, ...args: string[]) =>
  json<EncodeResult>(await runCli(['encode', text, '--json', ...args], { env: box.env }));

describe('hippo encode --supersedes, supersede, unsupersede, history', () => {
  it('replaces a fact, shows the chain, undoes it, and answers as of a past date (with the model)', async () => {
    box = sandbox('lexical');
    const lisbon = await encode('Anna lives in Lisbon');
    const porto = await runCli(['encode', 'Anna lives in Porto'], { env: box.env });
    expect(porto.code).toBe(0);
    // Offered as a possible update, with the command that replaces it.
    expect(porto.stdout).toMatch(
      new RegExp(
        `Possibly an update of #${lisbon.id} "Anna lives in Lisbon" \\(same category, 0\\.\\d\\d\\); to replace it: hippo supersede ${lisbon.id} \\d+`,
      ),
    );
    const portoId = Number(/Remembered #(\d+)/.exec(porto.stdout)![1]);

    const sup = await runCli(['supersede', String(lisbon.id), String(portoId)], { env: box.env });
    expect(sup).toMatchObject({ code: 0 });
    expect(sup.stdout).toContain(
      `#${lisbon.id} is superseded by #${portoId} (undo with: hippo unsupersede ${lisbon.id})`,
    );
    const list = json<ListResult>(await runCli(['list', '--json'], { env: box.env }));
    expect(list.facts.map((f) => f.id)).toEqual([portoId]);

    const history = await runCli(['history', String(portoId)], { env: box.env });
    expect(history.stdout).toMatch(
      new RegExp(
        `^#${lisbon.id}  \\d{4}-\\d\\d-\\d\\d → \\d{4}-\\d\\d-\\d\\d  Anna lives in Lisbon  \\(superseded by #${portoId}\\)\\n$`,
      ),
    );
    const versions = json<FactVersion[]>(
      await runCli(['history', String(lisbon.id), '--json'], { env: box.env }),
    );
    expect(versions).toEqual([expect.objectContaining({ id: portoId, reason: null, current_until: null })]);

    // Before the supersede, recall answered with Lisbon; now with Porto.
    const before = new Date(Date.parse(versions[0]!.created_at) - 1).toISOString();
    const past = json<{ results: SearchResult[] }>(
      await runCli(['recall', 'where does Anna live', '--as-of', before, '--json'], { env: box.env }),
    );
    expect(past.results.map((r) => r.fact_id)).toEqual([lisbon.id]);
    const now = json<{ results: SearchResult[] }>(
      await runCli(['recall', 'where does Anna live', '--json'], { env: box.env }),
    );
    expect(now.results.map((r) => r.fact_id)).toEqual([portoId]);
    const listed = json<ListResult>(await runCli(['list', '--as-of', before, '--json'], { env: box.env }));
    expect(listed.facts.map((f) => f.id)).toEqual([lisbon.id]);

    const undo = json<Fact>(await runCli(['unsupersede', String(lisbon.id), '--json'], { env: box.env }));
    expect(undo).toMatchObject({ id: lisbon.id, superseded_by: null });
    expect(json<ListResult>(await runCli(['list', '--json'], { env: box.env })).total).toBe(2);
  });

  it('encode --supersedes in one step, and clear errors for bad ids (text-only)', async () => {
    box = sandbox('none');
    const old = await encode('The team standup is at 9am');
    const r = await runCli(['encode', 'The team standup is at 10am', '--supersedes', String(old.id)], {
      env: box.env,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `Replaces #${old.id}, kept in the history (undo: hippo unsupersede ${old.id})`,
    );
    const again = await runCli(['encode', 'The team standup is at 11am', '--supersedes', String(old.id)], {
      env: box.env,
    });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/BAD_INPUT: supersedes: fact \d+ was already superseded by fact \d+/);
    const unknown = await runCli(['encode', 'x', '--supersedes', '999'], { env: box.env });
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('NOT_FOUND: supersedes: no fact with id 999 in space "personal"');
    const bad = await runCli(['encode', 'x', '--supersedes', 'abc'], { env: box.env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--supersedes.*must be a positive fact id/);
    const notSuperseded = await runCli(['unsupersede', '999'], { env: box.env });
    expect(notSuperseded.stderr).toContain('NOT_FOUND');
    const noHistory = await runCli(['history', String(old.id + 1)], { env: box.env });
    expect(noHistory.stdout).toMatch(
      new RegExp(`^#${old.id}  .*The team standup is at 9am  \\(superseded by #${old.id + 1}\\)`),
    );
    expect(json<ListResult>(await runCli(['list', '--json'], { env: box.env })).total).toBe(1);
  });
});
