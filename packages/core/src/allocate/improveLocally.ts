/**
 * Pure (mutates only the incumbent it is handed). Hill climbing from the incumbent's switches, greedy
 * shedding per neighbour (chooseShedding's evaluateGreedy), within a deterministic work budget.
 *
 * Neighbourhoods: single-supply moves (supplies in id order, cyclically, each tried on every other
 * option: open, or each bus it can be closed onto); when those are exhausted, swaps of two supplies
 * on different buses (or one open); then whole-bus moves
 * (every supply of one bus to another bus, or open), which single moves cannot reach when a bus must go
 * down as a whole. The climb follows a guide order: levels 1 and 2 of the objective, then the total
 * redundancy deficit (sum over wired up buses of load minus redundant capacity, where positive), then
 * levels 3 and 4, then the tie-break; the deficit lets it walk through the several moves that N+k often
 * needs (k = 2, big buses) before level 2 itself changes. Every neighbour is also offered to the
 * incumbent under the true objective, so the result is never worse than the starting point, and the
 * climb terminates since the guide strictly improves at every step. A second, plain climb (true
 * objective only) then starts from the incumbent, since the guided one may have wandered off it. A neighbour is also evaluated with
 * the current point's served set when that still fits, since greedy shedding can do worse than the
 * exact shedding the point may have come with.
 */
import { carveInt32 } from './carve.js'
import {
  climbEvaluatorOf,
  evaluateGreedyTouched,
  evaluateKeptTouched,
  settlePoint,
  type ClimbEvaluator,
} from './climbEvaluator.js'
import { compareTieBreak } from './compareServiceVectors.js'
import {
  allServedVector,
  evaluateAllServed,
  everythingFits,
  evaluateGreedy,
  evaluateServed,
  offer,
  type Incumbent,
  type SheddingWorkspace,
} from './chooseShedding.js'
import type { RackIndex } from './indexRack.js'
import { moveSupply, switchSideOf, type MutableSwitchSide } from './switchSide.js'

interface Climb {
  readonly side: MutableSwitchSide
  /** Guide vector of the current point, and of the neighbour under evaluation. */
  readonly here: Float64Array
  readonly there: Float64Array
  readonly servedHere: Uint8Array
  readonly assignHere: Int32Array
  /** Guide of the neighbour with the point's served set kept, and greedy's served set (scratch). */
  readonly kept: Float64Array
  readonly greedyServed: Uint8Array
  /** Whether the climb has a point yet. */
  started: boolean
  /** The point's up buses, and whether it serves every load with an up bus. */
  readonly upHere: Uint8Array
  servesAll: boolean
  /** Whether the redundancy deficit steers the climb (else the true objective alone). */
  readonly guided: boolean
  /** Neighbours evaluated on the components they touch (null: from scratch, racks with feeds). */
  readonly ev: ClimbEvaluator | null
  /** ws.cacheBuilds when the all-served cache was last seen to be for the point's up set, else -1. */
  cacheBuildsHere: number
  /** Set by tryHere: the units it charged when the neighbour was dead (see DeadMoves), else -1. */
  deadCharge: number
  readonly dead: DeadMoves | null
}

/**
 * Neighbours found dead, to skip while nothing they depend on changes. Where the point serves every
 * load with an up bus and a move keeps the up set, a neighbour's vector (and guide) is the point's plus
 * a difference that depends only on the components of the buses the move touches (and on the moved
 * supplies' own switch changes). A neighbour worse than the point on both the guide and the objective
 * (strictly on levels 1-4) is not adopted and cannot improve the incumbent (which is at least the
 * point); while those components keep their state (versions, raised whenever a supply joins or leaves
 * one of their buses), trying it again would give the same answer. A skipped neighbour is charged what its
 * evaluation was, so the climb's course and budget do not change.
 */
