import { InvalidArgumentError } from 'commander';
import { HippoError } from '../shared/errors';

/** commander argParser for --limit/--offset: a whole number (ranges are checked by the engine). */
export function parseInteger(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('must be a whole number.');
  return Number(value);
}

/** commander argParser for --confidence/--min-confidence: a decimal number. */
export function parseNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('must be a number.');
  return n;
}

/** A fact id argument: a positive integer, else BAD_INPUT naming what was given. */
export function parseFactId(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0)
    throw new HippoError('BAD_INPUT', `ID must be a positive whole number, got "${value}"`);
  return n;
}

/** commander argParser for an option naming a fact (--supersedes): a positive whole number. */
export function parseFactIdOption(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('must be a positive fact id.');
  return n;
}

/** Copies the options that are set, so `undefined` never reaches a strict zod schema. */
export function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
