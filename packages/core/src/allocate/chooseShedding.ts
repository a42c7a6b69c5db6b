/**
 * Pure (mutates only its own workspace and the incumbent it is handed). Given the closed switches of a
 * configuration, choose which loads to shed so that every up bus is powered (rule 5), best under the
 * objective: level 1 (served count then watts, by priority), then levels 2-3, then the load part of the
 * tie-break. Level 4 depends on the switches only.
 *
 * `chooseSheddingExact` is a branch and bound over the loads in priority order (serve first, so the
 * first leaf is the greedy one), with an optimistic bound on every level: level 1 from the loads of the
 * current priority that still fit one by one, no more of them than the spare capacity of all up buses
 * holds and, per up bus, than its own spare holds of those through it, and all loads of lower
 * priorities; level 2 from the bus
 * loads so far (loads only grow deeper in the tree); level 3 from buses not yet failed by a lost load,
 * plus feeds that can still be counted and are not yet failed (a lost load, or a bus that stays up
 * already over what the feed's loss leaves it).
 * Identical loads (same priority, watts and wiring) are served lowest id first, which is what the
 * tie-break prefers anyway. When every servable load fits, that set is the unique level-1 optimum and no
 * search is needed (the common case).
 *
 * `chooseSheddingGreedy` serves, priority by priority, smallest first, each load that still fits: used for
 * large racks, where the search is a heuristic anyway.
 */
import { busComponents, type BusComponents } from './busComponents.js'
import type { RackIndex } from './indexRack.js'
import { carveFloat64, carveInt32, carveUint8 } from './carve.js'
import { compareTieBreak } from './compareServiceVectors.js'
import { createFeedScratch, feedLossScenarios, feedShares, type FeedScratch } from './feedLoss.js'
import type { SwitchSide } from './switchSide.js'

/** Re-exported for the modules that shed on top of a switch side. */
export type { SwitchSide } from './switchSide.js'

/** Best configuration so far. `vector` null until one is found. */
export interface Incumbent {
  vector: Float64Array | null
  readonly assign: Int32Array
  readonly served: Uint8Array
}

/** An empty incumbent sized for the rack. */
export const createIncumbent = (ix: RackIndex): Incumbent => ({
  vector: null,
  assign: new Int32Array(ix.supplyCount).fill(-1),
  served: new Uint8Array(ix.loadCount),
})

/** Candidates of one load order for the up set the shares were set for (see prepare). */
interface PrepSlot {
  valid: boolean
  n: number
  readonly cand: Int32Array
  readonly through: Uint8Array
  readonly count: Float64Array
  readonly q: Float64Array
}

/** Preallocated buffers and load orders for the shedding searches, plus the work counter. */
export interface SheddingWorkspace {
  /** Loads by (priority rank, id). */
  readonly order: Int32Array
  /** Loads by (priority rank, watts, id): the greedy order. */
  readonly orderBySize: Int32Array
  /** Previous load in `order` with identical priority, watts and wiring, or -1. */
  readonly twin: Int32Array
  readonly cand: Int32Array
  readonly groupEnd: Int32Array
  readonly shareBusA: Int32Array
  readonly shareA: Float64Array
  readonly shareBusB: Int32Array
  readonly shareB: Float64Array
  readonly served: Uint8Array
  readonly loadU: Float64Array
  readonly lostOn: Int32Array
  readonly candThrough: Uint8Array
  readonly candCount: Float64Array
  readonly candQ: Float64Array
  readonly vec: Float64Array
  readonly opt: Float64Array
  readonly moved: Float64Array
  /** Per bus, for the shedding bound: fitting loads through it, their watts, how many fit it, their use. */
  readonly busFitCount: Float64Array
  readonly busFitW: Float64Array
  readonly busCount: Float64Array
  readonly busUsed: Float64Array
  readonly loses: Uint8Array
  readonly carries: Uint8Array
  /** Work counter (nodes and leaves), for the deterministic budget. */
  work: number
  /** How many times the everything-served cache was built: unchanged means still for the same up set. */
  cacheBuilds: number
  /** Everything-served state for the up set in `cacheUp` (valid when cacheReady). */
  cacheReady: boolean
  /** The rack's bus components (loads by rank, id), made with the first cache: rebuilds redo only those that changed. */
  cacheComps: BusComponents | null
  readonly cacheUp: Uint8Array
  readonly cacheLoadU: Float64Array
  readonly cacheMoved: Float64Array
  readonly cacheLoses: Uint8Array
  readonly cacheCarries: Uint8Array
  /** Per bus, with everything served: loads through it, and loads on it alone. */
  readonly cacheCarryCount: Int32Array
  readonly cacheLoseCount: Int32Array
  /**
   * Bus-loss scenarios with everything served, per bus a (partners of a from cachePartnerStart[a] to
   * cachePartnerStart[a + 1]): each up bus b that takes some of a's loads, and the limit b needs then
   * (its load plus what moves over). Other buses take nothing, and fit when everything fits.
   */
  readonly cachePartnerStart: Int32Array
  readonly cachePartnerBus: Int32Array
  readonly cachePartnerNeedU: Float64Array
  /** Scratch for completeVector: the same counts for the served set. */
  readonly carryCount: Int32Array
  readonly loseCount: Int32Array
  /** Candidates in ws.cand (set by prepare). */
  candN: number
  readonly cacheVec: Float64Array
  readonly cacheServed: Uint8Array
  /** Feed-loss scenarios (unused when the rack names no feed). */
  readonly feeds: FeedScratch
  /** Per (f * B + b), for the side being shed: 1 when bus b goes down on losing feed f. */
  readonly feedDown: Uint8Array
  /** Per (f * B + b): what bus b can carry once feed f is lost (capacity left, rating). */
  readonly feedLimitU: Float64Array
  /** Per feed: it has a closed supply on an up bus some candidate load is fed through. */
  readonly feedCountable: Uint8Array
  /** Shares are those of the up set prepUp (when prepReady); candidates per order ([order, orderBySize]). */
  prepReady: boolean
  readonly prepUp: Uint8Array
  readonly prepSlots: readonly PrepSlot[]
  /** Statistics: switch-side leaves solved, shedding nodes visited. */
  leaves: number
  sheddingNodes: number
}