interface DeadMoves {
  /** The assignment the versions describe (the last point of any climb on this workspace). */
  readonly assign: Int32Array
  readonly compVersion: Int32Array
  /**
   * Per (s * singleSlots + j + 1), option j of supply s (-1: open): kind, from, two versions, charge.
   * Kind 0: no entry; 1: found dead by a guided climb, so dead for plain ones too (worse on levels
   * 1-4 is worse on their guide); 2: found dead by a plain climb only.
   */
  readonly single: Int32Array
  readonly singleSlots: number
  /** Per (s1 * S + s2): kind, b1, b2, two versions, charge (null for racks with many supplies). */
  readonly pair: Int32Array | null
}

const singleFields = 5
const pairFields = 6
/** Above this many supplies the swap table (S^2 entries) costs more to set up than it saves. */
const pairTableMaxSupplies = 96

/** Offer ws.vec (with `served`) to the incumbent and write its guide vector into `g`. */
const guide = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  inc: Incumbent,
  c: Climb,
  served: Uint8Array,
  loadU: Float64Array,
  g: Float64Array,
): void => {
  offer(ix, ws, c.side, inc, served)
  const P = ix.loadPriorities.length
  const BP = ix.busPriorities.length
  const v = ws.vec
  for (let i = 0; i < 2 * P + BP; i++) g[i] = v[i] ?? 0
  let deficit = 0
  for (let b = 0; b < ix.busCount; b++) {
    if (c.side.up[b] === 1 && ix.busWired[b] === 1)
      deficit += Math.max(0, (loadU[b] ?? 0) - (c.side.redundantU[b] ?? 0))
  }
  g[2 * P + BP] = c.guided ? -deficit : 0
  g[2 * P + BP + 1] = v[2 * P + BP] ?? 0
  g[2 * P + BP + 2] = v[2 * P + BP + 1] ?? 0
}

/** Whether a true vector is strictly worse on levels 1-4 than the point's (its guide without the deficit). */
const worseThanHere = (ix: RackIndex, v: Float64Array, c: Climb): boolean => {
  const d = 2 * ix.loadPriorities.length + ix.busPriorities.length
  for (let i = 0; i < v.length; i++) {
    const x = v[i] ?? 0
    const y = c.here[i < d ? i : i + 1] ?? 0
    if (x !== y) return x < y
  }
  return false
}

/** Whether the climb is where dead neighbours can be skipped: see DeadMoves and tryHere's fast path. */
const deadRegime = (ws: SheddingWorkspace, c: Climb): boolean =>
  c.dead !== null && c.started && c.servesAll && ws.cacheBuilds === c.cacheBuildsHere

const versionOf = (c: Climb, dead: DeadMoves, b: number): number =>
  b < 0 || c.ev === null ? -1 : (dead.compVersion[c.ev.compOfBus[b] ?? 0] ?? 0)

const sameUpAsHere = (ix: RackIndex, c: Climb): boolean => {
  for (let b = 0; b < ix.busCount; b++) if (c.side.up[b] !== c.upHere[b]) return false
  return true
}

/** 1 when guide `g` with `served` beats the climb's point, else -1 or 0. */
const beatsHere = (c: Climb, g: Float64Array, served: Uint8Array): number => {
  for (let i = 0; i < g.length; i++) {
    const x = g[i] ?? 0
    const y = c.here[i] ?? 0
    if (x !== y) return x > y ? 1 : -1
  }
  return compareTieBreak(c.side.assign, served, c.assignHere, c.servedHere)
}

