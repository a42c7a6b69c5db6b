/**
 * Pure. Current state and target configuration in, the reasons for every change (and for what could
 * not be done) out, as data.
 *
 * - CurrentStateInadmissible: a failed/absent supply closed (rule 3), a supply closed onto several buses
 *   (rule 2), an up bus whose load (every load with an up bus served, failed supplies counting nothing)
 *   exceeds its capacity or rating (rule 5). Rules 1 and 4 cannot be broken by a decoded input's
 *   current state (every switch named exists; a load with no bus up is simply not served).
 * - per supply whose switches change: SupplyUnavailable (failed/absent, per closed switch), SupplyMoved,
 *   SupplyConnected or SupplyDisconnected, each with the first objective level on which the target beats
 *   the current state (`why`; level 3 is named `feedLossSurvival` when more feed-loss scenarios, and
 *   not more bus-loss ones, are survived);
 * - SupplyPreempted for each at-risk supply whose bus meets N+k without it in the target but not now;
 * - LoadShed for every load shed by the target, LoadRestored for every served load that had no bus up
 *   now;
 * - RedundancyLost for every wired up bus of the target that does not meet N+k.
 */
import type { BusReport, Reason, ServiceGain } from '../model/plan.js'
import type { Supply } from '../model/rack.js'
import type { Evaluation } from './evaluateConfiguration.js'
import { unitsPerWatt, type RackIndex } from './indexRack.js'

/** Units to watts, for the text of details (exact for dyadic watts). */
const watts = (u: number): number => u / unitsPerWatt

/** The level of the first difference between two service vectors, as a ServiceGain. */
export const firstGain = (
  ix: RackIndex,
  target: ArrayLike<number>,
  current: ArrayLike<number>,
): ServiceGain => {
  const P = ix.loadPriorities.length
  const BP = ix.busPriorities.length
  for (let i = 0; i < ix.vectorLength; i++) {
    if ((target[i] ?? 0) === (current[i] ?? 0)) continue
    if (i < 2 * P) return 'serveLoads'
    if (i < 2 * P + BP) return 'supplyRedundancy'
    if (i === 2 * P + BP) return 'busLossSurvival'
    return 'leastDisturbance'
  }
  return 'tieBreak'
}

/** The current state (as is, and repaired with its best shedding) and the target, for explainChanges. */
export interface ChangeContext {
  readonly ix: RackIndex
  readonly target: Evaluation
  readonly targetAssign: Int32Array
  /** The plan's per-bus report (input watts), for RedundancyLost. */
  readonly targetBuses: readonly BusReport[]
  /** The current switches as they are, every load with an up bus served (for rule 5). */
  readonly currentAsIs: Evaluation
  /** The current switches made admissible (failed opened, one bus per supply) with their best shedding. */
  readonly currentBest: Evaluation
  readonly currentBestAssign: Int32Array
  /**
   * The first level on which the target beats currentBest, when the caller knows it without comparing
   * (then currentBest is read only for SupplyPreempted, so it may be a lazy getter).
   */
  readonly gain?: ServiceGain | undefined
}

/**
 * Load on bus `b` (units) that every best shedding of the current switches keeps: the shares of the
 * loads none of whose up buses is overloaded as is. With the switches fixed, a bus's load depends only
 * on the loads wired to it, so shedding such a load powers nothing and only loses level 1.
 */
const keptLoad = (ix: RackIndex, asIs: Evaluation, b: number): number => {
  let kept = 0
  for (let l = 0; l < ix.loadCount; l++) {
    if (asIs.served[l] === 0) continue
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    if (a !== b && c !== b) continue
    const aUp = a >= 0 && asIs.up[a] === 1
    const cUp = c >= 0 && asIs.up[c] === 1
    if (asIs.overloadedBuses.some((o) => (o === a && aUp) || (o === c && cUp))) continue
    kept += (ix.loadQ[l] ?? 0) * (aUp && cUp ? 1 : 2)
  }
  return kept
}

/**
 * Most load on up bus `b` (units) under any admissible shedding of the current switches: at most its
 * limit, and at most its loads fed through it alone as is, plus, per other up bus x, the half-shares
 * it has in common with x, which x's own limit also caps (those halves load x as much as b).
 */