/** Loads by (priority rank, id): a counting sort over the ranks. */
const loadsByRank = (ix: RackIndex): Int32Array => {
  const L = ix.loadCount
  const P = ix.loadPriorities.length
  const next = new Int32Array(P + 1)
  for (let l = 0; l < L; l++) {
    const r = (ix.loadPriorityRank[l] ?? 0) + 1
    next[r] = (next[r] ?? 0) + 1
  }
  for (let r = 0; r < P; r++) next[r + 1] = (next[r + 1] ?? 0) + (next[r] ?? 0)
  const order = new Int32Array(L)
  for (let l = 0; l < L; l++) {
    const r = ix.loadPriorityRank[l] ?? 0
    order[next[r] ?? 0] = l
    next[r] = (next[r] ?? 0) + 1
  }
  return order
}

/** Above this many quanta a load's watts times 2^k (k bits for a load index) may not be exact in a double. */
const keyLimit = 2 ** 53

/**
 * `order` with each run of equal priority rank sorted by watts, ties kept in order: from loadsByRank,
 * loads by (rank, watts, id). Each run is sorted as numbers watts * 2^k + id by the engine's own sort
 * (the workspace is made once per call, mostly before the optimising compiler reaches it), when those
 * are exact; else by a merge sort.
 */
const byWattsWithinRank = (ix: RackIndex, order: Int32Array): Int32Array => {
  const n = order.length
  let span = 1
  while (span < n) span *= 2
  let maxQ = 0
  for (let l = 0; l < n; l++) maxQ = Math.max(maxQ, ix.loadQ[l] ?? 0)
  if ((maxQ + 1) * span > keyLimit) return mergeByWatts(ix, order)
  const keys = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const l = order[i] ?? 0
    keys[i] = (ix.loadQ[l] ?? 0) * span + l
  }
  const sorted = new Int32Array(n)
  for (let lo = 0; lo < n;) {
    const rank = ix.loadPriorityRank[order[lo] ?? 0]
    let hi = lo + 1
    while (hi < n && ix.loadPriorityRank[order[hi] ?? 0] === rank) hi++
    const run = keys.subarray(lo, hi).sort()
    for (let i = 0; i < run.length; i++) sorted[lo + i] = (run[i] ?? 0) % span
    lo = hi
  }
  return sorted
}

/** byWattsWithinRank by a merge sort (for loads too large for exact numeric keys). */
const mergeByWatts = (ix: RackIndex, order: Int32Array): Int32Array => {
  const n = order.length
  let from = Int32Array.from(order)
  let to = new Int32Array(n)
  const q = ix.loadQ
  const rank = ix.loadPriorityRank
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n)
      const hi = Math.min(lo + 2 * width, n)
      let i = lo
      let j = mid
      let k = lo
      while (i < mid && j < hi) {
        const x = from[i] ?? 0
        const y = from[j] ?? 0
        // y goes first only when strictly before x: lower rank, or same rank and fewer watts.
        const ry = rank[y] ?? 0
        const rx = rank[x] ?? 0
        if (ry < rx || (ry === rx && (q[y] ?? 0) < (q[x] ?? 0))) {
          to[k++] = y
          j++
        } else {
          to[k++] = x
          i++
        }
      }
      while (i < mid) to[k++] = from[i++] ?? 0
      while (j < hi) to[k++] = from[j++] ?? 0
    }
    const t = from
    from = to
    to = t
  }
  return from
}

