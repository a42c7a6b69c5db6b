/**
 * Pure (mutates only its own buffers and the workspace vector it is handed). Incremental evaluation of
 * the climb's neighbours: the same service vector, served set and bus loads as evaluateGreedy /
 * evaluateServed (chooseShedding), computed only on the bus components a move touches.
 *
 * Why it is exact: buses joined by a dual-corded load form a component (fixed by the wiring). A load's
 * greedy decision depends only on the running loads of its own buses, so greedy shedding restricted to
 * a component is greedy shedding of that component alone, in the same order. Levels 1-3 are sums over
 * components: level 1 over loads, level 2 over buses, and a bus-loss scenario moves load only onto the
 * lost bus's partners, which are in its component (every other up bus keeps its load, within its
 * limit). Level 4 is the side's own count. All sums are of whole quanta or units, so adding and taking
 * out parts is exact. Feed-loss scenarios span components, so racks with feeds do not use this.
 *
 * The climb settles the evaluator on its point (settlePoint) each time it adopts one; a neighbour is then
 * the point's parts with the touched components' parts replaced.
 */
import { busComponents, type BusComponents } from './busComponents.js'
import { carveFloat64, carveInt32, carveUint8 } from './carve.js'
import type { SheddingWorkspace } from './chooseShedding.js'
import type { RackIndex } from './indexRack.js'
import type { SwitchSide } from './switchSide.js'

/** Per-component parts of the point and of the neighbour under evaluation (see settlePoint). */
export interface ClimbEvaluator extends BusComponents {
  // From BusComponents: component of each bus; buses and loads (greedy order) per component.
  /** Entries of a part: level 1 (2P), level 2 (BP), survived bus losses (1). */
  readonly partLength: number
  /** The point's bus state, to find which buses a neighbour changed. */
  readonly pointUp: Uint8Array
  readonly pointLimitU: Float64Array
  readonly pointRedundantU: Float64Array
  /** The same arrays as a side (what shedding a component reads), the point's shedding, parts ready. */
  readonly pointSide: SwitchSide
  servedHere: Uint8Array
  settled: boolean
  /** Per component: its parts are to be computed for the settled point (the others carry over). */
  readonly dirty: Uint8Array
  /** The point's greedy shedding and its own (kept) shedding: parts per component, totals, flags, loads. */
  readonly greedyParts: Float64Array
  readonly keptParts: Float64Array
  readonly greedyTotal: Float64Array
  readonly keptTotal: Float64Array
  readonly pointGreedyServed: Uint8Array
  readonly pointGreedyLoadU: Float64Array
  readonly pointKeptServed: Uint8Array
  readonly pointKeptLoadU: Float64Array
  /** The point's kept shedding's loss flags (shedComponent's own scratch ones are the evaluator's). */
  readonly pointKeptFlags: LossFlags
  /**
   * The point's greedy shedding, per bus: loss flags, and how many served loads pass through it
   * (carry) or hold it alone (lose); per position in `loads`: the up buses its load may use (-1: none)
   * and what each would carry with it added (its running load plus the load's share), which tells
   * where a neighbour with the same up buses first decides differently (see greedyFromPoint).
   */
  readonly pointGreedyFlags: LossFlags
  readonly pointCarryCount: Int32Array
  readonly pointLoseCount: Int32Array
  readonly stepBusA: Int32Array
  readonly stepBusB: Int32Array
  readonly stepNeedA: Float64Array
  readonly stepNeedB: Float64Array
  /**
   * Per bus b, from slot throughStart[b]: the positions of the loads the point's greedy serves through
   * it, in order, and what b carries with each added (non-decreasing); how many. Per component c, from
   * slot loadStart[c]: the positions of the loads it sheds, in order; how many.
   */
  readonly throughStart: Int32Array
  readonly servedPos: Int32Array
  readonly servedNeed: Float64Array
  readonly servedCount: Int32Array
  readonly shedPos: Int32Array
  readonly shedCount: Int32Array
  /** Scratch counts for greedyFromPoint. */
  readonly carryCount: Int32Array
  readonly loseCount: Int32Array
  /** The neighbour: touched components, its greedy and kept flags and bus loads, scratch parts. */
  readonly touched: Int32Array
  touchedCount: number
  readonly isTouched: Uint8Array
  readonly greedyServed: Uint8Array
  readonly greedyLoadU: Float64Array
  readonly keptServed: Uint8Array
  readonly keptLoadU: Float64Array
  readonly part: Float64Array
  readonly total: Float64Array
  /** Scratch for one component's bus-loss scenarios. */
  readonly moved: Float64Array
  readonly carries: Uint8Array
  readonly loses: Uint8Array
}

