/**
 * The one contract every face (CLI, IPC, HTTP, MCP) parses with. Types are inferred
 * from the schemas; nothing re-declares them by hand.
 */
import { z } from 'zod';
import { HippoError } from './errors';

export const LIMITS = {
  contentMaxChars: 50_000,
  queryMaxChars: 10_000,
  contextMaxChars: 10_000,
  nameMaxChars: 100,
  sourceMaxChars: 1_000,
  encodeManyMax: 10_000,
  recallLimitMax: 100,
  listLimitMax: 1_000,
} as const;

export const DEFAULT_SPACE = 'personal';
export const DEFAULT_CATEGORY = 'general';
export const DEFAULT_CONFIDENCE = 1;

export const SpaceName = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
    'space must be 1-64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
  );

const Name = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `${what} must not be empty`)
    .max(LIMITS.nameMaxChars, `${what} must be at most ${LIMITS.nameMaxChars} characters`);

/** ISO 8601 date-time (with or without offset) or epoch milliseconds; stored as epoch ms. */
export const Timestamp = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .refine(
      (s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(s) && !Number.isNaN(Date.parse(s)),
      {
        message: 'must be an ISO 8601 date or date-time',
      },
    ),
]);

export function timestampToMs(t: z.infer<typeof Timestamp>): number {
  return typeof t === 'number' ? t : Date.parse(t);
}

export const Content = z
  .string()
  .refine((s) => s.trim().length > 0, { message: 'content must not be empty' })
  .refine((s) => s.length <= LIMITS.contentMaxChars, {
    message: `content must be at most ${LIMITS.contentMaxChars} characters`,
  });

export const Confidence = z
  .number()
  .min(0, 'confidence must be between 0 and 1')
  .max(1, 'confidence must be between 0 and 1');

export const EncodeInput = z.strictObject({
  content: Content,
  category: Name('category').optional(),
  label: Name('label').optional(),
  confidence: Confidence.optional(),
  source: z.string().max(LIMITS.sourceMaxChars).optional(),
  created_at: Timestamp.optional(),
  space: SpaceName.optional(),
  /** The id of a current fact this one replaces: it is kept, marked superseded by the new fact. */
  supersedes: z.number().int().positive('supersedes must be a positive fact id').optional(),
});
export type EncodeInput = z.infer<typeof EncodeInput>;

export const EncodeStatus = z.enum(['created', 'duplicate', 'merged']);
export type EncodeStatus = z.infer<typeof EncodeStatus>;

/**
 * A current fact that the encoded one may update (same label or category, similar but not a
 * duplicate), for the caller to offer "replace" (supersede it) or "keep both". similarity is the
 * cosine of the two embeddings, or the share of words they have in common when text-only.
 */
export const PossibleUpdate = z.object({
  id: z.number().int(),
  content: z.string(),
  similarity: z.number(),
  reason: z.enum(['same_label', 'same_category']),
});
export type PossibleUpdate = z.infer<typeof PossibleUpdate>;

export const EncodeResult = z.object({
  id: z.number().int(),
  status: EncodeStatus,
  label: z.string().nullable(),
  /** The fact this one superseded (encode with `supersedes`). */
  supersedes: z.number().int().optional(),
  /** Present (single encode, status created) when some current facts look like earlier versions. */
  possible_updates: z.array(PossibleUpdate).optional(),
});
export type EncodeResult = z.infer<typeof EncodeResult>;

export const EncodeManyInput = z.strictObject({
  facts: z.array(EncodeInput).min(1).max(LIMITS.encodeManyMax),
  space: SpaceName.optional(),
});
export type EncodeManyInput = z.infer<typeof EncodeManyInput>;

/** Filters shared by recall and list. */
const factFilterFields = {
  category: Name('category').optional(),
  label: Name('label').optional(),
  minConfidence: Confidence.optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
  space: SpaceName.optional(),
  /** Answer from what was current then: facts created by then, not yet superseded or forgotten. */
  as_of: Timestamp.optional(),
};

/** An IANA time zone name the runtime knows ("Europe/Paris", "UTC"). */
export const TimeZoneName = z.string().refine(
  (s) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: s });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as "Europe/Paris" or "UTC"' },
);