/** A workspace sized for the rack, with its load orders and identical-load links. */
export const createSheddingWorkspace = (ix: RackIndex): SheddingWorkspace => {
  const L = ix.loadCount
  const B = ix.busCount
  const order = loadsByRank(ix)
  const orderBySize = byWattsWithinRank(ix, order)
  // Identical loads sit next to each other in (rank, watts, wiring, id) order: each one's twin is the
  // one before it there. That order is orderBySize with each run of equal rank and watts (short: a
  // few loads at most) put in (wiring, id) order by insertion.
  const twin = new Int32Array(L).fill(-1)
  const same = (a: number, b: number): boolean =>
    ix.loadPriorityRank[a] === ix.loadPriorityRank[b] &&
    ix.loadQ[a] === ix.loadQ[b] &&
    ix.loadBusA[a] === ix.loadBusA[b] &&
    ix.loadBusB[a] === ix.loadBusB[b]
  const byKey = Int32Array.from(orderBySize)
  const wiredBefore = (a: number, b: number): boolean => {
    const x = ix.loadBusA[a] ?? 0
    const y = ix.loadBusA[b] ?? 0
    if (x !== y) return x < y
    const u = ix.loadBusB[a] ?? 0
    const v = ix.loadBusB[b] ?? 0
    return u !== v ? u < v : a < b
  }
  for (let j = 1; j < L; j++) {
    const l = byKey[j] ?? 0
    let i = j - 1
    for (; i >= 0; i--) {
      const m = byKey[i] ?? 0
      if (ix.loadPriorityRank[m] !== ix.loadPriorityRank[l] || ix.loadQ[m] !== ix.loadQ[l]) break
      if (!wiredBefore(l, m)) break
      byKey[i + 1] = m
    }
    byKey[i + 1] = l
  }
  for (let j = 1; j < L; j++) {
    const l = byKey[j] ?? 0
    const prev = byKey[j - 1] ?? 0
    if (same(l, prev)) twin[l] = prev
  }
  const P = ix.loadPriorities.length
  // Three allocations instead of some fifty (a typed array of its own costs far more than a view).
  const [
    shareA,
    shareB,
    loadU,
    candCount,
    candQ,
    vec,
    opt,
    moved,
    busFitCount,
    busFitW,
    busCount,
    busUsed,
    cacheLoadU,
    cacheMoved,
    cachePartnerNeedU,
    cacheVec,
    feedLimitU,
    slotCount0,
    slotQ0,
    slotCount1,
    slotQ1,
  ] = carveFloat64(
    L,
    L,
    B,
    P,
    P,
    ix.vectorLength,
    ix.vectorLength,
    B * B,
    B,
    B,
    B,
    B,
    B,
    B * B,
    B * B,
    ix.vectorLength,
    ix.feedCount * B,
    P,
    P,
    P,
    P,
  )
  const [
    cand,
    groupEnd,
    shareBusA,
    shareBusB,
    lostOn,
    cacheCarryCount,
    cacheLoseCount,
    cachePartnerStart,
    cachePartnerBus,
    carryCount,
    loseCount,
    slotCand0,
    slotCand1,
  ] = carveInt32(L, L, L, L, B, B, B, B + 1, B * B, B, B, L, L)
  const [
    served,
    candThrough,
    loses,
    carries,
    cacheUp,
    cacheLoses,
    cacheCarries,
    cacheServed,
    feedDown,
    feedCountable,
    prepUp,
    slotThrough0,
    slotThrough1,
  ] = carveUint8(L, B, B, B, B, B, B, L, ix.feedCount * B, ix.feedCount, B, B, B)
  return {
    order,
    orderBySize,
    twin,
    cand,
    groupEnd,
    shareBusA,
    shareA,
    shareBusB,
    shareB,
    served,
    loadU,
    lostOn,
    candThrough,
    candCount,
    candQ,
    vec,
    opt,
    moved,
    busFitCount,
    busFitW,
    busCount,
    busUsed,
    loses,
    carries,
    work: 0,
    cacheBuilds: 0,
    cacheReady: false,
    cacheComps: null,
    cacheUp,
    cacheLoadU,
    cacheMoved,
    cacheLoses,
    cacheCarries,
    cacheCarryCount,
    cacheLoseCount,
    cachePartnerStart,
    cachePartnerBus,
    cachePartnerNeedU,
    carryCount,
    loseCount,
    candN: 0,
    cacheVec,
    cacheServed,
    feeds: createFeedScratch(ix),
    feedDown,
    feedLimitU,
    feedCountable,
    prepReady: false,
    prepUp,
    prepSlots: [
      { valid: false, n: 0, cand: slotCand0, through: slotThrough0, count: slotCount0, q: slotQ0 },
      { valid: false, n: 0, cand: slotCand1, through: slotThrough1, count: slotCount1, q: slotQ1 },
    ],
    leaves: 0,
    sheddingNodes: 0,
  }
}

/** Shares of load l on its up buses; returns false when none of its buses is up. */
const setShares = (ix: RackIndex, ws: SheddingWorkspace, up: Uint8Array, l: number): boolean => {
  const a = ix.loadBusA[l] ?? -1
  const b = ix.loadBusB[l] ?? -1
  const aUp = a >= 0 && up[a] === 1
  const bUp = b >= 0 && up[b] === 1
  const q = ix.loadQ[l] ?? 0
  if (aUp && bUp) {
    ws.shareBusA[l] = a
    ws.shareA[l] = q
    ws.shareBusB[l] = b
    ws.shareB[l] = q
  } else if (aUp || bUp) {
    ws.shareBusA[l] = aUp ? a : b
    ws.shareA[l] = 2 * q
    ws.shareBusB[l] = -1
    ws.shareB[l] = 0
  } else {
    ws.shareBusA[l] = -1
    ws.shareBusB[l] = -1
    return false
  }
  return true
}

const fits = (ws: SheddingWorkspace, limitU: Float64Array, l: number): boolean => {
  const a = ws.shareBusA[l] ?? -1
  const b = ws.shareBusB[l] ?? -1
  if ((ws.loadU[a] ?? 0) + (ws.shareA[l] ?? 0) > (limitU[a] ?? 0)) return false
  if (b >= 0 && (ws.loadU[b] ?? 0) + (ws.shareB[l] ?? 0) > (limitU[b] ?? 0)) return false
  return true
}

const addLoad = (ix: RackIndex, ws: SheddingWorkspace, l: number, sign: 1 | -1): void => {
  const a = ws.shareBusA[l] ?? -1
  const b = ws.shareBusB[l] ?? -1
  ws.loadU[a] = (ws.loadU[a] ?? 0) + sign * (ws.shareA[l] ?? 0)
  if (b >= 0) ws.loadU[b] = (ws.loadU[b] ?? 0) + sign * (ws.shareB[l] ?? 0)
  else ws.lostOn[a] = (ws.lostOn[a] ?? 0) + sign
  ws.served[l] = sign === 1 ? 1 : 0
  const r = ix.loadPriorityRank[l] ?? 0
  ws.vec[2 * r] = (ws.vec[2 * r] ?? 0) + sign
  ws.vec[2 * r + 1] = (ws.vec[2 * r + 1] ?? 0) + sign * (ix.loadQ[l] ?? 0)
}