/** An evaluator for the rack, or null when it names feeds (their scenarios span components). */
export const createClimbEvaluator = (ix: RackIndex, ws: SheddingWorkspace): ClimbEvaluator | null => {
  if (ix.feedCount > 0) return null
  const B = ix.busCount
  const L = ix.loadCount
  const { compOfBus, compCount, busStart, buses, loadStart, loads } = busComponents(ix, ws.orderBySize)
  const V = 2 * ix.loadPriorities.length + ix.busPriorities.length + 1
  const throughStart = new Int32Array(B + 1)
  for (let l = 0; l < L; l++) {
    const a = ix.loadBusA[l] ?? -1
    const b = ix.loadBusB[l] ?? -1
    if (a >= 0) throughStart[a + 1] = (throughStart[a + 1] ?? 0) + 1
    if (b >= 0) throughStart[b + 1] = (throughStart[b + 1] ?? 0) + 1
  }
  for (let b = 0; b < B; b++) throughStart[b + 1] = (throughStart[b + 1] ?? 0) + (throughStart[b] ?? 0)
  const slots = throughStart[B] ?? 0
  // Three allocations for the buffers below (views are far cheaper to make than typed arrays).
  const [
    pointLimitU,
    pointRedundantU,
    greedyParts,
    keptParts,
    greedyTotal,
    keptTotal,
    pointGreedyLoadU,
    pointKeptLoadU,
    greedyLoadU,
    keptLoadU,
    part,
    total,
    moved,
    pointKeptMoved,
    pointGreedyMoved,
    stepNeedA,
    stepNeedB,
    servedNeed,
  ] = carveFloat64(
    B,
    B,
    compCount * V,
    compCount * V,
    V,
    V,
    B,
    B,
    B,
    B,
    V,
    V,
    B * B,
    B * B,
    B * B,
    L,
    L,
    slots,
  )
  const [
    noAssign,
    touched,
    pointCarryCount,
    pointLoseCount,
    stepBusA,
    stepBusB,
    carryCount,
    loseCount,
    servedPos,
    servedCount,
    shedPos,
    shedCount,
  ] = carveInt32(0, compCount, B, B, L, L, B, B, slots, B, L, compCount)
  const [
    pointUp,
    servedHere,
    pointGreedyServed,
    pointKeptServed,
    isTouched,
    greedyServed,
    keptServed,
    carries,
    loses,
    pointKeptCarries,
    pointKeptLoses,
    pointGreedyCarries,
    pointGreedyLoses,
    dirty,
  ] = carveUint8(B, L, L, L, compCount, L, L, B, B, B, B, B, B, compCount)
  return {
    compOfBus,
    compCount,
    busStart,
    buses,
    loadStart,
    loads,
    partLength: V,
    pointUp,
    pointLimitU,
    pointRedundantU,
    // shedComponent reads up, limits and redundant capacity only.
    pointSide: {
      assign: noAssign,
      up: pointUp,
      limitU: pointLimitU,
      redundantU: pointRedundantU,
      changes: 0,
    },
    servedHere,
    settled: false,
    dirty: dirty.fill(1),
    greedyParts,
    keptParts,
    greedyTotal,
    keptTotal,
    pointGreedyServed,
    pointGreedyLoadU,
    pointKeptServed,
    pointKeptLoadU,
    pointKeptFlags: { moved: pointKeptMoved, carries: pointKeptCarries, loses: pointKeptLoses },
    pointGreedyFlags: { moved: pointGreedyMoved, carries: pointGreedyCarries, loses: pointGreedyLoses },
    pointCarryCount,
    pointLoseCount,
    stepBusA,
    stepBusB,
    stepNeedA,
    stepNeedB,
    throughStart,
    servedPos,
    servedNeed,
    servedCount,
    shedPos,
    shedCount,
    carryCount,
    loseCount,
    touched,
    touchedCount: 0,
    isTouched,
    greedyServed,
    greedyLoadU,
    keptServed,
    keptLoadU,
    part,
    total,
    moved,
    carries,
    loses,
  }
}

