/**
 * Pure (writes only the scratch it is handed). Feed-loss scenarios of one configuration: for each AC
 * feed, whether losing it (its supplies deliver 0 W) is survived and whether it counts on level 3.
 *
 * Losing feed f: an up bus all of whose closed supplies are on f goes down; each served load fed
 * through a bus that goes down moves wholly onto its other bus if that one stays up, else it is lost.
 * Survived when no served load is lost and every bus that stays up still carries its new load within
 * its remaining capacity and its rating. Counted when f has a closed supply on an up bus that carries
 * load (at least one served load through it, even a 0 W one), the reading of the bus-loss scenarios.
 * A rack naming no feed has no scenario here, and every caller skips this work then.
 */
import type { RackIndex } from './indexRack.js'

/** Preallocated buffers for feedLossScenarios, sized for one rack. */
export interface FeedScratch {
  /** Per (f * B + b): capacity and count of the closed supplies on feed f sitting on bus b. */
  readonly lostCapU: Float64Array
  readonly lostCount: Int32Array
  /** Per bus: closed capacity and closed supply count. */
  readonly busCapU: Float64Array
  readonly busCount: Int32Array
  readonly carries: Uint8Array
  readonly newLoadU: Float64Array
  /** Per feed, written by feedLossScenarios. */
  readonly survives: Uint8Array
  readonly counted: Uint8Array
}

export const createFeedScratch = (ix: RackIndex): FeedScratch => {
  const F = ix.feedCount
  const B = ix.busCount
  return {
    lostCapU: new Float64Array(F * B),
    lostCount: new Int32Array(F * B),
    busCapU: new Float64Array(B),
    busCount: new Int32Array(B),
    carries: new Uint8Array(B),
    newLoadU: new Float64Array(B),
    survives: new Uint8Array(F),
    counted: new Uint8Array(F),
  }
}

/**
 * Per feed, the closed capacity and supply count it holds on each bus, and per bus its closed
 * capacity and count (into the scratch). Depends on the switches only.
 */
export const feedShares = (ix: RackIndex, assign: Int32Array, fs: FeedScratch): void => {
  const B = ix.busCount
  fs.lostCapU.fill(0)
  fs.lostCount.fill(0)
  fs.busCapU.fill(0)
  fs.busCount.fill(0)
  for (let s = 0; s < ix.supplyCount; s++) {
    const b = assign[s] ?? -1
    if (b < 0) continue
    const c = ix.capacityU[s] ?? 0
    fs.busCapU[b] = (fs.busCapU[b] ?? 0) + c
    fs.busCount[b] = (fs.busCount[b] ?? 0) + 1
    const f = ix.supplyFeed[s] ?? -1
    if (f < 0) continue
    fs.lostCapU[f * B + b] = (fs.lostCapU[f * B + b] ?? 0) + c
    fs.lostCount[f * B + b] = (fs.lostCount[f * B + b] ?? 0) + 1
  }
}

/**
 * Every feed's scenario for a configuration given by its switches (`assign`, `up`), its bus loads
 * `loadU` (units) and its effective served flags (each load's shares follow from `up`). Writes
 * fs.survives and fs.counted per feed; returns the number of counted feeds whose loss is survived.
 */
export const feedLossScenarios = (
  ix: RackIndex,
  assign: Int32Array,
  up: Uint8Array,
  loadU: Float64Array,
  served: Uint8Array,
  fs: FeedScratch,
): number => {
  const F = ix.feedCount
  if (F === 0) return 0
  const B = ix.busCount
  feedShares(ix, assign, fs)
  fs.carries.fill(0)
  for (let l = 0; l < ix.loadCount; l++) {
    if (served[l] === 0) continue
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    if (a >= 0 && up[a] === 1) fs.carries[a] = 1
    if (c >= 0 && up[c] === 1) fs.carries[c] = 1
  }
  let survived = 0
  for (let f = 0; f < F; f++) {
    let counted = 0
    let anyDown = false
    for (let b = 0; b < B; b++) {
      const n = fs.lostCount[f * B + b] ?? 0
      if (n === 0 || up[b] === 0) continue
      if (fs.carries[b] === 1) counted = 1
      if (n === fs.busCount[b]) anyDown = true
    }
    fs.counted[f] = counted
    const isDown = (b: number): boolean =>
      (fs.lostCount[f * B + b] ?? 0) > 0 && fs.lostCount[f * B + b] === fs.busCount[b]
    let ok = true
    fs.newLoadU.set(loadU)
    if (anyDown) {
      for (let l = 0; ok && l < ix.loadCount; l++) {
        if (served[l] === 0) continue
        const a = ix.loadBusA[l] ?? -1
        const c = ix.loadBusB[l] ?? -1
        const aUp = a >= 0 && up[a] === 1
        const cUp = c >= 0 && up[c] === 1
        const aDown = aUp && isDown(a)
        const cDown = cUp && isDown(c)
        if (!aDown && !cDown) continue
        if (aUp && cUp && aDown !== cDown) {
          // The half on the bus that goes down moves onto the other one.
          const stays = aDown ? c : a
          fs.newLoadU[stays] = (fs.newLoadU[stays] ?? 0) + (ix.loadQ[l] ?? 0)
        } else ok = false // its only up bus, or both of them, go down: the load is lost
      }
    }
    for (let b = 0; ok && b < B; b++) {
      if (up[b] === 0 || isDown(b)) continue
      const limit = Math.min((fs.busCapU[b] ?? 0) - (fs.lostCapU[f * B + b] ?? 0), ix.maxU[b] ?? Infinity)
      if ((fs.newLoadU[b] ?? 0) > limit) ok = false
    }
    fs.survives[f] = ok ? 1 : 0
    if (ok && counted === 1) survived++
  }
  return survived
}
