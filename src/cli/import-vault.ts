/**
 * `hippo import <folder>`: a folder of markdown notes (an Obsidian vault) as facts, one a
 * paragraph or list item, that a second import of the same folder updates instead of duplicating
 * (see vault-plan.ts for how paragraphs and facts are matched).
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EncodeResult, ExportedFact } from '../shared/contract';
import { HippoError } from '../shared/errors';
import { parseMarkdownNotes } from '../shared/import-markdown-notes';
import type { EngineStore } from '../main/engine-store';
import { Memory } from '../main/memory/memory';
import { blockSource, fileOf, planVaultImport, vaultPrefix, type VaultBlock } from './vault-plan';

export interface VaultSummary {
  files: number;
  created: number;
  updated: number;
  duplicate: number;
  merged: number;
  forgotten: number;
  failed: number;
}

export interface FileError {
  file: string;
  message: string;
}

/** Folders never read: Obsidian's settings, hidden folders (.git, .trash) and node_modules. */
const SKIPPED_FOLDER = (name: string): boolean => name.startsWith('.') || name === 'node_modules';
const NOTE = /\.(md|markdown)$/i;

/** The notes of a folder, as paths inside it with forward slashes, sorted. */
export async function listNotes(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const childRel = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!SKIPPED_FOLDER(e.name)) await walk(path.join(dir, e.name), childRel);
      } else if (e.isFile() && NOTE.test(e.name)) out.push(childRel);
    }
  };
  await walk(root, '');
  return out.sort();
}

/** Every note's paragraphs, created at the note's modification time; unreadable notes as errors. */
export async function readVault(
  root: string,
  name: string,
): Promise<{ files: string[]; blocks: VaultBlock[]; errors: FileError[] }> {
  const files = await listNotes(root);
  const blocks: VaultBlock[] = [];
  const errors: FileError[] = [];
  for (const file of files) {
    const full = path.join(root, ...file.split('/'));
    try {
      const [text, info] = await Promise.all([readFile(full, 'utf8'), stat(full)]);
      const created = Math.floor(info.mtimeMs);
      for (const b of parseMarkdownNotes(text))
        blocks.push({
          file,
          source: blockSource(name, file, b.heading),
          content: b.content,
          created_at: created,
        });
    } catch (e) {
      errors.push({
        file,
        message: `cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      });
    }
  }
  return { files, blocks, errors };
}

export interface VaultRunOptions {
  chunkSize: number;
  signal?: AbortSignal;
  /** Called as steps finish: done of total (paragraph matches, edits, forgets and creates). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Applies the plan: moves and edits (Memory.update), forgets, then the new paragraphs in chunks
 * (Memory.importInChunks, or importRecords a chunk at a time on Postgres). Forgetting before creating lets a paragraph that moved to a note read
 * later be created there rather than found as a duplicate of a fact about to be forgotten. An
 * abort (checked between steps) leaves what was done; running the import again finishes it.
 */
export async function importVault(
  memory: EngineStore,
  name: string,
  blocks: VaultBlock[],
  opts: VaultRunOptions & {
    /** Notes that could not be read: their facts are left alone, not forgotten. */
    unreadable?: readonly string[];
  },
): Promise<{ summary: Omit<VaultSummary, 'files' | 'failed'>; complete: boolean }> {
  const unreadable = new Set(opts.unreadable ?? []);
  const facts = (await memory.factsWithSourcePrefix(vaultPrefix(name))).filter(
    (f) => !unreadable.has(fileOf(f.source) ?? ''),
  );
  const plan = planVaultImport(blocks, facts);
  const summary = { created: 0, updated: 0, duplicate: plan.unchanged, merged: 0, forgotten: 0 };
  const total =
    plan.unchanged + plan.moved.length + plan.edited.length + plan.forget.length + plan.create.length;
  let done = plan.unchanged;
  const step = () => opts.onProgress?.(++done, total);
  opts.onProgress?.(done, total);
  const stopped = () => opts.signal?.aborted === true;

  for (const m of plan.moved) {
    if (stopped()) return { summary, complete: false };
    await memory.update(m.id, { source: m.source });
    summary.updated++;
    step();
  }
  for (const e of plan.edited) {
    if (stopped()) return { summary, complete: false };
    await memory.update(e.id, { content: e.content });
    summary.updated++;
    step();
  }
  for (const id of plan.forget) {
    if (stopped()) return { summary, complete: false };
    await memory.forget(id);
    summary.forgotten++;
    step();
  }
  if (plan.create.length === 0) return { summary, complete: true };
  if (stopped()) return { summary, complete: false };
  const records: ExportedFact[] = plan.create.map((b) => ({
    content: b.content,
    source: b.source,
    created_at: b.created_at,
  }));
  let written = 0;
  const onChunk = (results: EncodeResult[]) => {
    for (const r of results) summary[r.status]++;
    written += results.length;
    done += results.length;
    opts.onProgress?.(done, total);
  };
  if (memory instanceof Memory) {
    // SQLite embeds the next chunk while it writes this one.
    await memory.importInChunks(records, { chunkSize: opts.chunkSize, signal: opts.signal, onChunk });
  } else {
    while (written < records.length && !stopped())
      onChunk(await memory.importRecords(records.slice(written, written + opts.chunkSize)));
  }
  return { summary, complete: written === records.length };
}

/** The vault's name in sources: --vault-name, else the folder's own name. */
export function vaultName(folder: string, given: string | undefined): string {
  const name = (given ?? path.basename(path.resolve(folder))).trim();
  if (name === '' || name.includes('/') || name.length > 100)
    throw new HippoError(
      'BAD_INPUT',
      `--vault-name: must be 1-100 characters without "/", got ${JSON.stringify(given ?? name)}`,
    );
  return name;
}