/** One evaluator per workspace (so per rack), made on first use; every user settles it afresh. */
const evaluators = new WeakMap<SheddingWorkspace, ClimbEvaluator | null>()

/** The workspace's evaluator (see createClimbEvaluator), made once. */
export const climbEvaluatorOf = (ix: RackIndex, ws: SheddingWorkspace): ClimbEvaluator | null => {
  let ev = evaluators.get(ws)
  if (ev === undefined) {
    ev = createClimbEvaluator(ix, ws)
    evaluators.set(ws, ev)
  }
  return ev
}

/** Where shedComponent writes a component's load moved per bus pair on a loss and its carry/lose flags. */
interface LossFlags {
  readonly moved: Float64Array
  readonly carries: Uint8Array
  readonly loses: Uint8Array
}

/**
 * Shed component `c` of `side`: greedily (given null; smallest first within each priority, as
 * evaluateGreedy) or keeping the loads `given` serves. Writes the component's flags into `served`, its
 * bus loads into `loadU`, its loss flags into `flags` and its part into `part` at `at`. Returns false
 * when `given` does not fit.
 */
const shedComponent = (
  ix: RackIndex,
  ev: ClimbEvaluator,
  side: SwitchSide,
  c: number,
  given: Uint8Array | null,
  served: Uint8Array,
  loadU: Float64Array,
  flags: LossFlags,
  part: Float64Array,
  at: number,
): boolean => {
  const B = ix.busCount
  const V = ev.partLength
  const { moved, carries, loses } = flags
  const b0 = ev.busStart[c] ?? 0
  const b1 = ev.busStart[c + 1] ?? 0
  for (let i = 0; i < V; i++) part[at + i] = 0
  for (let i = b0; i < b1; i++) {
    const a = ev.buses[i] ?? 0
    loadU[a] = 0
    carries[a] = 0
    loses[a] = 0
    for (let j = b0; j < b1; j++) moved[a * B + (ev.buses[j] ?? 0)] = 0
  }
  const up = side.up
  const limitU = side.limitU
  const end = ev.loadStart[c + 1] ?? 0
  for (let i = ev.loadStart[c] ?? 0; i < end; i++) {
    const l = ev.loads[i] ?? 0
    const a = ix.loadBusA[l] ?? -1
    const b = ix.loadBusB[l] ?? -1
    const aUp = a >= 0 && up[a] === 1
    const bUp = b >= 0 && up[b] === 1
    served[l] = 0
    if (!aUp && !bUp) continue
    const q = ix.loadQ[l] ?? 0
    if (aUp && bUp) {
      if (
        given === null
          ? (loadU[a] ?? 0) + q > (limitU[a] ?? 0) || (loadU[b] ?? 0) + q > (limitU[b] ?? 0)
          : given[l] !== 1
      )
        continue
      loadU[a] = (loadU[a] ?? 0) + q
      loadU[b] = (loadU[b] ?? 0) + q
      moved[a * B + b] = (moved[a * B + b] ?? 0) + q
      moved[b * B + a] = (moved[b * B + a] ?? 0) + q
      carries[a] = 1
      carries[b] = 1
    } else {
      const only = aUp ? a : b
      if (given === null ? (loadU[only] ?? 0) + 2 * q > (limitU[only] ?? 0) : given[l] !== 1) continue
      loadU[only] = (loadU[only] ?? 0) + 2 * q
      carries[only] = 1
      loses[only] = 1
    }
    served[l] = 1
    const r = ix.loadPriorityRank[l] ?? 0
    part[at + 2 * r] = (part[at + 2 * r] ?? 0) + 1
    part[at + 2 * r + 1] = (part[at + 2 * r + 1] ?? 0) + q
  }
  if (given !== null && !componentFits(ev, side, c, loadU)) return false
  finishPart(ix, ev, side, c, loadU, flags, part, at)
  return true
}

/** Whether every up bus of component `c` carries `loadU` within its limit. */
const componentFits = (ev: ClimbEvaluator, side: SwitchSide, c: number, loadU: Float64Array): boolean => {
  const end = ev.busStart[c + 1] ?? 0
  for (let i = ev.busStart[c] ?? 0; i < end; i++) {
    const b = ev.buses[i] ?? 0
    if (side.up[b] === 1 && (loadU[b] ?? 0) > (side.limitU[b] ?? 0)) return false
  }
  return true
}

