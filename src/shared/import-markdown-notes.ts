/**
 * A markdown note (an Obsidian vault's page) as facts: one a paragraph or list item, each with the
 * heading it sits under. Pure string code; the folder walk and the re-import that updates instead
 * of duplicating are in src/cli/import-vault.ts.
 */
import { splitLongText } from './long-content';

export interface NoteBlock {
  /** 1-based line the paragraph or item starts on. */
  line: number;
  /** The nearest heading above it, null before the first. */
  heading: string | null;
  content: string;
}

const ATX_HEADING = /^\s{0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/;
const SETEXT_UNDERLINE = /^\s{0,3}(=+|-+)\s*$/;
const BULLET = /^\s*(?:[-*+]|\d{1,9}[.)])(?:\s+|$)(.*)$/;
const THEMATIC_BREAK = /^\s{0,3}([-*_])(?:\s*\1){2,}\s*$/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;
const TASK_BOX = /^\[[ xX-]\]\s+/;
const TABLE_ROW = /^\s*\|/;
const BLOCKQUOTE = /^\s{0,3}>\s?/;
const CALLOUT_HEAD = /^\[!\w+\][+-]?\s*/;

/** Obsidian's [[Page]] and [[Page|shown text]] read as the text they show. */
const wikiLinks = (s: string): string =>
  s.replace(/!?\[\[([^\]|]+)(?:\|([^\]]+))?\]\]/g, (_m, page: string, shown?: string) =>
    (shown ?? page).trim(),
  );

/**
 * Paragraphs and list items (nested items are facts of their own; indented lines right below an
 * item continue it; a block quote's lines are a paragraph) under their nearest heading. Not facts:
 * headings, YAML front matter (--- at the first line to the next --- or ...), fenced code blocks,
 * tables, %% comments %%, thematic breaks and empty items. A block longer than a fact may be is
 * cut into several (see splitLongText).
 */
export function parseMarkdownNotes(text: string): NoteBlock[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const blocks: NoteBlock[] = [];
  let heading: string | null = null;
  let current: { line: number; parts: string[]; item: boolean; quote: boolean } | null = null;
  let fence: string | null = null;
  let comment = false;

  const flush = (): void => {
    if (current) {
      const content = wikiLinks(current.parts.join(' ').replace(/\s+/g, ' ')).trim();
      for (const piece of content === '' ? [] : splitLongText(content))
        blocks.push({ line: current.line, heading, content: piece });
    }
    current = null;
  };

  let i = 0;
  if (/^---\s*$/.test(lines[0] ?? '')) {
    const end = lines.findIndex((l, k) => k > 0 && /^(---|\.\.\.)\s*$/.test(l));
    if (end > 0) i = end + 1;
  }
  for (; i < lines.length; i++) {
    const raw = lines[i]!;
    const fenceMark = FENCE.exec(raw)?.[1];
    if (fence !== null) {
      if (fenceMark && fenceMark[0] === fence[0] && fenceMark.length >= fence.length) fence = null;
      continue;
    }
    if (comment || raw.trim().startsWith('%%')) {
      flush();
      const marks = raw.split('%%').length - 1;
      if (marks % 2 === 1) comment = !comment;
      continue;
    }
    if (fenceMark) {
      flush();
      fence = fenceMark;
      continue;
    }
    const atx = ATX_HEADING.exec(raw);
    if (atx) {
      flush();
      heading = (atx[2] ?? '').trim() || null;
      continue;
    }
    // "Title" underlined with === or --- is a heading when the paragraph is that one line.
    const underline = SETEXT_UNDERLINE.exec(raw);
    if (underline && current && !current.item && current.parts.length === 1) {
      heading = current.parts[0]!.trim();
      current = null;
      continue;
    }
    if (THEMATIC_BREAK.test(raw) || TABLE_ROW.test(raw)) {
      flush();
      continue;
    }
    const bullet = BULLET.exec(raw);
    if (bullet) {
      flush();
      current = { line: i + 1, parts: [bullet[1]!.replace(TASK_BOX, '')], item: true, quote: false };
      continue;
    }
    if (raw.trim() === '') {
      flush();
      continue;
    }
    const quoted = BLOCKQUOTE.test(raw);
    const body = quoted ? raw.replace(BLOCKQUOTE, '').replace(CALLOUT_HEAD, '') : raw.trim();
    // A quote starts its own paragraph and ends at the first line outside it.
    if (current && (current.item ? !/^\s+/.test(raw) : current.quote !== quoted)) flush();
    if (current) current.parts.push(body.trim());
    else current = { line: i + 1, parts: [body.trim()], item: false, quote: quoted };
  }
  flush();
  return blocks;
}
