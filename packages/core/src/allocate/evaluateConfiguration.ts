/**
 * Pure. One configuration (a bus per supply, a served flag per load) in, its admissibility, per-bus
 * state and service vector out.
 *
 * The configuration is given in the integer view of `indexRack`: `assign[s]` is the bus index of supply
 * `s` or -1 when it is open (so rule 2 holds by construction); `requested[l]` is 0 when load `l` is
 * shed. A load none of whose buses is up is shed whatever `requested` says (rule 4).
 *
 * Service vector layout (every entry: larger is better), compared lexicographically:
 *   [count, quanta] per load priority, highest first       (level 1)
 *   N+k buses per bus priority, highest first (wired buses)  (level 2)
 *   survived single-loss scenarios: bus losses (only when   (level 3)
 *   busRedundancy) plus feed losses (feedLoss.ts)
 *   -(switch changes against the current state)             (level 4)
 */
import { createFeedScratch, feedLossScenarios } from './feedLoss.js'
import { changesFor, type RackIndex } from './indexRack.js'

/** Everything the objective and the report need about one configuration. */
export interface Evaluation {
  /** Rules 1, 3 (switch exists, supply usable) and 5 (every up bus powered and within rating). */
  readonly admissible: boolean
  /** Supplies assigned to a bus they may not be closed onto (no switch, or failed/absent). */
  readonly invalidSupplies: readonly number[]
  /** Up buses that are not powered (capacity or rating exceeded). */
  readonly overloadedBuses: readonly number[]
  readonly up: Uint8Array
  readonly capacityU: Float64Array
  readonly loadU: Float64Array
  readonly redundantU: Float64Array
  readonly nPlusK: Uint8Array
  /** Per bus: 1 when up and its loss is survived (trivially so when it carries no load). */
  readonly survivesLoss: Uint8Array
  /** Per feed: 1 when its loss is survived (trivially so when it has no closed supply). */
  readonly feedSurvivesLoss: Uint8Array
  /** Per feed: 1 when its scenario counts on level 3 (a closed supply on an up bus carrying load). */
  readonly feedCounted: Uint8Array
  /** Level 3 split by kind: survived bus-loss scenarios (0 when !busRedundancy), survived feed losses. */
  readonly busScenariosSurvived: number
  readonly feedScenariosSurvived: number
  /** Effective served flag per load. */
  readonly served: Uint8Array
  /**
   * A plain array: the vector is usually over 64 bytes, where a typed array would be allocated off the
   * heap at several times the cost of the rest of the evaluation.
   */
  readonly vector: readonly number[]
}

/** Usable capacity left on each bus after removing its at-risk supplies and then its k largest. */
export const redundantCapacity = (ix: RackIndex, assign: Int32Array): Float64Array => {
  const out = new Float64Array(ix.busCount)
  redundantCapacityInto(ix, assign, out)
  return out
}

/**
 * The k largest non-risk capacities so far, descending, in the first entries (module-level scratch:
 * evaluation is synchronous and never re-entrant; a count says how many are current).
 */
const largestScratch: number[] = []

/**
 * redundantCapacity into `out`: per bus, its non-risk capacity less its k largest non-risk supplies
 * (capacities are whole units, so the sums are exact in any order).
 */
const redundantCapacityInto = (ix: RackIndex, assign: Int32Array, out: Float64Array): void => {
  const B = ix.busCount
  const K = ix.redundancyK
  const largest = largestScratch
  for (let b = 0; b < B; b++) {
    let sum = 0
    let n = 0
    for (let s = 0; s < ix.supplyCount; s++) {
      if (assign[s] !== b || ix.atRisk[s] !== 0) continue
      let carry = ix.capacityU[s] ?? 0
      sum += carry
      for (let t = 0; t < K && carry > 0; t++) {
        if (t === n) {
          largest[n++] = carry
          carry = 0
        } else if (carry > (largest[t] ?? 0)) {
          const x = largest[t] ?? 0
          largest[t] = carry
          carry = x
        }
      }
    }
    for (let t = 0; t < n; t++) sum -= largest[t] ?? 0
    out[b] = sum
  }
}

/**
 * Scratch of the bus-loss scenarios and of the bus limits (module-level, as above): per (lost a, other
 * b) the load moved onto b, per bus whether its loss loses a load and whether it carries load, per bus
 * its limit. Grown as needed.
 */
let movedScratch = new Float64Array(64)
let losesScratch = new Uint8Array(16)
let carriesScratch = new Uint8Array(16)
let limitScratch = new Float64Array(16)

/** Per-feed flags of a rack naming no feed (empty: nothing can be written into it). */
const noFeeds = new Uint8Array(0)

