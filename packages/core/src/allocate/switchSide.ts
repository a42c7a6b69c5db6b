/**
 * Pure (the mutable form changes only itself). The closed-switch side of a configuration: which buses
 * are up, their capacity, limit (min of capacity and rating), redundant capacity, and the level-4 count
 * of changed switches. Shedding is chosen on top of it (chooseShedding).
 *
 * `moveSupply` updates a mutable side in place for one supply's new bus, touching only the two buses
 * concerned, so local search does not rebuild everything per neighbour.
 */
import { changesFor, type RackIndex } from './indexRack.js'

/** The closed-switch side of a configuration as the shedding search sees it. */
export interface SwitchSide {
  readonly assign: Int32Array
  readonly up: Uint8Array
  /** min(capacity, rating) per bus. */
  readonly limitU: Float64Array
  readonly redundantU: Float64Array
  readonly changes: number
}

/** A switch side that local search updates in place (moveSupply). */
export interface MutableSwitchSide extends SwitchSide {
  readonly capacityU: Float64Array
  readonly supplyCountOn: Int32Array
  /** Per bus: capacity of its non-risk supplies, and (per b * k + j) the j-th largest of them (0 if none). */
  readonly nonRiskU: Float64Array
  readonly topU: Float64Array
  changes: number
}

/** Put capacity c into bus b's window of its k largest (descending). */
const pushTop = (topU: Float64Array, k: number, b: number, c: number): void => {
  let carry = c
  for (let j = 0; j < k; j++) {
    const x = topU[b * k + j] ?? 0
    if (carry > x) {
      topU[b * k + j] = carry
      carry = x
    }
  }
}

/** Rebuild bus b's window of its k largest non-risk supplies. */
const rebuildTop = (ix: RackIndex, side: MutableSwitchSide, b: number): void => {
  const k = ix.redundancyK
  for (let j = 0; j < k; j++) side.topU[b * k + j] = 0
  for (let s = 0; s < ix.supplyCount; s++)
    if (side.assign[s] === b && ix.atRisk[s] === 0) pushTop(side.topU, k, b, ix.capacityU[s] ?? 0)
}

/** Redundant capacity of one bus: its non-risk supplies' capacity minus the k largest of them. */
export const redundantOfBus = (ix: RackIndex, assign: Int32Array, bus: number): number => {
  const k = ix.redundancyK
  let sum = 0
  // k is small (1 or 2 in practice): keep the k largest in a tiny sorted window.
  let t0 = 0
  let t1 = 0
  let rest: number[] | null = null
  for (let s = 0; s < ix.supplyCount; s++) {
    if (assign[s] !== bus || ix.atRisk[s] === 1) continue
    const c = ix.capacityU[s] ?? 0
    sum += c
    if (k === 1) {
      if (c > t0) t0 = c
    } else if (k === 2) {
      if (c > t0) {
        t1 = t0
        t0 = c
      } else if (c > t1) t1 = c
    } else if (k > 2) (rest ??= []).push(c)
  }
  if (k === 0) return sum
  if (k === 1) return sum - t0
  if (k === 2) return sum - t0 - t1
  const sorted = (rest ?? []).sort((x, y) => y - x)
  let removed = 0
  for (let j = 0; j < k && j < sorted.length; j++) removed += sorted[j] ?? 0
  return sum - removed
}

/** Redundant capacity per bus (at-risk removed, then the k largest), written into `out`. */
export const redundantOf = (
  ix: RackIndex,
  assign: Int32Array,
  out: Float64Array,
  up: Uint8Array,
): Float64Array => {
  for (let b = 0; b < ix.busCount; b++) out[b] = up[b] === 1 ? redundantOfBus(ix, assign, b) : 0
  return out
}

/** Closed-switch side of a complete assignment (assign is kept by reference). */
export const switchSideOf = (ix: RackIndex, assign: Int32Array): MutableSwitchSide => {
  const B = ix.busCount
  const up = new Uint8Array(B)
  const capacityU = new Float64Array(B)
  const supplyCountOn = new Int32Array(B)
  let changes = 0
  for (let s = 0; s < ix.supplyCount; s++) {
    const b = assign[s] ?? -1
    changes += changesFor(ix, s, b)
    if (b >= 0) {
      up[b] = 1
      capacityU[b] = (capacityU[b] ?? 0) + (ix.capacityU[s] ?? 0)
      supplyCountOn[b] = (supplyCountOn[b] ?? 0) + 1
    }
  }
  const limitU = new Float64Array(B)
  for (let b = 0; b < B; b++) limitU[b] = Math.min(capacityU[b] ?? 0, ix.maxU[b] ?? Infinity)
  const k = ix.redundancyK
  const nonRiskU = new Float64Array(B)
  const topU = new Float64Array(Math.max(1, B * k))
  for (let s = 0; s < ix.supplyCount; s++) {
    const b = assign[s] ?? -1
    if (b < 0 || ix.atRisk[s] === 1) continue
    nonRiskU[b] = (nonRiskU[b] ?? 0) + (ix.capacityU[s] ?? 0)
    pushTop(topU, k, b, ix.capacityU[s] ?? 0)
  }
  return {
    assign,
    up,
    limitU,
    redundantU: redundantOf(ix, assign, new Float64Array(B), up),
    changes,
    capacityU,
    supplyCountOn,
    nonRiskU,
    topU,
  }
}

const refreshBus = (ix: RackIndex, side: MutableSwitchSide, b: number): void => {
  side.up[b] = (side.supplyCountOn[b] ?? 0) > 0 ? 1 : 0
  side.limitU[b] = Math.min(side.capacityU[b] ?? 0, ix.maxU[b] ?? Infinity)
  // As redundantOfBus, from the running sum and window (capacities are whole units: sums are exact).
  const k = ix.redundancyK
  let redundant = side.nonRiskU[b] ?? 0
  for (let j = 0; j < k; j++) redundant -= side.topU[b * k + j] ?? 0
  side.redundantU[b] = side.up[b] === 1 ? redundant : 0
}

/** Put supply `s` on bus `to` (-1 = open), updating the side in place. */
export const moveSupply = (ix: RackIndex, side: MutableSwitchSide, s: number, to: number): void => {
  const from = side.assign[s] ?? -1
  if (from === to) return
  const c = ix.capacityU[s] ?? 0
  side.changes += changesFor(ix, s, to) - changesFor(ix, s, from)
  side.assign[s] = to
  const k = ix.redundancyK
  const counted = ix.atRisk[s] === 0
  if (from >= 0) {
    side.capacityU[from] = (side.capacityU[from] ?? 0) - c
    side.supplyCountOn[from] = (side.supplyCountOn[from] ?? 0) - 1
    if (counted) {
      side.nonRiskU[from] = (side.nonRiskU[from] ?? 0) - c
      // Leaving the window of the k largest (or tying its last): rebuild it.
      if (k > 0 && c >= (side.topU[from * k + k - 1] ?? 0)) rebuildTop(ix, side, from)
    }
    refreshBus(ix, side, from)
  }
  if (to >= 0) {
    side.capacityU[to] = (side.capacityU[to] ?? 0) + c
    side.supplyCountOn[to] = (side.supplyCountOn[to] ?? 0) + 1
    if (counted) {
      side.nonRiskU[to] = (side.nonRiskU[to] ?? 0) + c
      pushTop(side.topU, k, to, c)
    }
    refreshBus(ix, side, to)
  }
}
