import { createHash } from 'node:crypto';
import fs from 'node:fs';

const EDGE_BYTES = 1024 * 1024;

/**
 * A stable id for a model's weights + tokenizer, part of every embedding cache key. Hashing all
 * 90 MB on each start would cost ~200 ms, so it hashes the size and the first and last MiB of the
 * weights (any re-export or quantization changes those) plus the whole tokenizer.json (small, and
 * a different vocabulary changes every vector too), after the catalogue name of the model.
 */
export function computeModelId(modelFile: string, tokenizerFile: string, name = 'minilm'): string {
  const hash = createHash('sha256');
  const fd = fs.openSync(modelFile, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    hash.update(`${size}\n`);
    const head = Buffer.alloc(Math.min(EDGE_BYTES, size));
    fs.readSync(fd, head, 0, head.length, 0);
    hash.update(head);
    const tailStart = Math.max(size - EDGE_BYTES, head.length);
    if (tailStart < size) {
      const tail = Buffer.alloc(size - tailStart);
      fs.readSync(fd, tail, 0, tail.length, tailStart);
      hash.update(tail);
    }
  } finally {
    fs.closeSync(fd);
  }
  hash.update(fs.readFileSync(tokenizerFile));
  // The catalogue name first, so a person (and sync) can tell which model made a vector.
  return `${name}:${hash.digest('hex').slice(0, 16)}`;
}