export const RecallFilters = z.strictObject({
  limit: z.number().int().min(1).max(LIMITS.recallLimitMax).optional(),
  ...factFilterFields,
  /** The "now" time words ("yesterday", "last week") and recency are read against; default now. */
  reference_date: Timestamp.optional(),
  /** The time zone calendar words are read in; default the machine's. */
  time_zone: TimeZoneName.optional(),
  /** false: the query's time words are searched as words, not read as a time window. */
  time_words: z.boolean().optional(),
  /** true: each result says why it matched (SearchResult.explain). */
  explain: z.boolean().optional(),
});
export type RecallFilters = z.infer<typeof RecallFilters>;

export const RecallInput = RecallFilters.extend({
  query: z
    .string()
    .refine((s) => s.trim().length > 0, { message: 'query must not be empty' })
    .refine((s) => s.length <= LIMITS.queryMaxChars, {
      message: `query must be at most ${LIMITS.queryMaxChars} characters`,
    }),
  context: z.string().max(LIMITS.contextMaxChars).optional(),
});
export type RecallInput = z.infer<typeof RecallInput>;

/** Why a result matched (recall with `explain: true`). Ranks start at 1; null: not in that list. */
export const RecallExplain = z.object({
  /** The query's words found in the fact (after time words are taken out). */
  matched_words: z.array(z.string()),
  /** Query words no fact holds, read as a word of this fact (search as you type, typos). */
  expanded_words: z.array(z.object({ word: z.string(), as: z.string() })).optional(),
  vector: z.object({ rank: z.number().int(), similarity: z.number(), contribution: z.number() }).nullable(),
  /** The word list's rank; proximity is the part of its score that close query words added. */
  words: z
    .object({ rank: z.number().int(), contribution: z.number(), proximity: z.number().optional() })
    .nullable(),
  context: z.object({ rank: z.number().int(), contribution: z.number() }).nullable(),
  /** Tie-breakers added to the fused score (see fuse-ranks.ts). */
  boosts: z.object({ recency: z.number(), confidence: z.number() }),
  /** The fused score before the boosts, and after (= the result's score). */
  base_score: z.number(),
  score: z.number(),
  /** True when the query was only time words and the window's facts are listed newest first. */
  by_recency: z.boolean().optional(),
});
export type RecallExplain = z.infer<typeof RecallExplain>;

/** Which words of the query recall read as which time window (ISO times, `until` exclusive). */
export const RecallTimeRead = z.object({
  phrases: z.array(
    z.object({ phrase: z.string(), since: z.string().nullable(), until: z.string().nullable() }),
  ),
  /** The window searched: the phrases' windows and the since/until filters intersected. */
  since: z.string().nullable(),
  until: z.string().nullable(),
  /** What was left to search; empty when the window's facts were listed newest first. */
  query: z.string(),
  reference_date: z.string(),
  time_zone: z.string(),
});
export type RecallTimeRead = z.infer<typeof RecallTimeRead>;

export const SearchResult = z.object({
  fact_id: z.number().int(),
  content: z.string(),
  category: z.string(),
  confidence: z.number(),
  label_name: z.string().nullable(),
  /** Cosine similarity of query and fact embeddings; null in text-only mode. */
  similarity: z.number().nullable(),
  /** Fused rank score; higher is better. */
  score: z.number(),
  source: z.string().nullable(),
  created_at: z.string(),
  /** For long content (several passages, see passages.ts): the passage that best answers the query. */
  snippet: z.string().optional(),
  explain: RecallExplain.optional(),
});
export type SearchResult = z.infer<typeof SearchResult>;

export const RecallMode = z.enum(['hybrid', 'text-only']);
export type RecallMode = z.infer<typeof RecallMode>;

/** What recall answers on every face: the results, the mode, and how time words were read. */
export const RecallResponse = z.object({
  mode: RecallMode,
  results: z.array(SearchResult),
  time: RecallTimeRead.optional(),
});
export type RecallResponse = z.infer<typeof RecallResponse>;

export const Fact = z.object({
  id: z.number().int(),
  space: z.string(),
  content: z.string(),
  category: z.string(),
  confidence: z.number(),
  label: z.string().nullable(),
  source: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
  deleted_at: z.string().nullable(),
  superseded_by: z.number().int().nullable(),
  /** When it stopped being current (superseded by another fact, or an earlier wording of one). */
  superseded_at: z.string().nullable(),
  access_count: z.number().int(),
  last_accessed_at: z.string().nullable(),
});
export type Fact = z.infer<typeof Fact>;

