/**
 * Pure (mutates only the incumbent it is handed). Hill climbing over single-supply moves: supplies in id
 * order, cyclically, each tried on every other option (open, or each bus it can be closed onto); the
 * first neighbour strictly better under the whole objective (tie-break included) is adopted, and the scan
 * goes on from the next supply until a full cycle finds nothing; then whole-bus moves (every supply of one
 * bus to another bus, or open), and single moves again after any success, until neither improves or the
 * deterministic work budget is spent. Since only strict improvements are
 * adopted, the result is never worse than the starting point and the loop terminates.
 *
 * `solve` chooses the shedding for a neighbour's switches and offers it to the incumbent (exact or
 * greedy, see chooseShedding).
 */
import type { Incumbent, SheddingWorkspace, SwitchSide } from './chooseShedding.js'
import type { RackIndex } from './indexRack.js'
import { moveSupply, switchSideOf, type MutableSwitchSide } from './switchSide.js'

export type SolveShedding = (ix: RackIndex, ws: SheddingWorkspace, side: SwitchSide, inc: Incumbent) => boolean

export const improveLocally = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  inc: Incumbent,
  solve: SolveShedding,
  workLimit: number,
): void => {
  const S = ix.supplyCount
  if (S === 0) return
  const side = switchSideOf(ix, Int32Array.from(inc.assign))
  for (;;) {
    singleMoves(ix, ws, inc, solve, workLimit, side)
    if (ws.work > workLimit || !busMoves(ix, ws, inc, solve, workLimit, side)) return
  }
}

/** Single-supply moves until a full cycle over the supplies finds nothing. */
const singleMoves = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  inc: Incumbent,
  solve: SolveShedding,
  workLimit: number,
  side: MutableSwitchSide,
): void => {
  const S = ix.supplyCount
  let s = 0
  let sinceImproved = 0
  while (sinceImproved < S && ws.work <= workLimit) {
    const opts = ix.options[s] ?? new Int32Array(0)
    const from = side.assign[s] ?? -1
    for (let j = -1; j < opts.length && ws.work <= workLimit; j++) {
      const b = j < 0 ? -1 : (opts[j] ?? -1)
      if (b === from) continue
      moveSupply(ix, side, s, b)
      ws.work += 2 * S
      if (solve(ix, ws, side, inc)) {
        sinceImproved = -1
        break
      }
      moveSupply(ix, side, s, from)
    }
    sinceImproved++
    s = (s + 1) % S
  }
}

/**
 * Whole-bus moves, which single moves cannot reach when a bus must go down (e.g. its rating cannot take
 * the dual-corded loads' halves): every supply on bus b goes to bus c where it can (else opens), for
 * each c including "open". Adopts the first strict improvement; returns whether there was one.
 */
const busMoves = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  inc: Incumbent,
  solve: SolveShedding,
  workLimit: number,
  side: MutableSwitchSide,
): boolean => {
  const S = ix.supplyCount
  const B = ix.busCount
  const saved = Int32Array.from(side.assign)
  for (let b = 0; b < B; b++) {
    if (side.up[b] === 0) continue
    for (let c = -1; c < B && ws.work <= workLimit; c++) {
      if (c === b) continue
      for (let s = 0; s < S; s++) {
        if (saved[s] !== b) continue
        const canReach = c >= 0 && ix.switchKind[s * B + c] !== -1 && ix.usable[s] === 1
        moveSupply(ix, side, s, canReach ? c : -1)
      }
      ws.work += 4 * S
      if (solve(ix, ws, side, inc)) return true
      for (let s = 0; s < S; s++) if (saved[s] === b) moveSupply(ix, side, s, b)
    }
  }
  return false
}