/** Fill levels 2-4 of ws.vec from ws.loadU / ws.served (level 1 is kept up to date by addLoad). */
const completeVector = (ix: RackIndex, ws: SheddingWorkspace, side: SwitchSide): void => {
  const B = ix.busCount
  const P = ix.loadPriorities.length
  const BP = ix.busPriorities.length
  const vec = ws.vec
  ws.work += ix.loadCount + B * B
  for (let i = 2 * P; i < vec.length; i++) vec[i] = 0
  for (let b = 0; b < B; b++) {
    if (side.up[b] === 1 && ix.busWired[b] === 1 && (side.redundantU[b] ?? 0) >= (ws.loadU[b] ?? 0)) {
      const i = 2 * P + (ix.busPriorityRank[b] ?? 0)
      vec[i] = (vec[i] ?? 0) + 1
    }
  }
  let survived = 0
  if (ix.busRedundancy) {
    const moved = ws.moved
    // From the everything-served cache when it is for this up set (the candidates are the same loads):
    // take the shed candidates out, fewer than the served ones as a rule. Whole units: exact.
    let fromCache = ws.cacheReady
    for (let b = 0; fromCache && b < B; b++) if (ws.cacheUp[b] !== side.up[b]) fromCache = false
    if (fromCache) {
      moved.set(ws.cacheMoved)
      ws.carryCount.set(ws.cacheCarryCount)
      ws.loseCount.set(ws.cacheLoseCount)
      for (let i = 0; i < ws.candN; i++) {
        const l = ws.cand[i] ?? 0
        if (ws.served[l] === 1) continue
        const a = ws.shareBusA[l] ?? -1
        const b = ws.shareBusB[l] ?? -1
        ws.carryCount[a] = (ws.carryCount[a] ?? 0) - 1
        if (b >= 0) {
          ws.carryCount[b] = (ws.carryCount[b] ?? 0) - 1
          const half = ws.shareA[l] ?? 0
          moved[a * B + b] = (moved[a * B + b] ?? 0) - half
          moved[b * B + a] = (moved[b * B + a] ?? 0) - half
        } else ws.loseCount[a] = (ws.loseCount[a] ?? 0) - 1
      }
      for (let b = 0; b < B; b++) {
        ws.carries[b] = (ws.carryCount[b] ?? 0) > 0 ? 1 : 0
        ws.loses[b] = (ws.loseCount[b] ?? 0) > 0 ? 1 : 0
      }
    } else {
      moved.fill(0)
      ws.loses.fill(0)
      ws.carries.fill(0)
      for (let l = 0; l < ix.loadCount; l++) {
        if (ws.served[l] === 0) continue
        const a = ws.shareBusA[l] ?? -1
        const b = ws.shareBusB[l] ?? -1
        ws.carries[a] = 1
        if (b >= 0) {
          ws.carries[b] = 1
          const half = ws.shareA[l] ?? 0
          moved[a * B + b] = (moved[a * B + b] ?? 0) + half
          moved[b * B + a] = (moved[b * B + a] ?? 0) + half
        } else ws.loses[a] = 1
      }
    }
    for (let a = 0; a < B; a++) {
      if (ws.carries[a] === 0 || ws.loses[a] === 1) continue
      let ok = true
      for (let b = 0; b < B; b++) {
        if (b === a || side.up[b] === 0) continue
        if ((ws.loadU[b] ?? 0) + (moved[a * B + b] ?? 0) > (side.limitU[b] ?? 0)) {
          ok = false
          break
        }
      }
      if (ok) survived++
    }
  }
  if (ix.feedCount > 0) {
    ws.work += ix.supplyCount + ix.feedCount * (ix.loadCount + B)
    survived += feedLossScenarios(ix, side.assign, side.up, ws.loadU, ws.served, ws.feeds)
  }
  vec[2 * P + BP] = survived
  vec[2 * P + BP + 1] = -side.changes
}

/** Compare a finished ws.vec / ws.served (for side.assign) with the incumbent; adopt it when better. */
export const offer = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  side: SwitchSide,
  inc: Incumbent,
  served: Uint8Array = ws.served,
): boolean => {
  const v = ws.vec
  let better: number
  if (inc.vector === null) better = 1
  else {
    better = 0
    for (let i = 0; i < v.length; i++) {
      const x = v[i] ?? 0
      const y = inc.vector[i] ?? 0
      if (x !== y) {
        better = x > y ? 1 : -1
        break
      }
    }
    if (better === 0) better = compareTieBreak(side.assign, served, inc.assign, inc.served)
  }
  if (better <= 0) return false
  if (inc.vector === null) inc.vector = new Float64Array(v)
  else inc.vector.set(v)
  inc.assign.set(side.assign)
  inc.served.set(served)
  return true
}