/** `adopted`: the side was evaluated by the evaluator, with this shedding (see settlePoint). */
const adopt = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  c: Climb,
  g: Float64Array,
  served: Uint8Array,
  adopted: 'greedy' | 'kept' | null = null,
): void => {
  c.here.set(g)
  // A bus's state is a function of the supplies on it: raise the version of every component a supply
  // joins or leaves (see DeadMoves).
  if (c.dead !== null && c.ev !== null) {
    for (let s = 0; s < ix.supplyCount; s++) {
      const was: number = c.dead.assign[s] ?? -1
      const now = c.side.assign[s] ?? -1
      if (was === now) continue
      for (let k = 0; k < 2; k++) {
        const b = k === 0 ? was : now
        if (b < 0) continue
        const comp = c.ev.compOfBus[b] ?? 0
        c.dead.compVersion[comp] = (c.dead.compVersion[comp] ?? 0) + 1
      }
    }
    c.dead.assign.set(c.side.assign)
  }
  c.assignHere.set(c.side.assign)
  c.servedHere.set(served)
  c.upHere.set(c.side.up)
  if (c.ev !== null) settlePoint(ix, c.ev, c.side, c.servedHere, adopted)
  let cacheHere = ws.cacheReady
  for (let b = 0; cacheHere && b < ix.busCount; b++) if (ws.cacheUp[b] !== c.side.up[b]) cacheHere = false
  c.cacheBuildsHere = cacheHere ? ws.cacheBuilds : -1
  let all = true
  for (let l = 0; l < ix.loadCount && all; l++) {
    const a = ix.loadBusA[l] ?? -1
    const b = ix.loadBusB[l] ?? -1
    if ((a >= 0 && c.side.up[a] === 1) || (b >= 0 && c.side.up[b] === 1)) all = served[l] === 1
  }
  c.servesAll = all
}

/**
 * A neighbour whose up buses are among the point's, when the point serves every load with an up bus
 * and the neighbour cannot (some up bus over its limit with all of them), serves a strict subset of the
 * point's loads: worse on level 1 than the point, so than the incumbent too; no need to shed for it.
 */
const surelyWorse = (ix: RackIndex, ws: SheddingWorkspace, c: Climb): boolean => {
  if (!c.started || !c.servesAll) return false
  for (let b = 0; b < ix.busCount; b++) if (c.side.up[b] === 1 && c.upHere[b] === 0) return false
  return !everythingFits(ix, ws, c.side)
}

/**
 * Evaluate the climb's side keeping the point's served set (evaluateServed, or incrementally after
 * evaluateGreedyTouched, charged the same); false when that set does not fit.
 */
const keptFits = (ix: RackIndex, ws: SheddingWorkspace, c: Climb, ev: ClimbEvaluator | null): boolean => {
  if (ev === null) return evaluateServed(ix, ws, c.side, c.servedHere)
  // evaluateServed's charges: prepare, the candidates (loads with an up bus: the all-served cache is
  // for this up set), and completeVector when the set fits.
  let candidates = 0
  for (let r = 0; r < ix.loadPriorities.length; r++) candidates += ws.cacheVec[2 * r] ?? 0
  ws.work += ix.loadCount + 2 * candidates
  if (!evaluateKeptTouched(ix, ev, ws, c.side)) return false
  ws.work += ix.loadCount + ix.busCount * ix.busCount
  return true
}

/**
 * Evaluate the climb's side twice, offering both to the incumbent: with greedy shedding, and keeping
 * the current point's served set when it still fits (greedy can shed worse than the shedding an exact
 * search found for the point). The better of the two by the guide becomes the climb's point when it
 * beats it; returns whether it did.
 */
