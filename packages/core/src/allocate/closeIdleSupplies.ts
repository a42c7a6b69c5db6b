/**
 * Pure (mutates only the incumbent it is handed). Last pass on an unproven result: switch in every idle
 * healthy supply whose closing alone improves the service, until none does.
 *
 * A budget-cut climb can stop with a spare left open beside a bus that lacks N+k; an operator sees that
 * first, and it costs at most supplies x buses evaluations a round. Each accepted close strictly improves
 * the objective and never reopens anything, so the rounds end (at most one per idle supply).
 */
import {
  climbEvaluatorOf,
  evaluateGreedyTouched,
  evaluateKeptTouched,
  settlePoint,
} from './climbEvaluator.js'
import {
  evaluateGreedy,
  evaluateServed,
  offer,
  type Incumbent,
  type SheddingWorkspace,
} from './chooseShedding.js'
import type { RackIndex } from './indexRack.js'
import { moveSupply, switchSideOf } from './switchSide.js'

/**
 * Returns true when it closed anything. Each candidate close touches one bus component: evaluated there
 * only (climbEvaluator; from scratch for racks with feeds, or when `incremental` is false, for tests),
 * with the same vectors and served sets. The pass runs to its end whatever the budget, so what it
 * charges matters to nothing after it.
 */
export const closeIdleSupplies = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  inc: Incumbent,
  incremental = true,
): boolean => {
  if (inc.vector === null) return false
  const ev = incremental ? climbEvaluatorOf(ix, ws) : null
  const greedyVec = new Float64Array(ws.vec.length)
  let closedAny = false
  for (let improved = true; improved;) {
    improved = false
    // One side kept equal to the incumbent's switches: each candidate close is tried on it and undone,
    // or kept when the incumbent adopts it.
    const side = switchSideOf(ix, Int32Array.from(inc.assign))
    const keptServed = Uint8Array.from(inc.served)
    if (ev !== null) settlePoint(ix, ev, side, keptServed)
    for (let s = 0; s < ix.supplyCount; s++) {
      if ((inc.assign[s] ?? -1) >= 0 || ix.usable[s] !== 1) continue
      const opts = ix.options[s] ?? new Int32Array(0)
      for (let j = 0; j < opts.length; j++) {
        const b = opts[j] ?? 0
        moveSupply(ix, side, s, b)
        // The incumbent's own shedding first (greedy may shed worse), then greedy's.
        let won: boolean
        if (ev === null) {
          won = evaluateServed(ix, ws, side, keptServed) && offer(ix, ws, side, inc, ws.served)
          const fromCache = evaluateGreedy(ix, ws, side)
          won = offer(ix, ws, side, inc, fromCache ? ws.cacheServed : ws.served) || won
        } else {
          evaluateGreedyTouched(ix, ev, ws, side)
          greedyVec.set(ws.vec)
          won = evaluateKeptTouched(ix, ev, ws, side) && offer(ix, ws, side, inc, ev.keptServed)
          ws.vec.set(greedyVec)
          won = offer(ix, ws, side, inc, ev.greedyServed) || won
        }
        if (won) {
          improved = true
          closedAny = true
          keptServed.set(inc.served)
          if (ev !== null) settlePoint(ix, ev, side, keptServed)
          break
        }
        moveSupply(ix, side, s, -1)
      }
    }
  }
  return closedAny
}