/** Reset per-leaf state and collect the candidate loads (those with an up bus), in priority order. */
const prepare = (ix: RackIndex, ws: SheddingWorkspace, side: SwitchSide, order: Int32Array): number => {
  ws.work += ix.loadCount
  ws.loadU.fill(0)
  ws.lostOn.fill(0)
  ws.served.fill(0)
  ws.vec.fill(0)
  // Shares and candidates depend on the up set alone: kept per order while it stays the same.
  let same = ws.prepReady
  for (let b = 0; same && b < ix.busCount; b++) if (ws.prepUp[b] !== side.up[b]) same = false
  if (!same) {
    ws.prepUp.set(side.up)
    ws.prepReady = true
    for (const slot of ws.prepSlots) slot.valid = false
  }
  const slot = ws.prepSlots[order === ws.order ? 0 : 1]
  if (slot !== undefined && slot.valid) {
    ws.cand.set(slot.cand.subarray(0, slot.n))
    ws.candThrough.set(slot.through)
    ws.candCount.set(slot.count)
    ws.candQ.set(slot.q)
    ws.candN = slot.n
    return slot.n
  }
  ws.candThrough.fill(0)
  ws.candCount.fill(0)
  ws.candQ.fill(0)
  let n = 0
  for (let i = 0; i < order.length; i++) {
    const l = order[i] ?? 0
    if (!(same ? (ws.shareBusA[l] ?? -1) >= 0 : setShares(ix, ws, side.up, l))) continue
    ws.cand[n++] = l
    ws.candThrough[ws.shareBusA[l] ?? 0] = 1
    const b = ws.shareBusB[l] ?? -1
    if (b >= 0) ws.candThrough[b] = 1
    const r = ix.loadPriorityRank[l] ?? 0
    ws.candCount[r] = (ws.candCount[r] ?? 0) + 1
    ws.candQ[r] = (ws.candQ[r] ?? 0) + (ix.loadQ[l] ?? 0)
  }
  if (slot !== undefined && (order === ws.order || order === ws.orderBySize)) {
    slot.cand.set(ws.cand.subarray(0, n))
    slot.n = n
    slot.through.set(ws.candThrough)
    slot.count.set(ws.candCount)
    slot.q.set(ws.candQ)
    slot.valid = true
  }
  ws.candN = n
  return n
}

/** Rebuild the everything-served cache for side.up (charged as a full rebuild, whatever it redoes). */
const buildCache = (ix: RackIndex, ws: SheddingWorkspace, side: SwitchSide): void => {
  const B = ix.busCount
  ws.work += ix.loadCount + B * B
  const comps = (ws.cacheComps ??= busComponents(ix, ws.order))
  if (!ws.cacheReady) {
    ws.cacheLoadU.fill(0)
    ws.cacheMoved.fill(0)
    ws.cacheLoses.fill(0)
    ws.cacheCarries.fill(0)
    ws.cacheCarryCount.fill(0)
    ws.cacheLoseCount.fill(0)
    ws.cacheVec.fill(0)
    ws.cacheServed.fill(0)
  }
  // Only components with a bus whose up state changed are redone: the others keep their loads.
  for (let c = 0; c < comps.compCount; c++) {
    const b0 = comps.busStart[c] ?? 0
    const b1 = comps.busStart[c + 1] ?? 0
    let changed = !ws.cacheReady
    for (let i = b0; !changed && i < b1; i++) {
      const b = comps.buses[i] ?? 0
      changed = ws.cacheUp[b] !== side.up[b]
    }
    if (changed) cacheComponent(ix, ws, side, comps, c)
  }
  ws.cacheUp.set(side.up)
  let k = 0
  for (let a = 0; a < B; a++) {
    ws.cachePartnerStart[a] = k
    for (let b = 0; b < B; b++) {
      const movedU = ws.cacheMoved[a * B + b] ?? 0
      if (b === a || side.up[b] === 0 || movedU <= 0) continue
      ws.cachePartnerBus[k] = b
      ws.cachePartnerNeedU[k] = (ws.cacheLoadU[b] ?? 0) + movedU
      k++
    }
  }
  ws.cachePartnerStart[B] = k
  ws.cacheReady = true
  ws.cacheBuilds++
}

/**
 * The everything-served cache of component `c` for side.up: its loads' served flags and their part
 * of level 1 taken out (whole quanta, so exact), its buses' state reset, then every load with an up
 * bus added.
 */
const cacheComponent = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  side: SwitchSide,
  comps: BusComponents,
  c: number,
): void => {
  const B = ix.busCount
  const b0 = comps.busStart[c] ?? 0
  const b1 = comps.busStart[c + 1] ?? 0
  for (let i = b0; i < b1; i++) {
    const a = comps.buses[i] ?? 0
    ws.cacheLoadU[a] = 0
    ws.cacheLoses[a] = 0
    ws.cacheCarries[a] = 0
    ws.cacheCarryCount[a] = 0
    ws.cacheLoseCount[a] = 0
    for (let j = b0; j < b1; j++) ws.cacheMoved[a * B + (comps.buses[j] ?? 0)] = 0
  }
  const end = comps.loadStart[c + 1] ?? 0
  for (let i = comps.loadStart[c] ?? 0; i < end; i++) {
    const l = comps.loads[i] ?? 0
    const q = ix.loadQ[l] ?? 0
    const r = ix.loadPriorityRank[l] ?? 0
    if (ws.cacheServed[l] === 1) {
      ws.cacheServed[l] = 0
      ws.cacheVec[2 * r] = (ws.cacheVec[2 * r] ?? 0) - 1
      ws.cacheVec[2 * r + 1] = (ws.cacheVec[2 * r + 1] ?? 0) - q
    }
    const a = ix.loadBusA[l] ?? -1
    const b = ix.loadBusB[l] ?? -1
    const aUp = a >= 0 && side.up[a] === 1
    const bUp = b >= 0 && side.up[b] === 1
    if (!aUp && !bUp) continue
    ws.cacheServed[l] = 1
    ws.cacheVec[2 * r] = (ws.cacheVec[2 * r] ?? 0) + 1
    ws.cacheVec[2 * r + 1] = (ws.cacheVec[2 * r + 1] ?? 0) + q
    if (aUp && bUp) {
      ws.cacheLoadU[a] = (ws.cacheLoadU[a] ?? 0) + q
      ws.cacheLoadU[b] = (ws.cacheLoadU[b] ?? 0) + q
      ws.cacheMoved[a * B + b] = (ws.cacheMoved[a * B + b] ?? 0) + q
      ws.cacheMoved[b * B + a] = (ws.cacheMoved[b * B + a] ?? 0) + q
      ws.cacheCarries[a] = 1
      ws.cacheCarries[b] = 1
      ws.cacheCarryCount[a] = (ws.cacheCarryCount[a] ?? 0) + 1
      ws.cacheCarryCount[b] = (ws.cacheCarryCount[b] ?? 0) + 1
    } else {
      const only = aUp ? a : b
      ws.cacheLoadU[only] = (ws.cacheLoadU[only] ?? 0) + 2 * q
      ws.cacheLoses[only] = 1
      ws.cacheCarries[only] = 1
      ws.cacheCarryCount[only] = (ws.cacheCarryCount[only] ?? 0) + 1
      ws.cacheLoseCount[only] = (ws.cacheLoseCount[only] ?? 0) + 1
    }
  }
}

