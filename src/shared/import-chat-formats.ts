/**
 * Chat history as facts, one a turn ("speaker: text"), with the turn's time as created_at and its
 * conversation as source. Three shapes: Hippo's own chat JSONL, ChatGPT's data export
 * (conversations.json) and Claude's data export (conversations.json). Pure code over the file's
 * text, shared by `hippo import` and the app's import panel. README "Import formats" documents
 * the exact shapes read here.
 */
import { LIMITS } from './contract';
import type { LineError, ParsedFile } from './import-formats';
import { speakerFacts } from './long-content';

/** Who "user" and "assistant" turns are in ChatGPT and Claude exports. */
export interface SpeakerNames {
  /** The person who exported their history (default "me"). */
  user?: string;
  /** The assistant (default "ChatGPT" or "Claude", by export). */
  assistant?: string;
}

export const DEFAULT_USER_NAME = 'me';
const SPEAKER_MAX = LIMITS.nameMaxChars;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A problem with one record; `detail` names the message of a conversation it is about. */
class RecordError extends Error {
  constructor(
    message: string,
    readonly detail?: string,
  ) {
    super(message);
  }
}

/** epoch seconds (fractional) → epoch ms, as ChatGPT's create_time is. */
const secondsToMs = (s: number): number => Math.round(s * 1000);

/**
 * A chat turn's timestamp: an ISO 8601 date-time, or a number of epoch seconds (below 1e11, i.e.
 * up to the year 5138) or milliseconds (from 1e11 on), as chat logs write either.
 */
function turnTime(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0)
    return value < 1e11 ? secondsToMs(value) : Math.round(value);
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return ms;
  }
  throw new RecordError(
    `${field}: must be an ISO 8601 date-time or a number of epoch seconds or milliseconds, got ${JSON.stringify(value)}`,
  );
}

function speakerName(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.trim() === '')
    throw new RecordError(`${field}: must be a non-empty string`);
  const name = value.trim();
  if (name.length > SPEAKER_MAX) throw new RecordError(`${field}: must be at most ${SPEAKER_MAX} characters`);
  return name;
}

/** `chat:<conversation>`-style sources, cut to the limit a source has. */
function sourceOf(kind: string, name: string | null, id: string | null): string {
  const label = [name, id && name ? `(${id})` : id].filter(Boolean).join(' ');
  const source = label ? `${kind}:${label}` : kind;
  return source.length <= LIMITS.sourceMaxChars ? source : source.slice(0, LIMITS.sourceMaxChars);
}

function pushTurn(
  out: ParsedFile,
  line: number,
  speaker: string,
  text: string,
  created: number | undefined,
  source: string,
): void {
  for (const content of speakerFacts(speaker, text)) {
    const record: ParsedFile['records'][number]['record'] = { content, source };
    if (created !== undefined) record.created_at = created;
    out.records.push({ line, record });
  }
}

/**
 * Chat JSONL: one turn a line, `{"speaker", "text", "timestamp", "conversation"?}`; other fields
 * are ignored. A turn is the fact "speaker: text", created at its timestamp, with the source
 * `chat:<conversation>` (`chat` when the line names none).
 */
export function parseChatJsonl(lines: string[]): ParsedFile {
  const out: ParsedFile = { records: [], errors: [] };
  lines.forEach((raw, i) => {
    if (raw.trim() === '') return;
    const line = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (e) {
      out.errors.push({ line, message: `not valid JSON (${(e as Error).message})` });
      return;
    }
    try {
      if (!isObj(value))
        throw new RecordError(
          'must be a JSON object like {"speaker": "...", "text": "...", "timestamp": "..."}',
        );
      const speaker = speakerName(value.speaker, 'speaker');
      if (typeof value.text !== 'string' || value.text.trim() === '')
        throw new RecordError('text: must be a non-empty string');
      const created = turnTime(value.timestamp, 'timestamp');
      const conversation = value.conversation;
      if (conversation !== undefined && conversation !== null && typeof conversation !== 'string')
        throw new RecordError('conversation: must be a string');
      const name =
        typeof conversation === 'string' && conversation.trim() !== '' ? conversation.trim() : null;
      pushTurn(out, line, speaker, value.text, created, sourceOf('chat', name, null));
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      out.errors.push({ line, message: e.message });
    }
  });
  return out;
}

/** The file as one JSON array of conversations, or the error that says why it is not. */
function conversationsOf(text: string, what: string): unknown[] | LineError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { line: 1, at: 'the file', message: `not valid JSON (${(e as Error).message})` };
  }
  if (!Array.isArray(value))
    return {
      line: 1,
      at: 'the file',
      message: `must be a JSON array of conversations, as ${what} writes it`,
    };
  return value;
}