/**
 * The part's levels 2 and 3 for component `c` of `side` with bus loads `loadU` and loss flags `flags`
 * (its level-2 entries must be 0): N+k per bus, and the bus losses the component survives.
 */
const finishPart = (
  ix: RackIndex,
  ev: ClimbEvaluator,
  side: SwitchSide,
  c: number,
  loadU: Float64Array,
  flags: LossFlags,
  part: Float64Array,
  at: number,
): void => {
  const B = ix.busCount
  const P = ix.loadPriorities.length
  const up = side.up
  const limitU = side.limitU
  const b0 = ev.busStart[c] ?? 0
  const b1 = ev.busStart[c + 1] ?? 0
  let survived = 0
  for (let i = b0; i < b1; i++) {
    const a = ev.buses[i] ?? 0
    if (up[a] === 1 && ix.busWired[a] === 1 && (side.redundantU[a] ?? 0) >= (loadU[a] ?? 0)) {
      const j = at + 2 * P + (ix.busPriorityRank[a] ?? 0)
      part[j] = (part[j] ?? 0) + 1
    }
    if (!ix.busRedundancy || flags.carries[a] === 0 || flags.loses[a] === 1) continue
    let ok = true
    for (let j = b0; ok && j < b1; j++) {
      const b = ev.buses[j] ?? 0
      if (b !== a && up[b] === 1) ok = (loadU[b] ?? 0) + (flags.moved[a * B + b] ?? 0) <= (limitU[b] ?? 0)
    }
    if (ok) survived++
  }
  part[at + ev.partLength - 1] = survived
}

/** Whether component `c` has the point's up buses on `side`. */
const sameUpInComponent = (ev: ClimbEvaluator, side: SwitchSide, c: number): boolean => {
  const end = ev.busStart[c + 1] ?? 0
  for (let i = ev.busStart[c] ?? 0; i < end; i++) {
    const b = ev.buses[i] ?? 0
    if (side.up[b] !== ev.pointUp[b]) return false
  }
  return true
}

/**
 * Settle the evaluator on the climb's point: `side` as it is now, `servedHere` its adopted shedding
 * (which fits; the caller keeps it unchanged until the next settlePoint). The point's parts are
 * computed when a neighbour first needs them (many points are left before any neighbour sheds).
 * `adopted` says the point is the neighbour last evaluated from the settled point, with its greedy or
 * its kept shedding: then only the components it touched are computed again, since the others keep
 * their bus states, so their greedy parts, and their kept parts are the old point's kept ones (kept
 * adopted) or greedy ones (greedy adopted: the served set there is greedy's).
 */
export const settlePoint = (
  ix: RackIndex,
  ev: ClimbEvaluator,
  side: SwitchSide,
  servedHere: Uint8Array,
  adopted: 'greedy' | 'kept' | null = null,
): void => {
  if (adopted !== null && ev.settled) {
    for (let c = 0; c < ev.compCount; c++) {
      ev.dirty[c] = ev.isTouched[c] ?? 1
      if (adopted === 'greedy' && ev.dirty[c] === 0) keptFromGreedy(ix, ev, c)
    }
  } else ev.dirty.fill(1)
  ev.pointUp.set(side.up)
  ev.pointLimitU.set(side.limitU)
  ev.pointRedundantU.set(side.redundantU)
  ev.servedHere = servedHere
  ev.settled = false
}

/** Component `c`'s kept state and part become its greedy ones (its served set is now greedy's). */
const keptFromGreedy = (ix: RackIndex, ev: ClimbEvaluator, c: number): void => {
  const B = ix.busCount
  const V = ev.partLength
  const end = ev.loadStart[c + 1] ?? 0
  for (let i = ev.loadStart[c] ?? 0; i < end; i++) {
    const l = ev.loads[i] ?? 0
    ev.pointKeptServed[l] = ev.pointGreedyServed[l] ?? 0
  }
  const b0 = ev.busStart[c] ?? 0
  const b1 = ev.busStart[c + 1] ?? 0
  const kept = ev.pointKeptFlags
  const greedy = ev.pointGreedyFlags
  for (let i = b0; i < b1; i++) {
    const a = ev.buses[i] ?? 0
    ev.pointKeptLoadU[a] = ev.pointGreedyLoadU[a] ?? 0
    kept.carries[a] = greedy.carries[a] ?? 0
    kept.loses[a] = greedy.loses[a] ?? 0
    for (let j = b0; j < b1; j++) {
      const at = a * B + (ev.buses[j] ?? 0)
      kept.moved[at] = greedy.moved[at] ?? 0
    }
  }
  for (let i = 0; i < V; i++) ev.keptParts[c * V + i] = ev.greedyParts[c * V + i] ?? 0
}

