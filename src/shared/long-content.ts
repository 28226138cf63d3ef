import { LIMITS } from './contract';

/**
 * Cuts a text longer than `max` characters into pieces of at most `max`, each at the last
 * paragraph break, else line break, else sentence end, else space in its second half, else
 * mid-word (never inside a surrogate pair). Imports of real history (a pasted log, a long
 * answer) meet such texts; a fact holds at most LIMITS.contentMaxChars, so they become several
 * facts instead of being refused.
 */
export function splitLongText(text: string, max: number = LIMITS.contentMaxChars): string[] {
  if (max < 2) throw new RangeError('splitLongText: max must be at least 2');
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max + 1);
    let cut = -1;
    for (const mark of ['\n\n', '\n', '. ', '? ', '! ', ' ']) {
      const at = window.lastIndexOf(mark, max - mark.length);
      if (at >= max / 2) {
        cut = at + mark.length;
        break;
      }
    }
    if (cut <= 0) {
      cut = max;
      const code = rest.charCodeAt(cut - 1);
      if (code >= 0xd800 && code <= 0xdbff) cut--; // keep a surrogate pair whole
    }
    const piece = rest.slice(0, cut).trim();
    if (piece !== '') parts.push(piece);
    rest = rest.slice(cut).trim();
  }
  if (rest !== '') parts.push(rest);
  return parts;
}

/**
 * "speaker: text" as one fact, or, when that is too long for one, several: "speaker (part 1 of
 * 3): ...", each within `max` characters.
 */
export function speakerFacts(speaker: string, text: string, max: number = LIMITS.contentMaxChars): string[] {
  const whole = `${speaker}: ${text.trim()}`;
  if (whole.length <= max) return [whole];
  // Room for "speaker (part 999 of 999): "; the part numbers of a 50k-character cap never need more.
  const pieces = splitLongText(text, max - speaker.length - 20);
  return pieces.map((p, i) => `${speaker} (part ${i + 1} of ${pieces.length}): ${p}`);
}