const limitOf = (ix: RackIndex, asIs: Evaluation, x: number): number =>
  Math.min(asIs.capacityU[x] ?? 0, ix.maxU[x] ?? Infinity)

const mostLoad = (ix: RackIndex, asIs: Evaluation, b: number): number => {
  const shared = new Float64Array(ix.busCount)
  let alone = 0
  for (let l = 0; l < ix.loadCount; l++) {
    if (asIs.served[l] === 0) continue
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    if (a !== b && c !== b) continue
    const other = a === b ? c : a
    if (other >= 0 && asIs.up[other] === 1) shared[other] = (shared[other] ?? 0) + (ix.loadQ[l] ?? 0)
    else alone += 2 * (ix.loadQ[l] ?? 0)
  }
  let most = alone
  for (let x = 0; x < ix.busCount; x++) if (x !== b) most += Math.min(shared[x] ?? 0, limitOf(ix, asIs, x))
  return Math.min(most, limitOf(ix, asIs, b))
}

/** The reasons for every change between the current state and the target. */
export const explainChanges = (c: ChangeContext): Reason[] => {
  const { ix, target, targetAssign } = c
  const B = ix.busCount
  const reasons: Reason[] = []
  const gain = c.gain ?? firstGain(ix, target.vector, c.currentBest.vector)
  // Level 3 is one count over both kinds of scenario: name feeds when they alone made the gain.
  const why: ServiceGain =
    gain === 'busLossSurvival' &&
    target.feedScenariosSurvived > c.currentBest.feedScenariosSurvived &&
    target.busScenariosSurvived <= c.currentBest.busScenariosSurvived
      ? 'feedLossSurvival'
      : gain

  for (let s = 0; s < ix.supplyCount; s++) {
    // Most supplies have at most one closed switch and are usable: nothing to report here.
    const closedCount = ix.currentClosedCount[s] ?? 0
    if (closedCount === 0 || (closedCount === 1 && ix.usable[s] === 1)) continue
    const id = ix.supplyIds[s] ?? ''
    const state = (ix.supplies[s] as Supply).state
    const closedNow: number[] = []
    for (let b = 0; b < B; b++) if (ix.currentClosed[s * B + b] === 1) closedNow.push(b)
    if ((state === 'failed' || state === 'absent') && closedNow.length > 0) {
      for (const b of closedNow) {
        reasons.push({
          _tag: 'CurrentStateInadmissible',
          rule: 3,
          detail: `supply ${id} is ${state} and closed onto bus ${ix.busIds[b]}`,
        })
      }
    }
    if (closedNow.length > 1) {
      reasons.push({
        _tag: 'CurrentStateInadmissible',
        rule: 2,
        detail: `supply ${id} is closed onto buses ${closedNow.map((b) => ix.busIds[b]).join(', ')}`,
      })
    }
  }
  for (const b of c.currentAsIs.overloadedBuses) {
    const cap = c.currentAsIs.capacityU[b] ?? 0
    const load = c.currentAsIs.loadU[b] ?? 0
    const rating = ix.maxU[b] ?? Infinity
    reasons.push({
      _tag: 'CurrentStateInadmissible',
      rule: 5,
      detail:
        load > cap
          ? `bus ${ix.busIds[b]} carries ${watts(load)} W over its capacity of ${watts(cap)} W`
          : `bus ${ix.busIds[b]} carries ${watts(load)} W over its rating of ${watts(rating)} W`,
    })
  }

  for (let s = 0; s < ix.supplyCount; s++) {
    const id = ix.supplyIds[s] ?? ''
    const to = targetAssign[s] ?? -1
    const closedCount = ix.currentClosedCount[s] ?? 0
    // The usual case (at most one closed switch, a usable supply) without lists.
    if (closedCount <= 1 && ix.usable[s] === 1) {
      // Its one closed bus, or -1 (indexRack's currentOption for a usable supply with at most one).
      const now = ix.currentOption[s] ?? -1
      if (now !== to) {
        if (now >= 0 && to >= 0)
          reasons.push({
            _tag: 'SupplyMoved',
            supply: id,
            from: ix.busIds[now] ?? '',
            to: ix.busIds[to] ?? '',
            why,
          })
        else if (now >= 0)
          reasons.push({ _tag: 'SupplyDisconnected', supply: id, bus: ix.busIds[now] ?? '', why })
        else reasons.push({ _tag: 'SupplyConnected', supply: id, bus: ix.busIds[to] ?? '', why })
      }
    } else {
      const closedNow: number[] = []
      for (let b = 0; b < B; b++) if (ix.currentClosed[s * B + b] === 1) closedNow.push(b)
      const state = (ix.supplies[s] as Supply).state
      if (state === 'failed' || state === 'absent') {
        for (const b of closedNow)
          reasons.push({ _tag: 'SupplyUnavailable', supply: id, bus: ix.busIds[b] ?? '', state })
        continue
      }
      const leaving = closedNow.filter((b) => b !== to)
      const stays = closedNow.includes(to)
      if (to >= 0 && !stays && leaving.length === 1) {
        reasons.push({
          _tag: 'SupplyMoved',
          supply: id,
          from: ix.busIds[leaving[0] ?? 0] ?? '',
          to: ix.busIds[to] ?? '',
          why,
        })
      } else {
        for (const b of leaving)
          reasons.push({ _tag: 'SupplyDisconnected', supply: id, bus: ix.busIds[b] ?? '', why })
        if (to >= 0 && !stays)
          reasons.push({ _tag: 'SupplyConnected', supply: id, bus: ix.busIds[to] ?? '', why })
      }
    }
    if (ix.atRisk[s] === 1 && to >= 0 && target.nPlusK[to] === 1) {
      const before = c.currentBestAssign[s] ?? -1
      // Same switches as currentBest: N+k as is, or above the most load any admissible shedding
      // leaves on the bus, implies N+k with the best shedding; below the load that shedding keeps for
      // sure, it fails. Either spares computing that shedding when currentBest is lazy. When the
      // current state is admissible as is, that is its best shedding: N+k as is decides alone.
      const redundant = c.currentAsIs.redundantU[to] ?? 0
      const coveredBefore =
        before === to &&
        (c.currentAsIs.nPlusK[to] === 1 ||
          (!c.currentAsIs.admissible &&
            (redundant >= mostLoad(ix, c.currentAsIs, to) ||
              (redundant >= keptLoad(ix, c.currentAsIs, to) && c.currentBest.nPlusK[to] === 1))))
      if (!coveredBefore) {
        reasons.push({
          _tag: 'SupplyPreempted',
          supply: id,
          bus: ix.busIds[to] ?? '',
          failureRisk: (ix.supplies[s] as Supply).failureRisk,
        })
      }
    }
  }

  const servedAsIs = c.currentAsIs.served
  for (let l = 0; l < ix.loadCount; l++) {
    if (target.served[l] === 0) {
      const id = ix.loadIds[l] ?? ''
      const a = ix.loadBusA[l] ?? -1
      const b = ix.loadBusB[l] ?? -1
      const ups = [a, b].filter((x) => x >= 0 && target.up[x] === 1)
      const ratingBound = ups.some((x) => (ix.maxU[x] ?? Infinity) < (target.capacityU[x] ?? 0))
      reasons.push({
        _tag: 'LoadShed',
        load: id,
        priority: ix.loadPriorities[ix.loadPriorityRank[l] ?? 0] ?? 0,
        powerW: ix.loadW[l] ?? 0,
        why: ups.length === 0 ? 'noBusUp' : ratingBound ? 'busRating' : 'insufficientCapacity',
      })
    } else if (servedAsIs[l] === 0) {
      reasons.push({ _tag: 'LoadRestored', load: ix.loadIds[l] ?? '' })
    }
  }

  for (let b = 0; b < B; b++) {
    if (target.up[b] === 1 && ix.busWired[b] === 1 && target.nPlusK[b] === 0) {
      const report = c.targetBuses[b]
      reasons.push({
        _tag: 'RedundancyLost',
        bus: ix.busIds[b] ?? '',
        loadW: report?.loadW ?? 0,
        redundantW: report?.redundantW ?? 0,
      })
    }
  }
  return reasons
}