/**
 * Whether every load with an up bus fits on `side` (each up bus within its limit with all of them);
 * the everything-served cache is then the one for side.up.
 */
export const everythingFits = (ix: RackIndex, ws: SheddingWorkspace, side: SwitchSide): boolean => {
  const B = ix.busCount
  let same = ws.cacheReady
  for (let b = 0; same && b < B; b++) if (ws.cacheUp[b] !== side.up[b]) same = false
  if (!same) buildCache(ix, ws, side)
  ws.work += B
  for (let b = 0; b < B; b++)
    if (side.up[b] === 1 && (ws.cacheLoadU[b] ?? 0) > (side.limitU[b] ?? 0)) return false
  return true
}

/**
 * When every load with an up bus fits, that served set is the only level-1 optimum: evaluate it into
 * ws.vec from the cache (rebuilt only when the up set changes; served flags and bus loads then in
 * ws.cacheServed / ws.cacheLoadU). Returns false when something must be shed.
 */
export const evaluateAllServed = (ix: RackIndex, ws: SheddingWorkspace, side: SwitchSide): boolean => {
  ws.work += ix.busCount * ix.busCount
  if (!everythingFits(ix, ws, side)) return false
  allServedVector(ix, ws, side)
  return true
}

/**
 * ws.vec for `side` with everything served, from the cache; the caller knows the cache is for side.up
 * and that everything fits (evaluateAllServed checks both). Charges only the feed scenarios.
 */
export const allServedVector = (ix: RackIndex, ws: SheddingWorkspace, side: SwitchSide): void => {
  const B = ix.busCount
  const P = ix.loadPriorities.length
  const BP = ix.busPriorities.length
  const vec = ws.vec
  vec.set(ws.cacheVec)
  for (let b = 0; b < B; b++) {
    if (side.up[b] === 1 && ix.busWired[b] === 1 && (side.redundantU[b] ?? 0) >= (ws.cacheLoadU[b] ?? 0)) {
      const i = 2 * P + (ix.busPriorityRank[b] ?? 0)
      vec[i] = (vec[i] ?? 0) + 1
    }
  }
  let survived = 0
  if (ix.busRedundancy) {
    for (let a = 0; a < B; a++) {
      if (ws.cacheCarries[a] === 0 || ws.cacheLoses[a] === 1) continue
      let ok = true
      const end = ws.cachePartnerStart[a + 1] ?? 0
      for (let j = ws.cachePartnerStart[a] ?? 0; ok && j < end; j++)
        ok = (ws.cachePartnerNeedU[j] ?? 0) <= (side.limitU[ws.cachePartnerBus[j] ?? 0] ?? 0)
      if (ok) survived++
    }
  }
  if (ix.feedCount > 0) {
    ws.work += ix.supplyCount + ix.feedCount * (ix.loadCount + B)
    survived += feedLossScenarios(ix, side.assign, side.up, ws.cacheLoadU, ws.cacheServed, ws.feeds)
  }
  vec[2 * P + BP] = survived
  vec[2 * P + BP + 1] = -side.changes
}

/**
 * Greedy shedding for `side`, evaluated into ws.vec. Returns true when the served flags and bus loads
 * are in ws.cacheServed / ws.cacheLoadU (everything fits), false when in ws.served / ws.loadU.
 */
export const evaluateGreedy = (ix: RackIndex, ws: SheddingWorkspace, side: SwitchSide): boolean => {
  if (evaluateAllServed(ix, ws, side)) return true
  const n = prepare(ix, ws, side, ws.orderBySize)
  ws.work += 3 * ix.loadCount + ix.busCount * ix.busCount
  for (let i = 0; i < n; i++) {
    const l = ws.cand[i] ?? 0
    if (fits(ws, side.limitU, l)) addLoad(ix, ws, l, 1)
  }
  completeVector(ix, ws, side)
  return false
}

/**
 * Evaluate `side` with a given served set (loads without an up bus dropped) into ws.vec, ws.served and
 * ws.loadU. Returns false when that set does not fit (some up bus over its limit).
 */
export const evaluateServed = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  side: SwitchSide,
  served: Uint8Array,
): boolean => {
  const n = prepare(ix, ws, side, ws.order)
  ws.work += 2 * n
  for (let i = 0; i < n; i++) {
    const l = ws.cand[i] ?? 0
    if (served[l] === 1) addLoad(ix, ws, l, 1)
  }
  for (let b = 0; b < ix.busCount; b++)
    if (side.up[b] === 1 && (ws.loadU[b] ?? 0) > (side.limitU[b] ?? 0)) return false
  completeVector(ix, ws, side)
  return true
}

/** Greedy shedding for `side`, offered to the incumbent; true when it improved. */
export const chooseSheddingGreedy = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  side: SwitchSide,
  inc: Incumbent,
): boolean => offer(ix, ws, side, inc, evaluateGreedy(ix, ws, side) ? ws.cacheServed : ws.served)

/**
 * Per leaf (the switches are fixed): which buses each feed's loss takes down, what the others can
 * still carry, and which feeds can still be counted (a closed supply on an up bus with a candidate).
 */
