import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../src/shared/contract';
import { detectImportFormat, parseImport } from '../../../src/shared/import-formats';
import { speakerFacts, splitLongText } from '../../../src/shared/long-content';

const FIXTURES = path.resolve(__dirname, '../../fixtures/imports');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');
const contents = (text: string, format: Parameters<typeof parseImport>[1], names = {}) =>
  parseImport(text, format, names).records.map((r) => r.record.content);

describe('chat JSONL', () => {
  it('makes one "speaker: text" fact a turn, created at its timestamp, from chat:<conversation>', () => {
    const parsed = parseImport(fixture('chat.jsonl'), 'chat');
    expect(parsed.errors).toEqual([]);
    expect(parsed.records).toEqual([
      {
        line: 1,
        record: {
          content: 'Ana: Did you book the ferry to Hydra?',
          source: 'chat:Greece trip',
          created_at: Date.parse('2024-06-01T09:15:00Z'),
        },
      },
      {
        line: 2,
        record: {
          content: 'me: Yes, the 8:30 ferry from Piraeus on June 12th.',
          source: 'chat:Greece trip',
          created_at: Date.parse('2024-06-01T09:16:30Z'),
        },
      },
      // Epoch seconds, and an extra field that is ignored.
      {
        line: 4,
        record: {
          content: "Ana: Great, I'll bring the snorkels.",
          source: 'chat:Greece trip',
          created_at: 1717233420_000,
        },
      },
      // Epoch milliseconds, no conversation.
      {
        line: 5,
        record: {
          content: 'Dr. Okafor: Your next dental check-up is on 3 September at 10am.',
          source: 'chat',
          created_at: 1719817200000,
        },
      },
    ]);
  });

  it.each([
    [
      '{"speaker": "Ana", "text": "hi"}',
      'timestamp: must be an ISO 8601 date-time or a number of epoch seconds or milliseconds, got undefined',
    ],
    ['{"speaker": "", "text": "hi", "timestamp": 1}', 'speaker: must be a non-empty string'],
    ['{"speaker": "Ana", "text": "  ", "timestamp": 1}', 'text: must be a non-empty string'],
    [
      '{"speaker": "Ana", "text": "hi", "timestamp": "last tuesday"}',
      'timestamp: must be an ISO 8601 date-time or a number of epoch seconds or milliseconds, got "last tuesday"',
    ],
    ['{"speaker": "Ana", "text": "hi", "timestamp": 1, "conversation": 7}', 'conversation: must be a string'],
    [
      '{"speaker": "' + 'x'.repeat(101) + '", "text": "hi", "timestamp": 1}',
      'speaker: must be at most 100 characters',
    ],
    ['["Ana", "hi"]', 'must be a JSON object like {"speaker": "...", "text": "...", "timestamp": "..."}'],
  ])('names the line and the field of a bad turn: %s', (bad, message) => {
    const good = '{"speaker": "Ana", "text": "hi", "timestamp": 1}';
    const parsed = parseImport([good, '', bad].join('\n'), 'chat');
    expect(parsed.errors).toEqual([{ line: 3, message }]);
    expect(parsed.records.map((r) => r.line)).toEqual([1]);
  });

  it('cuts a turn too long for one fact into numbered parts within the limit', () => {
    const paragraph = 'The quick brown fox jumps over the lazy dog. '.repeat(500).trim();
    const text = Array.from({ length: 6 }, () => paragraph).join('\n\n'); // ~135k characters
    const line = JSON.stringify({ speaker: 'Ana', text, timestamp: 5 });
    const parsed = parseImport(line, 'chat');
    expect(parsed.errors).toEqual([]);
    const parts = parsed.records.map((r) => r.record.content);
    expect(parts.length).toBe(3);
    parts.forEach((p, i) => {
      expect(p.length).toBeLessThanOrEqual(LIMITS.contentMaxChars);
      expect(p.startsWith(`Ana (part ${i + 1} of 3): The quick brown fox`)).toBe(true);
    });
    // Nothing lost: the parts hold every word of the turn.
    const words = (s: string) => s.split(/\s+/);
    const bodies = parts.map((p) => p.replace(/^Ana \(part \d of 3\): /, ''));
    expect(words(bodies.join(' '))).toEqual(words(text));
    expect(parsed.records.every((r) => r.record.created_at === 5000)).toBe(true);
  });
});

