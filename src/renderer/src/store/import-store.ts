import { createStore, type StoreApi } from 'zustand/vanilla';
import type { EncodeStatus, ExportedFact } from '../../../shared/contract';
import {
  detectImportFormat,
  IMPORT_EXTENSIONS,
  parseImport,
  type ImportFormat,
  type LineError,
} from '../../../shared/import-formats';
import { IMPORT_BATCH_MAX, type HippoClient } from '../../../shared/ipc-contract';

/**
 * JSON per facts:import call. The HTTP API refuses bodies over 1 MB, and a batch of 500 long facts
 * could pass that; 400 KB leaves room for the envelope and for escapes.
 */
export const IMPORT_BATCH_BYTES = 400 * 1024;

/** Forgets in flight at once while an import is undone: quick, without flooding the memory. */
const UNDO_PARALLEL = 4;

/**
 * Splits records into facts:import batches of at most `maxRecords` records and `maxBytes` bytes of
 * JSON (UTF-8) each, keeping their order. A record larger than `maxBytes` travels alone.
 */
export function importBatches(
  records: readonly ExportedFact[],
  maxRecords: number = IMPORT_BATCH_MAX,
  maxBytes: number = IMPORT_BATCH_BYTES,
): ExportedFact[][] {
  const encoder = new TextEncoder();
  const batches: ExportedFact[][] = [];
  let batch: ExportedFact[] = [];
  let bytes = 0;
  for (const record of records) {
    // The record and the comma between it and the next.
    const size = encoder.encode(JSON.stringify(record)).length + 1;
    if (batch.length > 0 && (batch.length >= maxRecords || bytes + size > maxBytes)) {
      batches.push(batch);
      batch = [];
      bytes = 0;
    }
    batch.push(record);
    bytes += size;
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/** "hippo-export-2026-11-27.jsonl", by the local date. */
export function exportFileName(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `hippo-export-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.jsonl`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export type ImportPhase = 'idle' | 'invalid' | 'importing' | 'done' | 'cancelled' | 'failed';

export interface UndoProgress {
  state: 'running' | 'done' | 'failed';
  done: number;
  total: number;
  message: string | null;
}

export interface ImportExportState {
  phase: ImportPhase;
  fileName: string | null;
  format: ImportFormat | null;
  /** Facts found in the file, and how many of them have been sent and answered. */
  total: number;
  done: number;
  counts: Record<EncodeStatus, number>;
  /** Why the file was refused, line by line (nothing was imported). */
  lineErrors: LineError[];
  /** What happened, in words for a person. */
  message: string | null;
  /** Cancel was pressed: the import stops after the batch in flight. */
  cancelling: boolean;
  /** Facts this import created, which "Undo import" forgets. */
  createdIds: number[];
  undo: UndoProgress | null;

  exporting: boolean;
  exportMessage: string | null;
  exportError: string | null;

  /** Parses the file as `hippo import` would and, when every line is valid, imports it in batches. */
  importText(fileName: string, text: string): Promise<void>;
  cancel(): void;
  /** Forgets the facts this import created; they stay in the Trash. */
  undoImport(): Promise<void>;
  /** Every fact as JSONL, for the screen to offer as a download; null when it failed (see exportError). */
  exportFacts(includeDeleted: boolean): Promise<{ jsonl: string; fileName: string; count: number } | null>;
  reset(): void;
}

export interface ImportStoreOptions {
  /**
   * The space facts are imported into and exported from (absent: the default space); a function
   * is asked at each import and export, so the panel can follow the space the screen shows.
   */
  space?: string | (() => string | undefined);
  /** Called when the memory's facts changed (a batch imported, an import undone). */
  onChange?: () => void;
  now?: () => Date;
}

const IDLE = {
  phase: 'idle',
  fileName: null,
  format: null,
  total: 0,
  done: 0,
  counts: { created: 0, duplicate: 0, merged: 0 },
  lineErrors: [],
  message: null,
  cancelling: false,
  createdIds: [],
  undo: null,
} as const satisfies Partial<ImportExportState>;

/** The import/export panel's state over one HippoClient (window.hippo or the HTTP client). */
export function createImportStore(
  client: HippoClient,
  opts: ImportStoreOptions = {},
): StoreApi<ImportExportState> {
  const spaceNow = (): { space?: string } => {
    const space = typeof opts.space === 'function' ? opts.space() : opts.space;
    return space === undefined ? {} : { space };
  };
  // Undo forgets in the space the import went to, whatever the screen shows by then.
  let importSpace: { space?: string } = {};
  const now = opts.now ?? (() => new Date());
  const changed = () => opts.onChange?.();

  return createStore<ImportExportState>()((set, get) => ({
    ...IDLE,
    counts: { ...IDLE.counts },
    lineErrors: [],
    createdIds: [],
    exporting: false,
    exportMessage: null,
    exportError: null,

    async importText(fileName, text) {
      if (get().phase === 'importing' || get().undo?.state === 'running') return;
      // By name and content, as `hippo import` does: a .json is a ChatGPT or Claude export.
      const format = detectImportFormat(fileName, text);
      set({ ...IDLE, counts: { ...IDLE.counts }, lineErrors: [], createdIds: [], fileName, format });
      if (!format)
        return set({
          phase: 'invalid',
          message: /\.json$/i.test(fileName)
            ? `Hippo cannot tell the format of “${fileName}”: a .json file must be ChatGPT’s or Claude’s conversations.json.`
            : `Hippo cannot tell the format of “${fileName}” from its name: use a ${IMPORT_EXTENSIONS.join(', ')} file.`,
        });
      const parsed = parseImport(text, format);
      // As `hippo import` does: one bad line and nothing is imported, so a fixed file can simply be
      // imported again without doubling the good half.
      if (parsed.errors.length > 0)
        return set({
          phase: 'invalid',
          lineErrors: parsed.errors,
          message: `Nothing was imported: ${plural(parsed.errors.length, parsed.errors[0]!.at ? 'record' : 'line')} of “${fileName}” ${
            parsed.errors.length === 1 ? 'is' : 'are'
          } not valid. Fix ${parsed.errors.length === 1 ? 'it' : 'them'} and import the file again.`,
        });
      const records = parsed.records.map((r) => r.record);
      if (records.length === 0)
        return set({ phase: 'invalid', message: `“${fileName}” holds no facts to import.` });

      set({ phase: 'importing', total: records.length });
      const space = (importSpace = spaceNow());
      const counts = { created: 0, duplicate: 0, merged: 0 };
      const createdIds: number[] = [];
      let done = 0;
      for (const batch of importBatches(records)) {
        if (get().cancelling) break;
        const r = await client['facts:import']({ records: batch, ...space });
        if (!r.ok) {
          set({
            phase: 'failed',
            cancelling: false,
            message:
              done === 0
                ? `Nothing was imported: ${r.error.message}`
                : `${r.error.message} (${done} of ${records.length} facts were imported before this; the rest was not).`,
          });
          if (done > 0) changed();
          return;
        }
        for (const result of r.value.results) {
          counts[result.status]++;
          if (result.status === 'created') createdIds.push(result.id);
        }
        done += batch.length;
        set({ done, counts: { ...counts }, createdIds: [...createdIds] });
        changed();
      }
      const tally = `${counts.created} new, ${counts.duplicate} already known, ${counts.merged} merged into facts they repeat`;
      if (done < records.length)
        set({
          phase: 'cancelled',
          cancelling: false,
          message: `Import cancelled: ${done} of ${records.length} facts were imported (${tally}). Importing the file again adds the rest.`,
        });
      else
        set({
          phase: 'done',
          message: `Imported ${plural(records.length, 'fact')} from “${fileName}”: ${tally}.`,
        });
    },

    cancel() {
      if (get().phase === 'importing') set({ cancelling: true });
    },

    async undoImport() {
      const ids = get().createdIds;
      if (ids.length === 0 || get().phase === 'importing' || get().undo?.state === 'running') return;
      let done = 0;
      let missing = 0;
      let failure: string | null = null;
      set({ undo: { state: 'running', done, total: ids.length, message: null } });
      let next = 0;
      const worker = async () => {
        while (failure === null && next < ids.length) {
          const id = ids[next++]!;
          const r = await client['facts:forget']({ id, ...importSpace });
          // Deleted for good meanwhile: nothing left to forget.
          if (!r.ok && r.error.code === 'NOT_FOUND') missing++;
          else if (!r.ok) failure = r.error.message;
          if (r.ok || r.error.code === 'NOT_FOUND') done++;
          set({ undo: { state: 'running', done, total: ids.length, message: null } });
        }
      };
      await Promise.all(Array.from({ length: Math.min(UNDO_PARALLEL, ids.length) }, worker));
      changed();
      if (failure !== null) {
        set({
          undo: {
            state: 'failed',
            done,
            total: ids.length,
            message: `Undo stopped after ${done} of ${ids.length} facts: ${failure}`,
          },
        });
        return;
      }
      const gone = missing > 0 ? ` (${missing} had already been deleted for good)` : '';
      set({
        createdIds: [],
        undo: {
          state: 'done',
          done,
          total: ids.length,
          message: `Import undone: the ${plural(ids.length, 'fact')} it created ${ids.length === 1 ? 'is' : 'are'} in the Trash${gone}.`,
        },
      });
    },

    async exportFacts(includeDeleted) {
      if (get().exporting) return null;
      set({ exporting: true, exportError: null, exportMessage: null });
      const r = await client['facts:export']({ include_deleted: includeDeleted, ...spaceNow() });
      if (!r.ok) {
        set({ exporting: false, exportError: `Export failed: ${r.error.message}` });
        return null;
      }
      const fileName = exportFileName(now());
      const { count } = r.value;
      set({
        exporting: false,
        exportMessage: `Exported ${plural(count, 'fact')}${includeDeleted ? ' (forgotten ones included)' : ''} to ${fileName}.`,
      });
      return { jsonl: r.value.jsonl, fileName, count };
    },

    reset() {
      if (get().phase === 'importing' || get().undo?.state === 'running') return;
      set({ ...IDLE, counts: { ...IDLE.counts }, lineErrors: [], createdIds: [] });
    },
  }));
}
