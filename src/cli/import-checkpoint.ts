import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EncodeStatus } from '../shared/contract';
import { defaultUserDataDir } from '../main/paths';

/** How far an import of one file into one store got, saved after every chunk it wrote. */
export interface ImportProgress {
  /** Records (in file order) written so far. */
  done: number;
  total: number;
  counts: Record<EncodeStatus, number>;
  /**
   * The fact the last record written went to, and that record's content hash: a resumed run
   * checks the store still holds it, so progress saved against a database since deleted or
   * replaced is not trusted.
   */
  probe: { id: number; hash: string };
}

/**
 * Makes `hippo import` resumable: after each chunk is committed, how many records are in is saved
 * under <user data>/import-progress/, keyed by a hash of the store, the space, the format, the
 * speaker names and the file's content. Running the same import again (same file, same target)
 * starts after the last saved chunk, if the store still holds the fact the last saved record went
to; a finished import removes its file. A crash between a commit
 * and its save only means that chunk is read again, and its facts count as duplicates.
 */
export class ImportCheckpoint {
  private constructor(private readonly file: string) {}

  static for(env: Record<string, string | undefined>, key: unknown[], content: string): ImportCheckpoint {
    const contentHash = createHash('sha256').update(content).digest('hex');
    const id = createHash('sha256')
      .update(JSON.stringify([...key, contentHash]))
      .digest('hex')
      .slice(0, 32);
    return new ImportCheckpoint(path.join(defaultUserDataDir(env), 'import-progress', `${id}.json`));
  }

  /** The saved progress of this very import, if an earlier run left one for the same total. */
  load(total: number): ImportProgress | null {
    let saved: unknown;
    try {
      saved = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return null; // none, or unreadable: start over (duplicates are still recognised)
    }
    const p = saved as Partial<ImportProgress>;
    const counts = p.counts;
    const ok =
      p.total === total &&
      Number.isSafeInteger(p.done) &&
      p.done! > 0 &&
      p.done! <= total &&
      counts !== undefined &&
      [counts.created, counts.duplicate, counts.merged].every((n) => Number.isSafeInteger(n)) &&
      Number.isSafeInteger(p.probe?.id) &&
      typeof p.probe?.hash === 'string';
    return ok ? { done: p.done!, total, counts: { ...counts }, probe: { ...p.probe! } } : null;
  }

  /**
   * Written to a temporary file and renamed, so a crash leaves the old progress or the new. Best
   * effort: a folder that cannot be written must not fail an import whose chunk is already in (a
   * later run then reads the file whole, and finds what is in as duplicates).
   */
  save(progress: ImportProgress): void {
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
      writeFileSync(tmp, JSON.stringify(progress), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch {
      rmSync(tmp, { force: true });
    }
  }

  clear(): void {
    try {
      rmSync(this.file, { force: true });
    } catch {
      // unwritable folder: a next run of this import finds every record done, which is so
    }
  }
}
