import { isHippoError, type ErrorCode } from '../../shared/errors';

/** The engine's codes plus the ones only HTTP has (auth, host checks, body rules). */
export type HttpErrorCode =
  ErrorCode | 'UNAUTHORIZED' | 'FORBIDDEN' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'UNAVAILABLE';

export interface HttpErrorBody {
  error: { code: HttpErrorCode; message: string };
}

/** An error the server answers with a given status and code. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: HttpErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_OF_CODE: Partial<Record<ErrorCode, number>> = {
  BAD_INPUT: 400,
  NOT_FOUND: 404,
  MODEL_MISSING: 503,
  MODEL_FAILED: 503,
  NOT_SUPPORTED: 501,
};

/** Fastify's own errors (body parsing, limits) by their code. */
const FASTIFY_ERRORS: Record<string, { status: number; code: HttpErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: '' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'request bodies must be application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'BAD_INPUT',
    message: 'body: length does not match Content-Length',
  },
};

/** Maps anything thrown while handling a request to a status and the `{ error }` body. */
export function toHttpError(e: unknown, bodyLimitBytes: number): { status: number; body: HttpErrorBody } {
  const reply = (status: number, code: HttpErrorCode, message: string) => ({
    status,
    body: { error: { code, message } },
  });
  if (e instanceof HttpError) return reply(e.status, e.code, e.message);
  if (isHippoError(e)) return reply(STATUS_OF_CODE[e.code] ?? 500, e.code, e.message);
  const err = e as { code?: string; statusCode?: number; message?: string };
  const known = err.code ? FASTIFY_ERRORS[err.code] : undefined;
  if (known)
    return reply(
      known.status,
      known.code,
      known.code === 'PAYLOAD_TOO_LARGE' ? `body: larger than ${bodyLimitBytes} bytes` : known.message,
    );
  if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500)
    return reply(err.statusCode, 'BAD_INPUT', err.message ?? 'bad request');
  return reply(500, 'INTERNAL', err.message ?? String(e));
}