/**
 * One version in a fact's history: the fact itself, the facts it superseded and that superseded
 * it (its supersede chain), and the earlier wordings of each, newest first. reason says why it
 * stopped being current: 'edited' (an earlier wording of the same fact, kept when a near-duplicate
 * merged into it or a sync conflict was resolved), 'superseded' (replaced by another fact), or
 * 'forgotten'; null while current.
 */
export const FactVersion = Fact.extend({
  reason: z.enum(['edited', 'superseded', 'forgotten']).nullable(),
  /** When this version became current and when it stopped (null: still current). */
  current_from: z.string(),
  current_until: z.string().nullable(),
});
export type FactVersion = z.infer<typeof FactVersion>;

/** Which existing fact a new one replaces (facts:supersede); both must be current facts of the space. */
export const SupersedeInput = z.strictObject({
  old_id: z.number().int().positive('old_id must be a positive fact id'),
  new_id: z.number().int().positive('new_id must be a positive fact id'),
  space: SpaceName.optional(),
});
export type SupersedeInput = z.infer<typeof SupersedeInput>;

export const FactPatch = z
  .strictObject({
    content: Content.optional(),
    category: Name('category').optional(),
    label: Name('label').nullable().optional(),
    confidence: Confidence.optional(),
    source: z.string().max(LIMITS.sourceMaxChars).nullable().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, { message: 'nothing to update' });
export type FactPatch = z.infer<typeof FactPatch>;

export const ListInput = z.strictObject({
  limit: z.number().int().min(1).max(LIMITS.listLimitMax).optional(),
  offset: z.number().int().min(0).optional(),
  deleted: z.enum(['exclude', 'include', 'only']).optional(),
  ...factFilterFields,
});
export type ListInput = z.infer<typeof ListInput>;

export const ListResult = z.object({
  facts: z.array(Fact),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type ListResult = z.infer<typeof ListResult>;

/** A label's new name (labels rename): what Memory.renameLabel and PostgresStore.renameLabel parse. */
export const LabelName = Name('label name');

export const Label = z.object({
  id: z.number().int(),
  name: z.string(),
  kind: z.string(),
  category: z.string().nullable(),
  fact_count: z.number().int(),
  created_at: z.string(),
});
export type Label = z.infer<typeof Label>;

/**
 * An earlier state of a label: the name (kind, category) it had before it was renamed, lost a
 * sync conflict to another device's change, or was merged into the label asked about.
 */
export const LabelVersion = z.object({
  name: z.string(),
  kind: z.string(),
  category: z.string().nullable(),
  reason: z.enum(['renamed', 'conflict', 'merged']),
  /** When the label got this state, and when it stopped being the label's. */
  updated_at: z.string(),
  superseded_at: z.string(),
  /** The device that gave the label this state. */
  origin_device: z.string(),
});
export type LabelVersion = z.infer<typeof LabelVersion>;

export const Stats = z.object({
  space: z.string(),
  facts: z.number().int(),
  deleted: z.number().int(),
  labels: z.number().int(),
  categories: z.record(z.string(), z.number().int()),
  pending_embeddings: z.number().int(),
  mode: RecallMode,
  model: z.string().nullable(),
  db_path: z.string(),
  db_bytes: z.number().int(),
  schema_version: z.number().int(),
});
export type Stats = z.infer<typeof Stats>;

export const ImportSummary = z.object({
  created: z.number().int(),
  duplicate: z.number().int(),
  merged: z.number().int(),
  failed: z.number().int(),
});
export type ImportSummary = z.infer<typeof ImportSummary>;

/** One exported fact: everything needed to re-create it losslessly with `import`. */
export const ExportedFact = z.strictObject({
  content: Content,
  category: Name('category').optional(),
  label: Name('label').optional(),
  confidence: Confidence.optional(),
  source: z.string().max(LIMITS.sourceMaxChars).optional(),
  created_at: Timestamp.optional(),
  updated_at: Timestamp.optional(),
  deleted_at: Timestamp.optional(),
  space: SpaceName.optional(),
});
export type ExportedFact = z.infer<typeof ExportedFact>;

/**
 * Parses with a schema and throws BAD_INPUT naming the offending field, e.g.
 * "facts[3].confidence: confidence must be between 0 and 1". `where` prefixes the field path.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where?: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const path = [where, issue.path.map(String).join('.')].filter(Boolean).join('.') || 'input';
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown field(s): ${issue.keys.join(', ')}`;
  throw new HippoError('BAD_INPUT', `${path}: ${message}`);
}