const prepareFeedBound = (ix: RackIndex, ws: SheddingWorkspace, side: SwitchSide): void => {
  const B = ix.busCount
  const fs = ws.feeds
  ws.work += ix.supplyCount + ix.feedCount * B
  feedShares(ix, side.assign, fs)
  for (let f = 0; f < ix.feedCount; f++) {
    let countable = 0
    for (let b = 0; b < B; b++) {
      const at = f * B + b
      const n = fs.lostCount[at] ?? 0
      ws.feedDown[at] = n > 0 && n === fs.busCount[b] ? 1 : 0
      ws.feedLimitU[at] = Math.min((fs.busCapU[b] ?? 0) - (fs.lostCapU[at] ?? 0), ix.maxU[b] ?? Infinity)
      if (n > 0 && side.up[b] === 1 && ws.candThrough[b] === 1) countable = 1
    }
    ws.feedCountable[f] = countable
  }
}

/**
 * Bound on the survived feed scenarios below a shedding node: loads only get added deeper, so a feed
 * already failed stays failed: a served load on one bus that the feed's loss takes down, or a bus
 * that stays up already over what it can carry without the feed.
 */
const feedsStillSurvivable = (ix: RackIndex, ws: SheddingWorkspace): number => {
  const B = ix.busCount
  ws.work += ix.feedCount * B
  let n = 0
  for (let f = 0; f < ix.feedCount; f++) {
    if (ws.feedCountable[f] === 0) continue
    let ok = true
    for (let b = 0; ok && b < B; b++) {
      const at = f * B + b
      if (ws.feedDown[at] === 1) ok = (ws.lostOn[b] ?? 0) === 0
      else ok = (ws.loadU[b] ?? 0) <= (ws.feedLimitU[at] ?? 0)
    }
    if (ok) n++
  }
  return n
}

/**
 * Exact. Returns true when the incumbent was improved. Gives up (returns what it has) when
 * ws.work exceeds `workLimit`; the caller then knows the result is not proven.
 */