/** Runs `read` on each conversation, turning a RecordError into that conversation's error. */
function eachConversation(
  text: string,
  what: string,
  read: (conversation: Obj, out: ParsedFile, where: (detail?: string) => string, n: number) => void,
  titleOf: (c: Obj) => unknown,
): ParsedFile {
  const out: ParsedFile = { records: [], errors: [] };
  const all = conversationsOf(text, what);
  if (!Array.isArray(all)) {
    out.errors.push(all);
    return out;
  }
  all.forEach((c, i) => {
    const n = i + 1;
    const title = isObj(c) ? titleOf(c) : undefined;
    const name = typeof title === 'string' && title.trim() !== '' ? ` ("${title.trim().slice(0, 60)}")` : '';
    const where = (detail?: string) => `conversation ${n}${name}${detail ? `, ${detail}` : ''}`;
    // One conversation's records all or none: a bad message fails its conversation.
    const own: ParsedFile = { records: [], errors: [] };
    try {
      if (!isObj(c)) throw new RecordError('must be a JSON object');
      read(c, own, where, n);
      out.records.push(...own.records);
    } catch (e) {
      if (!(e instanceof RecordError)) throw e;
      out.errors.push({ line: n, at: where(e.detail), message: e.message });
    }
  });
  return out;
}

/** A RecordError about one message of a conversation: "message <id>" goes into the error's `at`. */
const messageError = (detail: string, message: string) => new RecordError(message, detail);

/** Text parts of a ChatGPT message (strings; images, files and other objects are left out). */
const CHATGPT_TEXT_TYPES = new Set(['text', 'multimodal_text']);

/**
 * ChatGPT's conversations.json: `[{ id?, conversation_id?, title, create_time, current_node,
 * mapping: { <node id>: { id, parent, children, message: null | { author: { role }, content: {
 * content_type, parts }, create_time, recipient?, metadata? } } } }]`. The conversation's current
 * branch (from current_node up its parents to the root, so edited and regenerated turns that were
 * left behind are not taken), user and assistant messages whose content_type is text or
 * multimodal_text, their string parts joined by new lines; system, tool and hidden messages,
 * messages addressed to a tool (recipient other than "all"), images and empty messages are
 * skipped. created_at is the message's create_time (epoch seconds), else the conversation's.
 * Without current_node, the branch ends at the newest leaf reached by always taking the last child.
 */
export function parseChatGptExport(text: string, names: SpeakerNames = {}): ParsedFile {
  const user = names.user ?? DEFAULT_USER_NAME;
  const assistant = names.assistant ?? 'ChatGPT';
  return eachConversation(
    text,
    'ChatGPT’s data export',
    (c, out, _where, n) => {
      if (!isObj(c.mapping)) throw new RecordError('mapping: must be an object of message nodes');
      const mapping = c.mapping;
      const convTime = optionalSeconds(c.create_time, 'create_time');
      const id =
        typeof c.conversation_id === 'string' ? c.conversation_id : typeof c.id === 'string' ? c.id : null;
      const title = typeof c.title === 'string' && c.title.trim() !== '' ? c.title.trim() : null;
      const source = sourceOf('chatgpt', title ?? (id ? null : 'untitled'), id);
      for (const nodeId of currentBranch(mapping, c.current_node)) {
        const node = mapping[nodeId];
        const at = `message ${nodeId}`;
        if (!isObj(node)) throw messageError(at, `mapping["${nodeId}"]: must be an object`);
        const m = node.message;
        if (m === null || m === undefined) continue;
        if (!isObj(m)) throw messageError(at, 'message: must be an object or null');
        const role = isObj(m.author) ? m.author.role : undefined;
        if (typeof role !== 'string') throw messageError(at, 'message.author.role: must be a string');
        if (role !== 'user' && role !== 'assistant') continue;
        if (m.recipient !== undefined && m.recipient !== null && m.recipient !== 'all') continue;
        if (isObj(m.metadata) && m.metadata.is_visually_hidden_from_conversation === true) continue;
        if (!isObj(m.content)) throw messageError(at, 'message.content: must be an object');
        if (!CHATGPT_TEXT_TYPES.has(String(m.content.content_type))) continue;
        const parts = m.content.parts;
        if (!Array.isArray(parts)) throw messageError(at, 'message.content.parts: must be an array');
        const body = parts
          .filter((p): p is string => typeof p === 'string')
          .join('\n')
          .trim();
        if (body === '') continue;
        let time: number | undefined;
        try {
          time = optionalSeconds(m.create_time, 'message.create_time') ?? convTime;
        } catch (e) {
          throw messageError(at, (e as Error).message);
        }
        pushTurn(out, n, role === 'user' ? user : assistant, body, time, source);
      }
    },
    (c) => c.title,
  );
}

function optionalSeconds(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new RecordError(
      `${field}: must be a number of epoch seconds or null, got ${JSON.stringify(value)}`,
    );
  return secondsToMs(value);
}