/** Evaluate the settled point's components both greedily and with its own shedding (the dirty ones). */
const settleParts = (ix: RackIndex, ev: ClimbEvaluator): void => {
  const V = ev.partLength
  const point = ev.pointSide
  const servedHere = ev.servedHere
  ev.greedyTotal.fill(0)
  ev.keptTotal.fill(0)
  for (let c = 0; c < ev.compCount; c++) {
    if (ev.dirty[c] === 1) {
      settleGreedy(ix, ev, c)
      shedComponent(
        ix,
        ev,
        point,
        c,
        servedHere,
        ev.pointKeptServed,
        ev.pointKeptLoadU,
        ev.pointKeptFlags,
        ev.keptParts,
        c * V,
      )
    }
    for (let i = 0; i < V; i++) {
      ev.greedyTotal[i] = (ev.greedyTotal[i] ?? 0) + (ev.greedyParts[c * V + i] ?? 0)
      ev.keptTotal[i] = (ev.keptTotal[i] ?? 0) + (ev.keptParts[c * V + i] ?? 0)
    }
  }
  ev.dirty.fill(0)
  ev.settled = true
}

/**
 * The point's greedy shedding of component `c` (as shedComponent with no given set), recording per
 * position the up buses its load may use and what each would carry with it added, and per bus how
 * many served loads pass through it and hold it alone.
 */
const settleGreedy = (ix: RackIndex, ev: ClimbEvaluator, c: number): void => {
  const B = ix.busCount
  const V = ev.partLength
  const at = c * V
  const part = ev.greedyParts
  const loadU = ev.pointGreedyLoadU
  const served = ev.pointGreedyServed
  const { moved, carries, loses } = ev.pointGreedyFlags
  const b0 = ev.busStart[c] ?? 0
  const b1 = ev.busStart[c + 1] ?? 0
  for (let i = 0; i < V; i++) part[at + i] = 0
  for (let i = b0; i < b1; i++) {
    const a = ev.buses[i] ?? 0
    loadU[a] = 0
    ev.pointCarryCount[a] = 0
    ev.pointLoseCount[a] = 0
    ev.servedCount[a] = 0
    for (let j = b0; j < b1; j++) moved[a * B + (ev.buses[j] ?? 0)] = 0
  }
  const up = ev.pointUp
  const limitU = ev.pointLimitU
  const start = ev.loadStart[c] ?? 0
  const end = ev.loadStart[c + 1] ?? 0
  let shed = 0
  for (let i = start; i < end; i++) {
    const l = ev.loads[i] ?? 0
    const a = ix.loadBusA[l] ?? -1
    const b = ix.loadBusB[l] ?? -1
    const aUp = a >= 0 && up[a] === 1
    const bUp = b >= 0 && up[b] === 1
    served[l] = 0
    ev.stepBusA[i] = -1
    ev.stepBusB[i] = -1
    if (!aUp && !bUp) continue
    const q = ix.loadQ[l] ?? 0
    if (aUp && bUp) {
      const needA = (loadU[a] ?? 0) + q
      const needB = (loadU[b] ?? 0) + q
      ev.stepBusA[i] = a
      ev.stepBusB[i] = b
      ev.stepNeedA[i] = needA
      ev.stepNeedB[i] = needB
      if (needA > (limitU[a] ?? 0) || needB > (limitU[b] ?? 0)) {
        ev.shedPos[start + shed++] = i
        continue
      }
      pushServed(ev, a, i, needA)
      pushServed(ev, b, i, needB)
      loadU[a] = needA
      loadU[b] = needB
      moved[a * B + b] = (moved[a * B + b] ?? 0) + q
      moved[b * B + a] = (moved[b * B + a] ?? 0) + q
      ev.pointCarryCount[a] = (ev.pointCarryCount[a] ?? 0) + 1
      ev.pointCarryCount[b] = (ev.pointCarryCount[b] ?? 0) + 1
    } else {
      const only = aUp ? a : b
      const need = (loadU[only] ?? 0) + 2 * q
      ev.stepBusA[i] = only
      ev.stepNeedA[i] = need
      if (need > (limitU[only] ?? 0)) {
        ev.shedPos[start + shed++] = i
        continue
      }
      pushServed(ev, only, i, need)
      loadU[only] = need
      ev.pointCarryCount[only] = (ev.pointCarryCount[only] ?? 0) + 1
      ev.pointLoseCount[only] = (ev.pointLoseCount[only] ?? 0) + 1
    }
    served[l] = 1
    const r = ix.loadPriorityRank[l] ?? 0
    part[at + 2 * r] = (part[at + 2 * r] ?? 0) + 1
    part[at + 2 * r + 1] = (part[at + 2 * r + 1] ?? 0) + q
  }
  ev.shedCount[c] = shed
  for (let i = b0; i < b1; i++) {
    const a = ev.buses[i] ?? 0
    carries[a] = (ev.pointCarryCount[a] ?? 0) > 0 ? 1 : 0
    loses[a] = (ev.pointLoseCount[a] ?? 0) > 0 ? 1 : 0
  }
  finishPart(ix, ev, ev.pointSide, c, loadU, ev.pointGreedyFlags, part, at)
}