const tryHere = (ix: RackIndex, ws: SheddingWorkspace, inc: Incumbent, c: Climb): boolean => {
  c.deadCharge = -1
  const ev = c.started ? c.ev : null
  if (ev !== null && c.servesAll && ws.cacheBuilds === c.cacheBuildsHere && sameUpAsHere(ix, c)) {
    // The point serves everything, the neighbour has its up set and the cache is for it: surelyWorse and
    // evaluateAllServed in one, charged as they are. Only buses whose limit moved can be over it.
    const B = ix.busCount
    ws.work += B
    for (let b = 0; b < B; b++) {
      if (c.side.up[b] === 1 && (ws.cacheLoadU[b] ?? 0) > (c.side.limitU[b] ?? 0)) {
        c.deadCharge = B
        return false
      }
    }
    ws.work += B * B + B
    allServedVector(ix, ws, c.side)
    guide(ix, ws, inc, c, ws.cacheServed, ws.cacheLoadU, c.there)
    if (beatsHere(c, c.there, ws.cacheServed) <= 0) {
      if (worseThanHere(ix, ws.vec, c)) c.deadCharge = 2 * B + B * B
      return false
    }
    adopt(ix, ws, c, c.there, ws.cacheServed)
    return true
  }
  if (surelyWorse(ix, ws, c)) return false
  let fromCache: boolean
  let greedyServed: Uint8Array
  let greedyLoadU: Float64Array
  if (ev === null) {
    fromCache = evaluateGreedy(ix, ws, c.side)
    greedyServed = fromCache ? ws.cacheServed : ws.served
    greedyLoadU = fromCache ? ws.cacheLoadU : ws.loadU
  } else {
    fromCache = evaluateAllServed(ix, ws, c.side)
    // The cache is now for this up set: for the point's too when they are the same.
    if (sameUpAsHere(ix, c)) c.cacheBuildsHere = ws.cacheBuilds
    if (!fromCache) {
      // Charged as evaluateGreedy's full pass (prepare, greedy, completeVector): the budget counts the
      // same steps whichever way a neighbour is evaluated, so the climb's course does not change.
      ws.work += 5 * ix.loadCount + 2 * ix.busCount * ix.busCount
      evaluateGreedyTouched(ix, ev, ws, c.side)
    }
    greedyServed = fromCache ? ws.cacheServed : ev.greedyServed
    greedyLoadU = fromCache ? ws.cacheLoadU : ev.greedyLoadU
  }
  guide(ix, ws, inc, c, greedyServed, greedyLoadU, c.there)
  // Greedy's flags must outlive the kept evaluation below, which reuses ws.served (not the evaluator's
  // flags, nor the cache): copied only then.
  let greedyFlags = greedyServed
  if (ev === null && !fromCache) {
    c.greedyServed.set(greedyServed)
    greedyFlags = c.greedyServed
  }
  const greedyWins = beatsHere(c, c.there, greedyFlags) > 0
  // When greedy serves every load with an up bus, the point's served set can only serve a subset:
  // no better on level 1, so not worth evaluating.
  if (!fromCache && c.started && keptFits(ix, ws, c, ev)) {
    const keptServed = ev === null ? ws.served : ev.keptServed
    guide(ix, ws, inc, c, keptServed, ev === null ? ws.loadU : ev.keptLoadU, c.kept)
    if (beatsHere(c, c.kept, keptServed) > 0) {
      let keptBetter = !greedyWins
      if (greedyWins) {
        for (let i = 0; i < c.kept.length; i++) {
          const x = c.kept[i] ?? 0
          const y = c.there[i] ?? 0
          if (x !== y) {
            keptBetter = x > y
            break
          }
        }
      }
      if (keptBetter) {
        adopt(ix, ws, c, c.kept, keptServed, ev === null ? null : 'kept')
        return true
      }
    }
  }
  if (!greedyWins) return false
  adopt(ix, ws, c, c.there, greedyFlags, ev === null || fromCache ? null : 'greedy')
  return true
}

/**
 * Hill-climb from the incumbent within `workLimit`; the incumbent only ever improves. `plain: false`
 * skips the final plain climb, for callers whose exact search takes over from the incumbent anyway.
 * Returns true when the last climb ended on a point no neighbour improves (not cut by the budget).
 * `skipDead: false` tries every dead neighbour again (same result and work: for tests).
 */
export const improveLocally = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  inc: Incumbent,
  workLimit: number,
  plain = true,
  skipDead = true,
): boolean => {
  if (ix.supplyCount === 0) return true
  // Guided first, with most of the budget; then plainly from the incumbent, so that the result is a
  // local optimum of the true objective (the guided climb may have wandered off the incumbent).
  const start = ws.work
  const settled = climb(ix, ws, inc, plain ? start + 0.7 * (workLimit - start) : workLimit, true, skipDead)
  return plain ? climb(ix, ws, inc, workLimit, false, skipDead) : settled
}