/** Node ids from the root down to current_node (or the newest leaf), guarding against cycles. */
function currentBranch(mapping: Obj, currentNode: unknown): string[] {
  let leaf: string;
  if (typeof currentNode === 'string') {
    if (!(currentNode in mapping))
      throw new RecordError(`current_node: "${currentNode}" is not a node of mapping`);
    leaf = currentNode;
  } else if (currentNode === undefined || currentNode === null) {
    const ids = Object.keys(mapping);
    const root = ids.find((id) => {
      const node = mapping[id];
      return isObj(node) && (node.parent === null || node.parent === undefined);
    });
    if (root === undefined) return [];
    leaf = root;
    const seen = new Set([leaf]);
    for (;;) {
      const node = mapping[leaf];
      const children = isObj(node) && Array.isArray(node.children) ? node.children : [];
      const next = children.at(-1);
      if (typeof next !== 'string' || !(next in mapping) || seen.has(next)) break;
      seen.add(next);
      leaf = next;
    }
  } else {
    throw new RecordError('current_node: must be a node id (a string)');
  }
  const branch: string[] = [];
  const seen = new Set<string>();
  for (let id: string | null = leaf; id !== null;) {
    if (seen.has(id)) throw new RecordError(`mapping: node "${id}" is its own ancestor (a cycle of parents)`);
    seen.add(id);
    branch.push(id);
    const node = mapping[id];
    const parent: unknown = isObj(node) ? node.parent : undefined;
    if (parent === null || parent === undefined) id = null;
    else if (typeof parent !== 'string' || !(parent in mapping))
      throw messageError(`message ${id}`, `parent: ${JSON.stringify(parent)} is not a node of mapping`);
    else id = parent;
  }
  return branch.reverse();
}

/**
 * Claude's conversations.json: `[{ uuid, name, created_at, chat_messages: [{ uuid, sender:
 * "human" | "assistant", text, content?: [{ type, text? }], created_at, parent_message_uuid? }]
 * }]`. A message's text is its content's `text` items joined by blank lines (tool use, tool
 * results and thinking left out), else its `text`; empty messages are skipped. When every message
 * names its parent_message_uuid, only the branch ending at the last message is taken (edits and
 * retries left behind are not); otherwise the messages in file order. created_at is the message's,
 * else the conversation's.
 */
export function parseClaudeExport(text: string, names: SpeakerNames = {}): ParsedFile {
  const user = names.user ?? DEFAULT_USER_NAME;
  const assistant = names.assistant ?? 'Claude';
  return eachConversation(
    text,
    'Claude’s data export',
    (c, out, _where, n) => {
      if (!Array.isArray(c.chat_messages)) throw new RecordError('chat_messages: must be an array');
      const convTime =
        c.created_at === undefined || c.created_at === null
          ? undefined
          : turnTime(c.created_at, 'created_at');
      const id = typeof c.uuid === 'string' ? c.uuid : null;
      const title = typeof c.name === 'string' && c.name.trim() !== '' ? c.name.trim() : null;
      const source = sourceOf('claude', title ?? (id ? null : 'untitled'), id);
      for (const [k, m] of claudeBranch(c.chat_messages)) {
        const at = `message ${isObj(m) && typeof m.uuid === 'string' ? m.uuid : k + 1}`;
        if (!isObj(m)) throw messageError(at, 'must be a JSON object');
        if (m.sender !== 'human' && m.sender !== 'assistant')
          throw messageError(at, `sender: must be "human" or "assistant", got ${JSON.stringify(m.sender)}`);
        let body = '';
        if (Array.isArray(m.content)) {
          body = m.content
            .filter((p): p is Obj => isObj(p) && p.type === 'text' && typeof p.text === 'string')
            .map((p) => (p.text as string).trim())
            .filter((t) => t !== '')
            .join('\n\n');
        }
        if (body === '' && m.text !== undefined && m.text !== null) {
          if (typeof m.text !== 'string') throw messageError(at, 'text: must be a string');
          body = m.text.trim();
        }
        if (body === '') continue;
        let time = convTime;
        try {
          if (m.created_at !== undefined && m.created_at !== null)
            time = turnTime(m.created_at, 'created_at');
        } catch (e) {
          throw messageError(at, (e as Error).message);
        }
        pushTurn(out, n, m.sender === 'human' ? user : assistant, body, time, source);
      }
    },
    // A file that is not Claude's (read with --format claude) still names its conversations.
    (c) => c.name ?? c.title,
  );
}

/** [index, message] of the branch to import, in order (see parseClaudeExport). */
function claudeBranch(messages: unknown[]): Array<[number, unknown]> {
  const indexed = messages.map((m, i) => [i, m] as [number, unknown]);
  const linked =
    messages.length > 0 &&
    messages.every(
      (m) => isObj(m) && typeof m.uuid === 'string' && typeof m.parent_message_uuid === 'string',
    );
  if (!linked) return indexed;
  const byId = new Map(indexed.map(([i, m]) => [(m as Obj).uuid as string, [i, m] as [number, unknown]]));
  const branch: Array<[number, unknown]> = [];
  const seen = new Set<string>();
  for (let at = indexed.at(-1); at;) {
    const id = (at[1] as Obj).uuid as string;
    if (seen.has(id)) break;
    seen.add(id);
    branch.push(at);
    at = byId.get((at[1] as Obj).parent_message_uuid as string);
  }
  return branch.reverse();
}