describe('splitLongText', () => {
  it('cuts at paragraph breaks, then sentences, then spaces, and never inside a surrogate pair', () => {
    expect(splitLongText('aaaa\n\nbbbb', 6)).toEqual(['aaaa', 'bbbb']);
    expect(splitLongText('One two. Three four.', 12)).toEqual(['One two.', 'Three four.']);
    expect(splitLongText('x'.repeat(10), 4)).toEqual(['xxxx', 'xxxx', 'xx']);
    const emoji = '😀'.repeat(5); // 10 UTF-16 units
    const pieces = splitLongText(emoji, 3);
    expect(pieces.join('')).toBe(emoji);
    for (const p of pieces) expect(p).toBe([...p].join('')); // no lone surrogates
    expect(pieces.every((p) => !/[\uD800-\uDBFF]$/.test(p))).toBe(true);
    expect(speakerFacts('me', 'short')).toEqual(['me: short']);
  });
});

describe('ChatGPT conversations.json', () => {
  it('takes the current branch, user and assistant text only, with their times and the conversation as source', () => {
    const parsed = parseImport(fixture('chatgpt-conversations.json'), 'chatgpt');
    expect(parsed.errors).toEqual([]);
    const source = 'chatgpt:Sourdough starter (c0ffee00-0000-4000-8000-000000000001)';
    expect(parsed.records.map((r) => r.record)).toEqual([
      { content: "me: What's a good name for a sourdough starter?", source, created_at: 1717000000123 },
      // The regenerated answer (a1-old) and the edited question (u2-old) are off the branch.
      { content: 'ChatGPT: How about Clint Yeastwood?', source, created_at: 1717000010250 },
      // multimodal_text: the image part is left out; no create_time: the conversation's.
      { content: 'me: Perfect. Feed it at 8am daily, remind me?', source, created_at: 1716999999900 },
      // The code sent to the python tool and its output are skipped.
      {
        content: "ChatGPT: Done: I'll remind you to feed Clint Yeastwood at 8am every day.",
        source,
        created_at: 1717000040000,
      },
      // Untitled: named by its id; the blank user message is skipped.
      {
        content: 'ChatGPT: Your passport number ends in 4471.',
        source: 'chatgpt:c0ffee00-0000-4000-8000-000000000002',
        created_at: 1718000000500,
      },
    ]);
  });

  it('names the speakers as asked', () => {
    const got = contents(fixture('chatgpt-conversations.json'), 'chatgpt', { user: 'Sam', assistant: 'GPT' });
    expect(got[0]).toBe("Sam: What's a good name for a sourdough starter?");
    expect(got[1]).toBe('GPT: How about Clint Yeastwood?');
  });

  it('without current_node follows the last child down from the root', () => {
    const convs = JSON.parse(fixture('chatgpt-conversations.json')) as Array<Record<string, unknown>>;
    delete convs[0]!.current_node;
    const got = contents(JSON.stringify([convs[0]]), 'chatgpt');
    expect(got).toEqual([
      "me: What's a good name for a sourdough starter?",
      'ChatGPT: How about Clint Yeastwood?',
      'me: Perfect. Feed it at 8am daily, remind me?',
      "ChatGPT: Done: I'll remind you to feed Clint Yeastwood at 8am every day.",
    ]);
  });

  it('reports a bad conversation by number, title, message and field, and keeps none of its messages', () => {
    const convs = JSON.parse(fixture('chatgpt-conversations.json')) as Array<{
      mapping: Record<string, { message: Record<string, unknown> | null; parent: unknown }>;
      current_node?: unknown;
    }>;
    convs[0]!.mapping.a2!.message!.create_time = 'yesterday';
    const parsed = parseImport(JSON.stringify(convs), 'chatgpt');
    expect(parsed.errors).toEqual([
      {
        line: 1,
        at: 'conversation 1 ("Sourdough starter"), message a2',
        message: 'message.create_time: must be a number of epoch seconds or null, got "yesterday"',
      },
    ]);
    expect(parsed.records.map((r) => r.line)).toEqual([2]);

    const cases: Array<[unknown, string, string]> = [
      [{ title: 'T', mapping: [] }, 'conversation 1 ("T")', 'mapping: must be an object of message nodes'],
      [
        { title: 'T', mapping: {}, current_node: 'nope' },
        'conversation 1 ("T")',
        'current_node: "nope" is not a node of mapping',
      ],
      [
        {
          title: 'T',
          mapping: { a: { parent: 'b', message: null }, b: { parent: 'a', message: null } },
          current_node: 'a',
        },
        'conversation 1 ("T")',
        'mapping: node "a" is its own ancestor (a cycle of parents)',
      ],
      [
        { mapping: { a: { parent: 'gone', message: null } }, current_node: 'a' },
        'conversation 1, message a',
        'parent: "gone" is not a node of mapping',
      ],
      [
        { mapping: { a: { parent: null, message: { author: {}, content: {} } } }, current_node: 'a' },
        'conversation 1, message a',
        'message.author.role: must be a string',
      ],
      [
        {
          mapping: {
            a: {
              parent: null,
              message: { author: { role: 'user' }, content: { content_type: 'text', parts: 'hi' } },
            },
          },
          current_node: 'a',
        },
        'conversation 1, message a',
        'message.content.parts: must be an array',
      ],
      ['just a string', 'conversation 1', 'must be a JSON object'],
    ];
    for (const [conv, at, message] of cases)
      expect(parseImport(JSON.stringify([conv]), 'chatgpt')).toEqual({
        records: [],
        errors: [{ line: 1, at, message }],
      });
    expect(parseImport('{"title": "not an array"}', 'chatgpt').errors).toEqual([
      {
        line: 1,
        at: 'the file',
        message: 'must be a JSON array of conversations, as ChatGPT’s data export writes it',
      },
    ]);
    expect(parseImport('[{', 'chatgpt').errors[0]!.message).toMatch(/^not valid JSON/);
  });
});