/** One evaluator per workspace (so per rack): its buffers are settled afresh by every climb. */
const evaluators = new WeakMap<SheddingWorkspace, { ev: ClimbEvaluator | null; dead: DeadMoves | null }>()
const evaluatorFor = (
  ix: RackIndex,
  ws: SheddingWorkspace,
): { ev: ClimbEvaluator | null; dead: DeadMoves | null } => {
  let found = evaluators.get(ws)
  if (found === undefined) {
    const ev = climbEvaluatorOf(ix, ws)
    const S = ix.supplyCount
    let slots = 1
    for (const opts of ix.options) slots = Math.max(slots, opts.length + 1)
    let dead: DeadMoves | null = null
    if (ev !== null) {
      const pairs = S <= pairTableMaxSupplies ? S * S * pairFields : 0
      const [assign, compVersion, single, pair] = carveInt32(S, ev.compCount, S * slots * singleFields, pairs)
      dead = {
        assign: assign.fill(-1),
        compVersion,
        single,
        singleSlots: slots,
        pair: pairs > 0 ? pair : null,
      }
    }
    found = { ev, dead }
    evaluators.set(ws, found)
  }
  return found
}

const climb = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  inc: Incumbent,
  workLimit: number,
  guided: boolean,
  skipDead: boolean,
): boolean => {
  const n = ix.vectorLength + 1
  const tools = evaluatorFor(ix, ws)
  const c: Climb = {
    side: switchSideOf(ix, Int32Array.from(inc.assign)),
    here: new Float64Array(n).fill(-Infinity),
    there: new Float64Array(n),
    servedHere: new Uint8Array(ix.loadCount),
    assignHere: Int32Array.from(inc.assign),
    kept: new Float64Array(n),
    greedyServed: new Uint8Array(ix.loadCount),
    started: false,
    upHere: new Uint8Array(ix.busCount),
    servesAll: false,
    guided,
    ev: tools.ev,
    cacheBuildsHere: -1,
    deadCharge: -1,
    dead: skipDead ? tools.dead : null,
  }
  // The starting point keeps the incumbent's own shedding (it may be better than greedy's).
  if (evaluateServed(ix, ws, c.side, inc.served)) {
    guide(ix, ws, inc, c, ws.served, ws.loadU, c.there)
    adopt(ix, ws, c, c.there, ws.served)
  } else tryHere(ix, ws, inc, c)
  c.started = true
  for (;;) {
    singleMoves(ix, ws, inc, c, workLimit)
    if (ws.work > workLimit) return false
    if (swaps(ix, ws, inc, c, workLimit)) continue
    if (ws.work > workLimit) return false
    if (!busMoves(ix, ws, inc, c, workLimit)) return ws.work <= workLimit
  }
}

/** Single-supply moves until a full cycle over the supplies finds nothing. */
const singleMoves = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  inc: Incumbent,
  c: Climb,
  workLimit: number,
): void => {
  const S = ix.supplyCount
  const side = c.side
  let s = 0
  let sinceImproved = 0
  while (sinceImproved < S && ws.work <= workLimit) {
    const opts = ix.options[s] ?? new Int32Array(0)
    const from = side.assign[s] ?? -1
    for (let j = -1; j < opts.length && ws.work <= workLimit; j++) {
      const b = j < 0 ? -1 : (opts[j] ?? -1)
      if (b === from) continue
      // A move that keeps the up set, found dead before with its components unchanged: same answer.
      const dead = c.dead
      let at = -1
      if (
        dead !== null &&
        deadRegime(ws, c) &&
        (from < 0 || (side.supplyCountOn[from] ?? 0) > 1) &&
        (b < 0 || side.up[b] === 1)
      ) {
        at = (s * dead.singleSlots + j + 1) * singleFields
        const e = dead.single
        if (
          (e[at] === 1 || (e[at] === 2 && !c.guided)) &&
          e[at + 1] === from &&
          e[at + 2] === versionOf(c, dead, from) &&
          e[at + 3] === versionOf(c, dead, b)
        ) {
          ws.work += 2 * S + (e[at + 4] ?? 0)
          continue
        }
      }
      moveSupply(ix, side, s, b)
      ws.work += 2 * S
      if (tryHere(ix, ws, inc, c)) {
        sinceImproved = -1
        break
      }
      moveSupply(ix, side, s, from)
      if (at >= 0 && dead !== null && c.deadCharge >= 0) {
        const e = dead.single
        e[at] = c.guided ? 1 : 2
        e[at + 1] = from
        e[at + 2] = versionOf(c, dead, from)
        e[at + 3] = versionOf(c, dead, b)
        e[at + 4] = c.deadCharge
      }
    }
    sinceImproved++
    s = (s + 1) % S
  }
}

