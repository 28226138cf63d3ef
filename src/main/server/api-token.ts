import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HippoError } from '../../shared/errors';

/** The token file's name inside the Hippo data folder (`hippo serve` and the app share it). */
export const API_TOKEN_FILE = 'api-token';

/** Random bytes in a token; base64url makes 43 characters of them. */
const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43,}$/;

/** Windows has no POSIX modes; there the user profile's ACLs protect the file. */
const POSIX = process.platform !== 'win32';

/**
 * Returns the API token kept in `tokenFile`, creating it on first start: 32 random bytes
 * (base64url) in a 0600 file inside a 0700 folder. An existing folder or file with looser
 * permissions is tightened, since anyone who can read the token can read the user's memory.
 * A file holding something that is not a token (empty, truncated) is replaced by a new token.
 */
export function loadOrCreateToken(tokenFile: string): string {
  return guarded(tokenFile, () => {
    secureDir(tokenFile);
    const existing = readToken(tokenFile);
    if (existing) {
      tighten(tokenFile, 0o600);
      return existing;
    }
    return writeToken(tokenFile);
  });
}

/**
 * Replaces the token in `tokenFile` with a new one (0600, written atomically) and returns it; a
 * server holding the old token must be told (RunningServer.regenerateToken does both).
 */
export function writeNewToken(tokenFile: string): string {
  return guarded(tokenFile, () => {
    secureDir(tokenFile);
    return writeToken(tokenFile);
  });
}

function secureDir(tokenFile: string): void {
  const dir = path.dirname(tokenFile);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  tighten(dir, 0o700);
}

function writeToken(tokenFile: string): string {
  const token = randomBytes(TOKEN_BYTES).toString('base64url');
  // Write a sibling then rename: another process never reads a half-written token.
  const tmp = `${tokenFile}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${token}\n`, { mode: 0o600, flag: 'w' });
  tighten(tmp, 0o600);
  fs.renameSync(tmp, tokenFile);
  return token;
}

function guarded(tokenFile: string, work: () => string): string {
  try {
    return work();
  } catch (e) {
    if (e instanceof HippoError) throw e;
    throw new HippoError(
      'INTERNAL',
      `cannot create the API token file ${tokenFile}: ${(e as Error).message}`,
      {
        cause: e,
      },
    );
  }
}

function readToken(file: string): string | null {
  let text: string;
  try {
    const st = fs.lstatSync(file);
    if (!st.isFile())
      throw new HippoError('INTERNAL', `API token file ${file} is not a regular file; remove it and restart`);
    text = fs.readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  return TOKEN_PATTERN.test(text) ? text : null;
}

/** Removes group and other permission bits beyond `mode`. */
function tighten(target: string, mode: number): void {
  if (!POSIX) return;
  const current = fs.statSync(target).mode & 0o777;
  if ((current & ~mode) !== 0) fs.chmodSync(target, current & mode);
}

const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * Constant-time comparison. Both sides are hashed first so the buffers handed to timingSafeEqual
 * always have equal length and a wrong guess learns nothing, not even the token's length.
 */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token from an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer[ ]+([^\s]+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}