/** Record that the point's greedy serves position `i` through bus `b`, which then carries `need`. */
const pushServed = (ev: ClimbEvaluator, b: number, i: number, need: number): void => {
  const slot = (ev.throughStart[b] ?? 0) + (ev.servedCount[b] ?? 0)
  ev.servedPos[slot] = i
  ev.servedNeed[slot] = need
  ev.servedCount[b] = (ev.servedCount[b] ?? 0) + 1
}

/**
 * The first position of component `c` where greedy decides otherwise under `side`'s limits than under
 * the point's (same up buses), or the end. A served load can only be shed there through a bus whose
 * limit fell: on each such bus, the first served load whose running load exceeds the new limit (those
 * grow along the order: binary search). A shed load can only fit through a bus whose limit rose: the
 * shed loads are tried in order.
 */
const firstChange = (ev: ClimbEvaluator, side: SwitchSide, c: number): number => {
  const limitU = side.limitU
  let first = ev.loadStart[c + 1] ?? 0
  let rose = false
  const b1 = ev.busStart[c + 1] ?? 0
  for (let k = ev.busStart[c] ?? 0; k < b1; k++) {
    const b = ev.buses[k] ?? 0
    if (side.up[b] === 0) continue
    const lim = limitU[b] ?? 0
    const was = ev.pointLimitU[b] ?? 0
    if (lim > was) rose = true
    if (lim >= was) continue
    const from = ev.throughStart[b] ?? 0
    const to = from + (ev.servedCount[b] ?? 0)
    let lo = from
    let hi = to
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((ev.servedNeed[mid] ?? 0) > lim) hi = mid
      else lo = mid + 1
    }
    if (lo < to) first = Math.min(first, ev.servedPos[lo] ?? 0)
  }
  if (!rose) return first
  const start = ev.loadStart[c] ?? 0
  const shedEnd = start + (ev.shedCount[c] ?? 0)
  for (let k = start; k < shedEnd; k++) {
    const i = ev.shedPos[k] ?? 0
    if (i >= first) break
    const a = ev.stepBusA[i] ?? 0
    const b = ev.stepBusB[i] ?? -1
    if ((ev.stepNeedA[i] ?? 0) <= (limitU[a] ?? 0) && (b < 0 || (ev.stepNeedB[i] ?? 0) <= (limitU[b] ?? 0)))
      return i
  }
  return first
}

/**
 * Greedy shedding of component `c` of `side`, which has the point's up buses there (only limits and
 * redundant capacities differ): into ev.greedyServed (which holds the point's flags), ev.greedyLoadU
 * and ev.part at 0, as shedComponent would. Every load the point's greedy decided before the first
 * position where the new limits decide otherwise is decided the same, with the same running loads;
 * from that position on the point's contributions are taken out and the greedy runs on (sums of
 * whole quanta, so exact).
 */
