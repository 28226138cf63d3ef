/**
 * The file formats `hippo import` and the app's import panel read: JSON Lines (records as
 * `hippo export` writes them), plain text (one fact a line) and markdown (one fact a list item).
 * Pure string code, so the CLI under Node and the renderer in a sandboxed page parse a file the
 * same way and report the same line errors.
 */
import { ExportedFact, parseInput } from './contract';
import { toErrorPayload } from './errors';

export const IMPORT_FORMATS = ['jsonl', 'text', 'markdown'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** One fact found in the file, with the 1-based line it starts on. */
export interface ParsedRecord {
  line: number;
  record: ExportedFact;
}

export interface LineError {
  line: number;
  message: string;
}

export interface ParsedFile {
  records: ParsedRecord[];
  errors: LineError[];
}

const EXTENSIONS: Record<string, ImportFormat> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
};

/** The extensions that name a format, as the file picker's `accept` lists them. */
export const IMPORT_EXTENSIONS = Object.keys(EXTENSIONS);

/** The format a file's extension names (any letter case), or null when it names none. */
export function formatFromFileName(name: string): ImportFormat | null {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  // A leading dot starts a hidden file's name, not an extension (as node:path's extname has it).
  if (dot <= 0) return null;
  return EXTENSIONS[base.slice(dot).toLowerCase()] ?? null;
}

export function parseImport(text: string, format: ImportFormat): ParsedFile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (format === 'jsonl') return parseJsonl(lines);
  if (format === 'text') return parseText(lines);
  return parseMarkdown(lines);
}

/** Validates one candidate record; every message starts with the field it is about. */
function check(out: ParsedFile, line: number, value: unknown): void {
  try {
    out.records.push({ line, record: parseInput(ExportedFact, value) });
  } catch (e) {
    // parseInput names a whole-record problem (unknown fields) "input"; here the line says where.
    out.errors.push({ line, message: toErrorPayload(e).message.replace(/^input: /, '') });
  }
}

/** One encode input (or exported record) per line; blank lines are skipped. */
export function parseJsonl(lines: string[]): ParsedFile {
  const out: ParsedFile = { records: [], errors: [] };
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      out.errors.push({ line: i + 1, message: `not valid JSON (${(e as Error).message})` });
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      out.errors.push({ line: i + 1, message: 'must be a JSON object like {"content": "..."}' });
      return;
    }
    check(out, i + 1, value);
  });
  return out;
}

/** One fact per non-blank line, surrounding whitespace trimmed. */
export function parseText(lines: string[]): ParsedFile {
  const out: ParsedFile = { records: [], errors: [] };
  lines.forEach((raw, i) => {
    const content = raw.trim();
    if (content !== '') check(out, i + 1, { content });
  });
  return out;
}

const BULLET = /^\s*(?:[-*+]|\d{1,9}[.)])(?:\s+|$)(.*)$/;
const THEMATIC_BREAK = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const TASK_BOX = /^\[[ xX]\]\s+/;

/**
 * One fact per list item (-, *, + or "1."), nested items included; indented lines right below an
 * item continue it. Headings, paragraphs, code blocks and empty items are not facts.
 */
export function parseMarkdown(lines: string[]): ParsedFile {
  const out: ParsedFile = { records: [], errors: [] };
  let current: { line: number; parts: string[] } | null = null;
  let fence: string | null = null;
  const flush = (): void => {
    if (current) {
      const content = current.parts.join(' ').trim();
      if (content !== '') check(out, current.line, { content });
    }
    current = null;
  };
  lines.forEach((raw, i) => {
    const fenceMark = FENCE.exec(raw)?.[1];
    if (fence !== null) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = null;
      return;
    }
    if (fenceMark) {
      flush();
      fence = fenceMark;
      return;
    }
    const bullet = THEMATIC_BREAK.test(raw) ? null : BULLET.exec(raw);
    if (bullet) {
      flush();
      current = { line: i + 1, parts: [bullet[1]!.replace(TASK_BOX, '')] };
      return;
    }
    const continues = current !== null && raw.trim() !== '' && /^\s+/.test(raw) && !/^\s*#/.test(raw);
    if (continues) current!.parts.push(raw.trim());
    else flush();
  });
  flush();
  return out;
}
