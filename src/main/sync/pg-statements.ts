import { createHash } from 'node:crypto';
import type pg from 'pg';

let nextClientId = 1;
const clientIds = new WeakMap<pg.ClientBase, number>();

/**
 * A named (server-side prepared) query: parsed and planned once per connection, then only
 * bound and executed. The name carries the connection's own number because PGlite serves every
 * socket from one backend session, where two connections preparing the same name would clash;
 * on a real server names are per connection anyway. The text's hash keeps one name per text,
 * so queries built from optional filters get one prepared statement per shape.
 */
export function named(client: pg.ClientBase, text: string, values: unknown[]): pg.QueryConfig {
  let id = clientIds.get(client);
  if (id === undefined) {
    id = nextClientId++;
    clientIds.set(client, id);
  }
  const hash = createHash('sha1').update(text).digest('hex').slice(0, 12);
  return { name: `hippo_${hash}_${id}`, text, values };
}

/** pgvector's text form of a vector; float32 values print exactly, so nothing is lost. */
export function toPgVector(v: Float32Array): string {
  return `[${Array.from(v).join(',')}]`;
}

export function fromPgVector(text: string): Float32Array {
  return Float32Array.from(text.slice(1, -1).split(','), Number);
}