/** Evaluate one configuration (a bus per supply, a served flag per load) from scratch. */
export const evaluateConfiguration = (
  ix: RackIndex,
  assign: Int32Array,
  requested: Uint8Array,
): Evaluation => {
  const B = ix.busCount
  const P = ix.loadPriorities.length
  const BP = ix.busPriorities.length
  const up = new Uint8Array(B)
  const capacityU = new Float64Array(B)
  const invalidSupplies: number[] = []
  let changes = 0
  for (let s = 0; s < ix.supplyCount; s++) {
    const b = assign[s] ?? -1
    changes += changesFor(ix, s, b)
    if (b < 0) continue
    // In its options: a switch to b exists and the supply is usable (a typed array's includes costs more).
    if (b >= B || ix.usable[s] !== 1 || (ix.switchKind[s * B + b] ?? -1) < 0) invalidSupplies.push(s)
    up[b] = 1
    capacityU[b] = (capacityU[b] ?? 0) + (ix.capacityU[s] ?? 0)
  }
  if (limitScratch.length < B) limitScratch = new Float64Array(B)
  const limitU = limitScratch
  for (let b = 0; b < B; b++) limitU[b] = Math.min(capacityU[b] ?? 0, ix.maxU[b] ?? Infinity)

  // Bus-loss scenarios, gathered in the same pass over the loads. Losing bus a: each served load fed
  // through a moves wholly onto its other up bus (adding its other half), or is lost. Survived when
  // nothing is lost and every other up bus stays within its limit.
  if (movedScratch.length < B * B) movedScratch = new Float64Array(B * B)
  if (losesScratch.length < B) losesScratch = new Uint8Array(B)
  const moved = movedScratch // moved[a*B+b]: extra load on b when a is lost
  const loses = losesScratch
  for (let i = 0; i < B * B; i++) moved[i] = 0
  for (let b = 0; b < B; b++) loses[b] = 0
  if (carriesScratch.length < B) carriesScratch = new Uint8Array(B)
  const carries = carriesScratch // per bus: 1 when up and some served load is fed through it
  for (let b = 0; b < B; b++) carries[b] = 0

  const served = new Uint8Array(ix.loadCount)
  const loadU = new Float64Array(B)
  const vector: number[] = []
  for (let i = 0; i < ix.vectorLength; i++) vector.push(0)
  for (let l = 0; l < ix.loadCount; l++) {
    const a = ix.loadBusA[l] ?? -1
    const b = ix.loadBusB[l] ?? -1
    const aUp = a >= 0 && up[a] === 1
    const bUp = b >= 0 && up[b] === 1
    if (requested[l] === 0 || (!aUp && !bUp)) continue
    served[l] = 1
    const q = ix.loadQ[l] ?? 0
    if (aUp && bUp) {
      loadU[a] = (loadU[a] ?? 0) + q
      loadU[b] = (loadU[b] ?? 0) + q
      moved[a * B + b] = (moved[a * B + b] ?? 0) + q
      moved[b * B + a] = (moved[b * B + a] ?? 0) + q
      carries[a] = 1
      carries[b] = 1
    } else {
      const only = aUp ? a : b
      loadU[only] = (loadU[only] ?? 0) + 2 * q
      loses[only] = 1
      carries[only] = 1
    }
    const r = ix.loadPriorityRank[l] ?? 0
    vector[2 * r] = (vector[2 * r] ?? 0) + 1
    vector[2 * r + 1] = (vector[2 * r + 1] ?? 0) + q
  }

  const overloadedBuses: number[] = []
  for (let b = 0; b < B; b++) if (up[b] === 1 && (loadU[b] ?? 0) > (limitU[b] ?? 0)) overloadedBuses.push(b)

  const redundantU = new Float64Array(B)
  redundantCapacityInto(ix, assign, redundantU)
  const nPlusK = new Uint8Array(B)
  for (let b = 0; b < B; b++) {
    if (up[b] === 1 && (redundantU[b] ?? 0) >= (loadU[b] ?? 0)) {
      nPlusK[b] = 1
      if (ix.busWired[b] === 1) {
        const i = 2 * P + (ix.busPriorityRank[b] ?? 0)
        vector[i] = (vector[i] ?? 0) + 1
      }
    }
  }

  // Per bus: 1 when its loss is survived (including buses that carry no load).
  const survives = new Uint8Array(B)
  let survived = 0
  for (let a = 0; a < B; a++) {
    if (up[a] === 0) continue
    let ok = loses[a] === 0
    for (let b = 0; ok && b < B; b++) {
      if (b === a || up[b] === 0) continue
      if ((loadU[b] ?? 0) + (moved[a * B + b] ?? 0) > (limitU[b] ?? 0)) ok = false
    }
    survives[a] = ok ? 1 : 0
    if (ok && carries[a] === 1) survived++
  }
  const busSurvived = ix.busRedundancy ? survived : 0
  // A rack naming no feed has no feed scenario (and no per-feed arrays to fill).
  const feeds = ix.feedCount === 0 ? undefined : createFeedScratch(ix)
  const feedSurvived = feeds === undefined ? 0 : feedLossScenarios(ix, assign, up, loadU, served, feeds)
  vector[2 * P + BP] = busSurvived + feedSurvived
  vector[2 * P + BP + 1] = -changes

  return {
    admissible: invalidSupplies.length === 0 && overloadedBuses.length === 0,
    invalidSupplies,
    overloadedBuses,
    up,
    capacityU,
    loadU,
    redundantU,
    nPlusK,
    survivesLoss: survives,
    feedSurvivesLoss: feeds?.survives ?? noFeeds,
    feedCounted: feeds?.counted ?? noFeeds,
    busScenariosSurvived: busSurvived,
    feedScenariosSurvived: feedSurvived,
    served,
    vector,
  }
}
