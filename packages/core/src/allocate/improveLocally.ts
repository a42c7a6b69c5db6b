/**
 * Pure (mutates only the incumbent it is handed). Hill climbing over single-supply moves: for each
 * supply in id order, try every other option (open, or each bus it can be closed onto); adopt the first
 * neighbour that is strictly better under the whole objective (tie-break included), and go on until a
 * full pass finds nothing or the deterministic work budget is spent. Since only strict improvements are
 * adopted, the result is never worse than the starting point and the loop terminates.
 *
 * `solve` chooses the shedding for a neighbour's switches and offers it to the incumbent (exact or
 * greedy, see chooseShedding).
 */
import type { Incumbent, SheddingWorkspace, SwitchSide } from './chooseShedding.js'
import type { RackIndex } from './indexRack.js'
import { switchSideOf } from './searchExact.js'

export type SolveShedding = (ix: RackIndex, ws: SheddingWorkspace, side: SwitchSide, inc: Incumbent) => boolean

export const improveLocally = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  inc: Incumbent,
  solve: SolveShedding,
  workLimit: number,
): void => {
  const S = ix.supplyCount
  const trial = new Int32Array(S)
  let improved = true
  while (improved && ws.work <= workLimit) {
    improved = false
    for (let s = 0; s < S && ws.work <= workLimit; s++) {
      const opts = ix.options[s] ?? new Int32Array(0)
      for (let j = -1; j < opts.length && ws.work <= workLimit; j++) {
        const b = j < 0 ? -1 : (opts[j] ?? -1)
        if (b === inc.assign[s]) continue
        trial.set(inc.assign)
        trial[s] = b
        ws.work += S + ix.busCount
        if (solve(ix, ws, switchSideOf(ix, trial), inc)) improved = true
      }
    }
  }
}
