/**
 * Error codes that cross process boundaries (IPC, HTTP, CLI, worker messages).
 * Every failure a caller can act on has a code; the message names the problem.
 */
export const ERROR_CODES = [
  'BAD_INPUT',
  'NOT_FOUND',
  'MODEL_MISSING',
  'MODEL_FAILED',
  'DOWNLOAD_FAILED',
  'CHECKSUM_MISMATCH',
  'DB_ERROR',
  'MIGRATION_FAILED',
  /** The face asked cannot do this (a hotkey from the browser page, say); the message says where it can. */
  'NOT_SUPPORTED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

export class HippoError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HippoError';
    this.code = code;
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

export function isHippoError(e: unknown): e is HippoError {
  return e instanceof HippoError;
}

/** Any thrown value as a payload that can travel between processes. */
export function toErrorPayload(e: unknown): ErrorPayload {
  if (e instanceof HippoError) return e.toPayload();
  if (e instanceof Error) return { code: 'INTERNAL', message: e.message };
  return { code: 'INTERNAL', message: String(e) };
}

/** Rebuilds a HippoError from a payload received from another process. */
export function fromErrorPayload(p: ErrorPayload): HippoError {
  return new HippoError(p.code, p.message);
}

export async function toResult<T>(fn: () => T | Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    return { ok: false, error: toErrorPayload(e) };
  }
}