const greedyFromPoint = (ix: RackIndex, ev: ClimbEvaluator, side: SwitchSide, c: number): void => {
  const B = ix.busCount
  const P = ix.loadPriorities.length
  const V = ev.partLength
  const limitU = side.limitU
  const end = ev.loadStart[c + 1] ?? 0
  const pointServed = ev.pointGreedyServed
  // The first position whose decision the new limits change.
  const from = firstChange(ev, side, c)
  const part = ev.part
  for (let i = 0; i < V; i++) part[i] = 0
  for (let i = 0; i < 2 * P; i++) part[i] = ev.greedyParts[c * V + i] ?? 0
  const b0 = ev.busStart[c] ?? 0
  const b1 = ev.busStart[c + 1] ?? 0
  const flags = ev.pointGreedyFlags
  if (from === end) {
    // Every decision stands: the point's loads, level 1 and loss flags.
    finishPart(ix, ev, side, c, ev.greedyLoadU, flags, part, 0)
    return
  }
  const loadU = ev.greedyLoadU
  const served = ev.greedyServed
  const { moved, carries, loses } = ev
  for (let i = b0; i < b1; i++) {
    const a = ev.buses[i] ?? 0
    ev.carryCount[a] = ev.pointCarryCount[a] ?? 0
    ev.loseCount[a] = ev.pointLoseCount[a] ?? 0
    for (let j = b0; j < b1; j++) {
      const at = a * B + (ev.buses[j] ?? 0)
      moved[at] = flags.moved[at] ?? 0
    }
  }
  // Take out what the point served from `from` on (the running loads are then those before it).
  for (let i = from; i < end; i++) {
    const l = ev.loads[i] ?? 0
    if (pointServed[l] === 0) continue
    const a = ev.stepBusA[i] ?? -1
    const b = ev.stepBusB[i] ?? -1
    const q = ix.loadQ[l] ?? 0
    if (b >= 0) {
      loadU[a] = (loadU[a] ?? 0) - q
      loadU[b] = (loadU[b] ?? 0) - q
      moved[a * B + b] = (moved[a * B + b] ?? 0) - q
      moved[b * B + a] = (moved[b * B + a] ?? 0) - q
      ev.carryCount[a] = (ev.carryCount[a] ?? 0) - 1
      ev.carryCount[b] = (ev.carryCount[b] ?? 0) - 1
    } else {
      loadU[a] = (loadU[a] ?? 0) - 2 * q
      ev.carryCount[a] = (ev.carryCount[a] ?? 0) - 1
      ev.loseCount[a] = (ev.loseCount[a] ?? 0) - 1
    }
    served[l] = 0
    const r = ix.loadPriorityRank[l] ?? 0
    part[2 * r] = (part[2 * r] ?? 0) - 1
    part[2 * r + 1] = (part[2 * r + 1] ?? 0) - q
  }
  // The greedy from there, with the new limits.
  for (let i = from; i < end; i++) {
    const a = ev.stepBusA[i] ?? -1
    if (a < 0) continue
    const l = ev.loads[i] ?? 0
    const b = ev.stepBusB[i] ?? -1
    const q = ix.loadQ[l] ?? 0
    if (b >= 0) {
      if ((loadU[a] ?? 0) + q > (limitU[a] ?? 0) || (loadU[b] ?? 0) + q > (limitU[b] ?? 0)) continue
      loadU[a] = (loadU[a] ?? 0) + q
      loadU[b] = (loadU[b] ?? 0) + q
      moved[a * B + b] = (moved[a * B + b] ?? 0) + q
      moved[b * B + a] = (moved[b * B + a] ?? 0) + q
      ev.carryCount[a] = (ev.carryCount[a] ?? 0) + 1
      ev.carryCount[b] = (ev.carryCount[b] ?? 0) + 1
    } else {
      if ((loadU[a] ?? 0) + 2 * q > (limitU[a] ?? 0)) continue
      loadU[a] = (loadU[a] ?? 0) + 2 * q
      ev.carryCount[a] = (ev.carryCount[a] ?? 0) + 1
      ev.loseCount[a] = (ev.loseCount[a] ?? 0) + 1
    }
    served[l] = 1
    const r = ix.loadPriorityRank[l] ?? 0
    part[2 * r] = (part[2 * r] ?? 0) + 1
    part[2 * r + 1] = (part[2 * r + 1] ?? 0) + q
  }
  for (let i = b0; i < b1; i++) {
    const a = ev.buses[i] ?? 0
    carries[a] = (ev.carryCount[a] ?? 0) > 0 ? 1 : 0
    loses[a] = (ev.loseCount[a] ?? 0) > 0 ? 1 : 0
  }
  finishPart(ix, ev, side, c, loadU, ev, part, 0)
}

