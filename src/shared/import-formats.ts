/**
 * The file formats `hippo import` and the app's import panel read: JSON Lines (records as
 * `hippo export` writes them), plain text (one fact a line), markdown (one fact a list item) and
 * chat history (chat JSONL, ChatGPT's and Claude's conversations.json, in import-chat-formats.ts).
 * Pure string code, so the CLI under Node and the renderer in a sandboxed page parse a file the
 * same way and report the same line errors.
 */
import { ExportedFact, parseInput } from './contract';
import { toErrorPayload } from './errors';
import {
  parseChatGptExport,
  parseChatJsonl,
  parseClaudeExport,
  type SpeakerNames,
} from './import-chat-formats';

export const IMPORT_FORMATS = ['jsonl', 'text', 'markdown', 'chat', 'chatgpt', 'claude'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
export type { SpeakerNames };

/** One fact found in the file, with the 1-based line it starts on. */
export interface ParsedRecord {
  line: number;
  record: ExportedFact;
}

export interface LineError {
  /** The line (line formats), or the conversation's 1-based number (ChatGPT and Claude exports). */
  line: number;
  /** Where, in words, when "line N" would not say it: `conversation 3 ("Trip"), message <id>`. */
  at?: string;
  message: string;
}

/** "line 3", or the error's own `at`. */
export const errorPlace = (e: LineError): string => e.at ?? `line ${e.line}`;

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

/** The extensions that name a format, as the file picker's `accept` lists them (.json: chat exports). */
export const IMPORT_EXTENSIONS = [...Object.keys(EXTENSIONS), '.json'];

/** The format a file's extension names (any letter case), or null when it names none. */
export function formatFromFileName(name: string): ImportFormat | null {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  // A leading dot starts a hidden file's name, not an extension (as node:path's extname has it).
  if (dot <= 0) return null;
  return EXTENSIONS[base.slice(dot).toLowerCase()] ?? null;
}

/**
 * The format of a file by its name and content: a .json file is ChatGPT's export when its
 * conversations have a `mapping` and Claude's when they have `chat_messages`; a .jsonl (or
 * .ndjson) file is chat turns when its first record has `speaker` and `text` (and no `content`);
 * other extensions as formatFromFileName. Null when neither tells.
 */
export function detectImportFormat(name: string, text: string): ImportFormat | null {
  const byName = formatFromFileName(name);
  if (byName === 'jsonl') return isChatJsonl(text) ? 'chat' : 'jsonl';
  if (byName) return byName;
  if (!/\.json$/i.test(name)) return null;
  return chatExportKind(text);
}

function isChatJsonl(text: string): boolean {
  const first = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/, 50)
    .find((l) => l.trim() !== '');
  if (first === undefined) return false;
  try {
    const v: unknown = JSON.parse(first);
    return typeof v === 'object' && v !== null && 'speaker' in v && 'text' in v && !('content' in v);
  } catch {
    return false;
  }
}

/**
 * 'chatgpt' or 'claude' by the first conversation key that only one of them has, read as a key
 * (after "{" or ","), so a message quoting the word cannot mislead it.
 */
function chatExportKind(text: string): ImportFormat | null {
  if (!/^\uFEFF?\s*\[/.test(text)) return null;
  const key = /[{,]\s*"(mapping|chat_messages)"\s*:/.exec(text);
  if (!key) return null;
  return key[1] === 'mapping' ? 'chatgpt' : 'claude';
}

export function parseImport(text: string, format: ImportFormat, names: SpeakerNames = {}): ParsedFile {
  const clean = text.replace(/^\uFEFF/, '');
  if (format === 'chatgpt') return parseChatGptExport(clean, names);
  if (format === 'claude') return parseClaudeExport(clean, names);
  const lines = clean.split(/\r?\n/);
  if (format === 'jsonl') return parseJsonl(lines);
  if (format === 'chat') return parseChatJsonl(lines);
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