export const chooseSheddingExact = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  side: SwitchSide,
  inc: Incumbent,
  workLimit: number,
): boolean => {
  ws.leaves++
  // Fast path: everything servable fits.
  if (evaluateAllServed(ix, ws, side)) return offer(ix, ws, side, inc, ws.cacheServed)
  const n = prepare(ix, ws, side, ws.orderBySize)
  ws.work += n
  // Group ends: cand is sorted by priority rank.
  for (let i = n - 1; i >= 0; i--) {
    const r = ix.loadPriorityRank[ws.cand[i] ?? 0] ?? 0
    const next = ws.cand[i + 1]
    ws.groupEnd[i] =
      i === n - 1 || next === undefined || (ix.loadPriorityRank[next] ?? 0) !== r
        ? i + 1
        : (ws.groupEnd[i + 1] ?? n)
  }
  let improved = false
  const P = ix.loadPriorities.length
  const BP = ix.busPriorities.length
  const F = ix.feedCount
  if (F > 0) prepareFeedBound(ix, ws, side)

  /** Compare ws.opt (an optimistic vector for side) with the incumbent: true when it cannot win. */
  const cannotWin = (vecInc: Float64Array): boolean => {
    const opt = ws.opt
    for (let j = 0; j < opt.length; j++) {
      const x = opt[j] ?? 0
      const y = vecInc[j] ?? 0
      if (x !== y) return x < y
    }
    // Equal on levels 1-4 at best: only a better supply tie-break can still win.
    for (let s = 0; s < ix.supplyCount; s++) {
      const x = side.assign[s] ?? -1
      const y = inc.assign[s] ?? -1
      if (x !== y) return x > y
    }
    return false
  }

  /** True when nothing below this node can beat the incumbent. */
  const pruned = (i: number): boolean => {
    const vecInc = inc.vector
    if (vecInc === null) return false
    const opt = ws.opt
    opt.set(ws.vec)
    const B = ix.busCount
    let r0 = -1
    let end = i
    let count = 0
    let watts = 0
    if (i < n) {
      const l0 = ws.cand[i] ?? 0
      r0 = ix.loadPriorityRank[l0] ?? 0
      end = ws.groupEnd[i] ?? n
      // Charged whether or not the per-bus refinement below runs, so the work count does not depend on it.
      ws.work += end - i + B * 2 + P + (end - i) * 2 + B
      // The rest of this priority group: loads that still fit one by one, and together no more than the
      // spare capacity of all up buses (smallest first for the count; candidates are in size order).
      let spare = 0
      for (let b = 0; b < B; b++)
        if (side.up[b] === 1) spare += Math.max(0, (side.limitU[b] ?? 0) - (ws.loadU[b] ?? 0))
      let used = 0
      let fitW = 0
      for (let j = i; j < end; j++) {
        const l = ws.cand[j] ?? 0
        if (!fits(ws, side.limitU, l)) continue
        const q = ix.loadQ[l] ?? 0
        fitW += q
        if (used + 2 * q <= spare) {
          used += 2 * q
          count++
        }
      }
      watts = Math.min(fitW, Math.floor(spare / 2))
      opt[2 * r0] = (opt[2 * r0] ?? 0) + count
      opt[2 * r0 + 1] = (opt[2 * r0 + 1] ?? 0) + watts
      for (let r = r0 + 1; r < P; r++) {
        opt[2 * r] = (opt[2 * r] ?? 0) + (ws.candCount[r] ?? 0)
        opt[2 * r + 1] = (opt[2 * r + 1] ?? 0) + (ws.candQ[r] ?? 0)
      }
    }
    for (let j = 2 * P; j < opt.length; j++) opt[j] = 0
    let survivable = 0
    for (let b = 0; b < B; b++) {
      if (side.up[b] === 0) continue
      if (ix.busWired[b] === 1 && (side.redundantU[b] ?? 0) >= (ws.loadU[b] ?? 0)) {
        const j = 2 * P + (ix.busPriorityRank[b] ?? 0)
        opt[j] = (opt[j] ?? 0) + 1
      }
      if (ws.candThrough[b] === 1 && (ws.lostOn[b] ?? 0) === 0) survivable++
    }
    opt[2 * P + BP] = (ix.busRedundancy ? survivable : 0) + (F > 0 ? feedsStillSurvivable(ix, ws) : 0)
    opt[2 * P + BP + 1] = -side.changes
    const cut = cannotWin(vecInc)
    if (cut || r0 < 0) return cut
    // Not cut yet: refine this group's part per up bus. The loads through a bus put at least q each
    // on it (smallest first for the count), so they add at most its spare in watts and as many as fit
    // in it; the others are counted in full. Only lowers the bound, so a cut above stays a cut.
    let fitCount = 0
    let fitW = 0
    ws.busFitCount.fill(0)
    ws.busFitW.fill(0)
    ws.busCount.fill(0)
    ws.busUsed.fill(0)
    for (let j = i; j < end; j++) {
      const l = ws.cand[j] ?? 0
      if (!fits(ws, side.limitU, l)) continue
      const q = ix.loadQ[l] ?? 0
      fitW += q
      fitCount++
      for (let t = 0; t < 2; t++) {
        const b = (t === 0 ? ws.shareBusA[l] : ws.shareBusB[l]) ?? -1
        if (b < 0) continue
        ws.busFitCount[b] = (ws.busFitCount[b] ?? 0) + 1
        ws.busFitW[b] = (ws.busFitW[b] ?? 0) + q
        if ((ws.busUsed[b] ?? 0) + q <= (side.limitU[b] ?? 0) - (ws.loadU[b] ?? 0)) {
          ws.busUsed[b] = (ws.busUsed[b] ?? 0) + q
          ws.busCount[b] = (ws.busCount[b] ?? 0) + 1
        }
      }
    }
    let refinedCount = count
    let refinedWatts = watts
    for (let b = 0; b < B; b++) {
      if (side.up[b] === 0 || (ws.busFitCount[b] ?? 0) === 0) continue
      const room = Math.max(0, (side.limitU[b] ?? 0) - (ws.loadU[b] ?? 0))
      refinedCount = Math.min(refinedCount, fitCount - (ws.busFitCount[b] ?? 0) + (ws.busCount[b] ?? 0))
      refinedWatts = Math.min(refinedWatts, fitW - (ws.busFitW[b] ?? 0) + Math.min(ws.busFitW[b] ?? 0, room))
    }
    if (refinedCount === count && refinedWatts === watts) return false
    opt[2 * r0] = (opt[2 * r0] ?? 0) - count + refinedCount
    opt[2 * r0 + 1] = (opt[2 * r0 + 1] ?? 0) - watts + refinedWatts
    return cannotWin(vecInc)
  }

  const dfs = (i: number): void => {
    ws.work++
    ws.sheddingNodes++
    if (ws.work > workLimit) return
    if (i === n) {
      completeVector(ix, ws, side)
      if (offer(ix, ws, side, inc)) improved = true
      return
    }
    if (pruned(i)) return
    const l = ws.cand[i] ?? 0
    const tw = ws.twin[l] ?? -1
    if ((tw < 0 || ws.served[tw] === 1) && fits(ws, side.limitU, l)) {
      addLoad(ix, ws, l, 1)
      dfs(i + 1)
      addLoad(ix, ws, l, -1)
    }
    dfs(i + 1)
  }
  dfs(0)
  return improved
}

/**
 * Repair for results the exact search could not finish (its shedding may have been cut by the budget):
 * on `side`, starting from the incumbent's served set, serve each shed load that fits, or that fits in
 * place of one served load of lower priority sharing a bus with it (each such change wins on level 1),
 * highest priority first, until none applies; the result is offered to the incumbent. Returns true when
 * it improved. The incumbent's assign must be `side.assign`.
 */
export const serveByPrioritySwaps = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  side: SwitchSide,
  inc: Incumbent,
): boolean => {
  if (inc.vector === null || !evaluateServed(ix, ws, side, inc.served)) return false
  const order = ws.order
  let changed = true
  while (changed) {
    changed = false
    for (let i = 0; i < order.length; i++) {
      const h = order[i] ?? 0
      const ha = ws.shareBusA[h] ?? -1
      const hb = ws.shareBusB[h] ?? -1
      if (ws.served[h] === 1 || ha < 0) continue
      ws.work += order.length
      if (fits(ws, side.limitU, h)) {
        addLoad(ix, ws, h, 1)
        changed = true
        continue
      }
      const rank = ix.loadPriorityRank[h] ?? 0
      // Lowest priority first (order is by priority rank, then id).
      for (let j = order.length - 1; j >= 0; j--) {
        const low = order[j] ?? 0
        if ((ix.loadPriorityRank[low] ?? 0) <= rank) break
        if (ws.served[low] === 0) continue
        const la = ws.shareBusA[low] ?? -1
        const lb = ws.shareBusB[low] ?? -1
        if (la !== ha && la !== hb && (lb < 0 || (lb !== ha && lb !== hb))) continue
        addLoad(ix, ws, low, -1)
        if (fits(ws, side.limitU, h)) {
          addLoad(ix, ws, h, 1)
          changed = true
          break
        }
        addLoad(ix, ws, low, 1)
      }
    }
  }
  completeVector(ix, ws, side)
  return offer(ix, ws, side, inc)
}
