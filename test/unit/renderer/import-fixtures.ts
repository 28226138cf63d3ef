import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEXICAL_MODEL_DIR } from '../../helpers/lexical-memory';

let words: string[] | undefined;
const UNFIT = /fuck|shit|bitch|bastard|daddy|breast|slave|murder|kill|sex|porn|nude|naked|rape|nazi|drug/;

/**
 * `count` short facts no two of which are near-duplicates: each is four whole words the lexical
 * test model knows, and any two share at most three (cosine well under the 0.95 merge threshold),
 * so importing them stores every one.
 */
export function distinctFacts(count: number, prefix = ''): string[] {
  words ??= readFileSync(join(LEXICAL_MODEL_DIR, 'vocab.txt'), 'utf8')
    .split('\n')
    // Past the commonest words (which the lexical model weighs little), and none a screenshot
    // of the test data would be better without.
    .filter((w) => /^[a-z]{5,9}$/.test(w) && !UNFIT.test(w))
    .slice(3000, 4000);
  const w = words;
  if (count > w.length * 50) throw new Error(`distinctFacts: at most ${w.length * 50} facts`);
  return Array.from({ length: count }, (_, n) => {
    const a = n % 1000;
    const words4 = [w[a]!, w[(a * 3 + 1) % 1000]!, w[(a * 7 + 2) % 1000]!, w[950 + Math.floor(n / 1000)]!];
    return `${prefix}${words4.join(' ')}`;
  });
}
