/**
 * The real model's meaning, checked against the similarities published with
 * sentence-transformers/all-MiniLM-L6-v2. Runs whenever HIPPO_MODEL_DIR holds the official weights
 * (fp32 or int8, verified by sha256) and says why it skips otherwise: the weights cannot be had on
 * our build machines, so the generated models cover everything else.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createNodeEmbedder, type EmbedderClient } from '../../../src/main/embedder/embedder-client';
import { findModelFile, whyNotModelDir } from '../../../src/main/embedder/model-locate';
import { dot } from './helpers';

const OFFICIAL_SHA256: Record<string, string> = {
  'model.onnx': '759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e',
  'model_quantized.onnx': 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1',
};

const SENTENCES = ['The weather is lovely today.', "It's so sunny outside!", 'He drove to the stadium.'];
const EXPECTED = { '1-2': 0.666, '1-3': 0.1046, '2-3': 0.1411 };

function whyNoRealModel(): string | null {
  const dir = process.env.HIPPO_MODEL_DIR?.trim();
  if (!dir) return 'HIPPO_MODEL_DIR is not set';
  const why = whyNotModelDir(dir);
  if (why) return `HIPPO_MODEL_DIR=${dir}: ${why}`;
  const file = findModelFile(dir)!;
  const want = OFFICIAL_SHA256[path.basename(file)];
  const got = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
  if (got !== want) return `${file} is not the official all-MiniLM-L6-v2 export (sha256 ${got})`;
  return null;
}

const skipReason = whyNoRealModel();
if (skipReason) console.log(`golden all-MiniLM-L6-v2 test skipped: ${skipReason}`);

describe('all-MiniLM-L6-v2 golden similarities', () => {
  let client: EmbedderClient | undefined;
  afterAll(() => client?.close());

  it.skipIf(skipReason !== null)(
    'matches the published sentence-transformers cosines within 0.01',
    async () => {
      client = createNodeEmbedder({ modelDir: process.env.HIPPO_MODEL_DIR!.trim() });
      const [a, b, c] = await client.embed(SENTENCES);
      const got = { '1-2': dot(a!, b!), '1-3': dot(a!, c!), '2-3': dot(b!, c!) };
      console.log(`golden cosines with ${findModelFile(process.env.HIPPO_MODEL_DIR!.trim())}:`, got);
      for (const pair of Object.keys(EXPECTED) as Array<keyof typeof EXPECTED>) {
        expect(Math.abs(got[pair] - EXPECTED[pair]), `cosine ${pair}`).toBeLessThanOrEqual(0.01);
      }
    },
  );
});
