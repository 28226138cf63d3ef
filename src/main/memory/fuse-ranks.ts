/**
 * Reciprocal rank fusion (Cormack et al. 2009): each list contributes weight / (k + rank),
 * rank starting at 1. Robust to the two lists' scores living on different scales.
 */
export interface RankedList {
  ids: number[];
  weight: number;
}

export const RRF_K = 60;

export function fuseRanks(lists: RankedList[], k = RRF_K): Array<{ id: number; score: number }> {
  const scores = new Map<number, number>();
  for (const list of lists) {
    list.ids.forEach((id, i) => {
      scores.set(id, (scores.get(id) ?? 0) + list.weight / (k + i + 1));
    });
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || a.id - b.id);
}