describe('Claude conversations.json', () => {
  it('takes the branch ending at the last message, text content only, with times and the conversation as source', () => {
    const parsed = parseImport(fixture('claude-conversations.json'), 'claude');
    expect(parsed.errors).toEqual([]);
    const source = 'claude:Bike maintenance (5e1f0000-0000-4000-8000-00000000000a)';
    expect(parsed.records.map((r) => r.record)).toEqual([
      {
        content: 'me: My bike chain is a KMC X11, 118 links.',
        source,
        created_at: Date.parse('2024-07-02T18:00:05.123Z'),
      },
      // The retried answer is off the branch; thinking, tool use and results are left out.
      {
        content:
          'Claude: Replace a KMC X11 chain once it stretches 0.5%.\n\nCheck it every 1,000 km with a chain checker.',
        source,
        created_at: Date.parse('2024-07-02T18:00:10Z'),
      },
      // No parent links: file order; created_at null: the conversation's; the empty answer skipped.
      {
        content: 'me: Our wedding anniversary is on 14 May.',
        source: 'claude:5e1f0000-0000-4000-8000-00000000000b',
        created_at: Date.parse('2024-08-10T08:00:00Z'),
      },
    ]);
    expect(contents(fixture('claude-conversations.json'), 'claude', { assistant: 'Claude 3' })[1]).toMatch(
      /^Claude 3: /,
    );
  });

  it('reports a bad message by conversation, message and field', () => {
    const bad = [
      { name: 'Ok', chat_messages: [{ uuid: 'k', sender: 'human', text: 'fine' }] },
      { name: 'Broken', chat_messages: [{ uuid: 'm9', sender: 'robot', text: 'hi' }] },
      { name: 'Late', chat_messages: [{ uuid: 'm1', sender: 'human', text: 'hi', created_at: 'soon' }] },
      { name: 'None' },
    ];
    const parsed = parseImport(JSON.stringify(bad), 'claude');
    expect(parsed.records.map((r) => r.record.content)).toEqual(['me: fine']);
    expect(parsed.errors).toEqual([
      {
        line: 2,
        at: 'conversation 2 ("Broken"), message m9',
        message: 'sender: must be "human" or "assistant", got "robot"',
      },
      {
        line: 3,
        at: 'conversation 3 ("Late"), message m1',
        message:
          'created_at: must be an ISO 8601 date-time or a number of epoch seconds or milliseconds, got "soon"',
      },
      { line: 4, at: 'conversation 4 ("None")', message: 'chat_messages: must be an array' },
    ]);
  });
});

describe('detectImportFormat', () => {
  it('tells chat exports and chat JSONL by their content, other files by extension', () => {
    expect(detectImportFormat('conversations.json', fixture('chatgpt-conversations.json'))).toBe('chatgpt');
    expect(detectImportFormat('x/conversations.JSON', fixture('claude-conversations.json'))).toBe('claude');
    expect(detectImportFormat('talk.jsonl', fixture('chat.jsonl'))).toBe('chat');
    expect(detectImportFormat('backup.jsonl', '{"content": "a fact", "source": "x"}')).toBe('jsonl');
    expect(detectImportFormat('empty.jsonl', '')).toBe('jsonl');
    expect(detectImportFormat('notes.md', '[{"mapping": {}}]')).toBe('markdown');
    // A key inside a message's text is escaped, so it is not taken for the conversation's.
    expect(detectImportFormat('c.json', '[{"chat_messages": [{"text": "{\\"mapping\\": 1}"}]}]')).toBe(
      'claude',
    );
    expect(detectImportFormat('data.json', '{"mapping": {}}')).toBeNull();
    expect(detectImportFormat('data.json', '[{"other": 1}]')).toBeNull();
    expect(detectImportFormat('data.csv', 'a,b')).toBeNull();
  });
});
