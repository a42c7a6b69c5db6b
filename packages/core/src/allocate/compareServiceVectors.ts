/**
 * Pure. The lexicographic order of the allocation objective: 1 when `a` is better, -1 when `b` is, 0 on
 * a tie.
 *
 * `compareServiceVectors` compares levels 1-4 (see evaluateConfiguration for the layout: every entry is
 * "larger is better"). `compareTieBreak` is level 5, fixed for everyone: supplies in ascending id order,
 * the first whose assignment differs decides, open before any bus, buses in ascending id order; then
 * loads in ascending id order, the first that differs decides, served before shed. Indexes are already
 * in id order (indexRack), so "ascending id" is "ascending index".
 */

export const compareServiceVectors = (a: ArrayLike<number>, b: ArrayLike<number>): -1 | 0 | 1 => {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    if (x > y) return 1
    if (x < y) return -1
  }
  return 0
}

/** Level 5. `assign[s]` is a bus index or -1 (open); `served[l]` is 1 when served. */
export const compareTieBreak = (
  assignA: ArrayLike<number>,
  servedA: ArrayLike<number>,
  assignB: ArrayLike<number>,
  servedB: ArrayLike<number>,
): -1 | 0 | 1 => {
  for (let s = 0; s < assignA.length; s++) {
    const x = assignA[s] ?? -1
    const y = assignB[s] ?? -1
    if (x !== y) return x < y ? 1 : -1
  }
  for (let l = 0; l < servedA.length; l++) {
    const x = servedA[l] ?? 0
    const y = servedB[l] ?? 0
    if (x !== y) return x > y ? 1 : -1
  }
  return 0
}