/** Mark the components with a bus whose state differs from the point's. */
const findTouched = (ix: RackIndex, ev: ClimbEvaluator, side: SwitchSide): void => {
  for (let i = 0; i < ev.touchedCount; i++) ev.isTouched[ev.touched[i] ?? 0] = 0
  ev.touchedCount = 0
  for (let b = 0; b < ix.busCount; b++) {
    if (
      side.up[b] === ev.pointUp[b] &&
      side.limitU[b] === ev.pointLimitU[b] &&
      side.redundantU[b] === ev.pointRedundantU[b]
    )
      continue
    const c = ev.compOfBus[b] ?? 0
    if (ev.isTouched[c] === 1) continue
    ev.isTouched[c] = 1
    ev.touched[ev.touchedCount++] = c
  }
}

/** ws.vec from a total of parts (levels 1-3) and the side's level 4. */
const writeVector = (ix: RackIndex, ws: SheddingWorkspace, side: SwitchSide, total: Float64Array): void => {
  const V = total.length
  for (let i = 0; i < V; i++) ws.vec[i] = total[i] ?? 0
  ws.vec[V] = -side.changes
}

/**
 * Greedy shedding for `side` (a neighbour of the settled point): ws.vec, ev.greedyServed and
 * ev.greedyLoadU as evaluateGreedy leaves them when something must be shed. Also finds the touched
 * components for evaluateKept.
 */
export const evaluateGreedyTouched = (
  ix: RackIndex,
  ev: ClimbEvaluator,
  ws: SheddingWorkspace,
  side: SwitchSide,
): void => {
  findTouched(ix, ev, side)
  if (!ev.settled) settleParts(ix, ev)
  const V = ev.partLength
  ev.greedyServed.set(ev.pointGreedyServed)
  ev.greedyLoadU.set(ev.pointGreedyLoadU)
  ev.total.set(ev.greedyTotal)
  for (let t = 0; t < ev.touchedCount; t++) {
    const c = ev.touched[t] ?? 0
    if (sameUpInComponent(ev, side, c)) greedyFromPoint(ix, ev, side, c)
    else shedComponent(ix, ev, side, c, null, ev.greedyServed, ev.greedyLoadU, ev, ev.part, 0)
    for (let i = 0; i < V; i++)
      ev.total[i] = (ev.total[i] ?? 0) - (ev.greedyParts[c * V + i] ?? 0) + (ev.part[i] ?? 0)
  }
  writeVector(ix, ws, side, ev.total)
}

/**
 * The point's own shedding kept on `side` (after evaluateGreedyTouched for the same side): ws.vec,
 * ev.keptServed and ev.keptLoadU as evaluateServed leaves them. Returns false when it does not fit.
 */
export const evaluateKeptTouched = (
  ix: RackIndex,
  ev: ClimbEvaluator,
  ws: SheddingWorkspace,
  side: SwitchSide,
): boolean => {
  if (!ev.settled) settleParts(ix, ev)
  const V = ev.partLength
  const P = ix.loadPriorities.length
  ev.keptServed.set(ev.pointKeptServed)
  ev.keptLoadU.set(ev.pointKeptLoadU)
  ev.total.set(ev.keptTotal)
  for (let t = 0; t < ev.touchedCount; t++) {
    const c = ev.touched[t] ?? 0
    if (sameUpInComponent(ev, side, c)) {
      // Same up buses: the point's served loads have the same shares, so the same bus loads, level 1
      // and loss flags; only the limits and redundant capacities moved.
      if (!componentFits(ev, side, c, ev.pointKeptLoadU)) return false
      for (let i = 0; i < V; i++) ev.part[i] = 0
      for (let i = 0; i < 2 * P; i++) ev.part[i] = ev.keptParts[c * V + i] ?? 0
      finishPart(ix, ev, side, c, ev.pointKeptLoadU, ev.pointKeptFlags, ev.part, 0)
    } else if (
      !shedComponent(ix, ev, side, c, ev.pointKeptServed, ev.keptServed, ev.keptLoadU, ev, ev.part, 0)
    )
      return false
    for (let i = 0; i < V; i++)
      ev.total[i] = (ev.total[i] ?? 0) - (ev.keptParts[c * V + i] ?? 0) + (ev.part[i] ?? 0)
  }
  writeVector(ix, ws, side, ev.total)
  return true
}
