import type { z } from 'zod';

/**
 * Query strings carry only text, while the contract's list input has numbers (limit, offset,
 * minConfidence, epoch-ms since/until). A value the field's schema rejects as text but accepts as a
 * number is passed as that number; everything else goes to the schema unchanged, so its errors
 * name the field as they do for JSON bodies.
 */
export function coerceQuery(schema: z.ZodObject, query: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (typeof query !== 'object' || query === null) return out;
  const shape = schema.shape as Record<string, z.ZodType | undefined>;
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    const field = shape[key];
    out[key] = value;
    if (!field || typeof value !== 'string' || field.safeParse(value).success) continue;
    if (/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(value.trim())) {
      const n = Number(value);
      if (Number.isFinite(n) && field.safeParse(n).success) out[key] = n;
    }
  }
  return out;
}