/**
 * Swaps: two supplies on different buses (or one open) exchange places where their switches allow it,
 * which rebalances capacity without the dip a single move makes. Adopts the first that improves the
 * guide and returns whether there was one.
 */
const swaps = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  inc: Incumbent,
  c: Climb,
  workLimit: number,
): boolean => {
  const S = ix.supplyCount
  const B = ix.busCount
  const side = c.side
  for (let s1 = 0; s1 < S; s1++) {
    const b1 = side.assign[s1] ?? -1
    if (ix.usable[s1] === 0) continue
    for (let s2 = s1 + 1; s2 < S && ws.work <= workLimit; s2++) {
      const b2 = side.assign[s2] ?? -1
      if (b1 === b2 || ix.usable[s2] === 0) continue
      if (b2 >= 0 && ix.switchKind[s1 * B + b2] === -1) continue
      if (b1 >= 0 && ix.switchKind[s2 * B + b1] === -1) continue
      if (ix.capacityU[s1] === ix.capacityU[s2] && ix.atRisk[s1] === ix.atRisk[s2]) continue
      // A swap keeps the up set (each bus keeps its number of supplies): skip it when found dead before
      // with its components unchanged (see DeadMoves).
      const dead = c.dead
      const table = dead?.pair ?? null
      let at = -1
      if (dead !== null && table !== null && deadRegime(ws, c)) {
        at = (s1 * S + s2) * pairFields
        if (
          (table[at] === 1 || (table[at] === 2 && !c.guided)) &&
          table[at + 1] === b1 &&
          table[at + 2] === b2 &&
          table[at + 3] === versionOf(c, dead, b1) &&
          table[at + 4] === versionOf(c, dead, b2)
        ) {
          ws.work += 4 * S + (table[at + 5] ?? 0)
          continue
        }
      }
      moveSupply(ix, side, s1, b2)
      moveSupply(ix, side, s2, b1)
      ws.work += 4 * S
      if (tryHere(ix, ws, inc, c)) return true
      moveSupply(ix, side, s2, b2)
      moveSupply(ix, side, s1, b1)
      if (at >= 0 && dead !== null && table !== null && c.deadCharge >= 0) {
        table[at] = c.guided ? 1 : 2
        table[at + 1] = b1
        table[at + 2] = b2
        table[at + 3] = versionOf(c, dead, b1)
        table[at + 4] = versionOf(c, dead, b2)
        table[at + 5] = c.deadCharge
      }
    }
  }
  return false
}

/** Whole-bus moves; adopts the first that improves the guide and returns whether there was one. */
const busMoves = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  inc: Incumbent,
  c: Climb,
  workLimit: number,
): boolean => {
  const S = ix.supplyCount
  const B = ix.busCount
  const side = c.side
  const saved = Int32Array.from(side.assign)
  for (let b = 0; b < B; b++) {
    if (side.up[b] === 0) continue
    for (let to = -1; to < B && ws.work <= workLimit; to++) {
      if (to === b) continue
      for (let s = 0; s < S; s++) {
        if (saved[s] !== b) continue
        const canReach = to >= 0 && ix.switchKind[s * B + to] !== -1 && ix.usable[s] === 1
        moveSupply(ix, side, s, canReach ? to : -1)
      }
      ws.work += 4 * S
      if (tryHere(ix, ws, inc, c)) return true
      for (let s = 0; s < S; s++) if (saved[s] === b) moveSupply(ix, side, s, b)
    }
  }
  return false
}
