/**
 * Pure, total, deterministic. Decoded rack in, the best admissible configuration and a safe switching
 * plan to reach it out (the contract of /spec/allocation.md).
 *
 * How:
 * 1. Canonicalise (indexRack): supplies, buses and loads sorted by id (UTF-16 code units, JS `<`), so
 *    the order of the input arrays cannot matter; everything becomes typed arrays over integer indexes.
 * 2. In the exact range, racks of at most 3 buses naming no feed where some configuration serves every
 *    load are solved directly (solveSmallRack: per up set, the few per-bus needs that decide levels
 *    2-3, then the fewest changes in level-5 order); so are racks of at most 2 buses naming no feed
 *    that must shed (solveSmallRackShedding: first the served sets best on level 1, per up set, by
 *    bestServedSets, then the same solver over them). The plan is then built as below, and steps 3-4
 *    only run for the other racks.
 * 3. Start from the current state made admissible ("repaired"): failed/absent supplies opened, a
 *    supply closed onto several buses kept on the lowest-id bus it may stay on, with its best shedding.
 * 4. Improve it by hill climbing (improveLocally: single moves, swaps, whole-bus moves; greedy shedding;
 *    in the exact range the guided climb only, since the search takes over), then run the exact branch
 *    and bound (searchExact, exact shedding per leaf) from that incumbent, and climb again if the search
 *    did not finish. All of it counts work, never time: racks up to 12
 *    supplies x 3 buses x 24 loads get a budget meant to let the search finish (so the result is the
 *    exact optimum and `optimal` is true; if even that budget ran out, `optimal` says false); larger racks
 *    get a small budget and `optimal` is true only when the search still finished (e.g. the current state
 *    is already as good as the bounds). An unproven result's shedding is then repaired: a shed load that
 *    fits, alone or in place of a lower-priority one on a shared bus, is served (serveByPrioritySwaps).
 *    Then every idle healthy supply whose closing alone improves the service is closed (closeIdleSupplies),
 *    and the shedding repaired again after each such round.
 *    Every adopted configuration is admissible and strictly better than the previous one, so the result
 *    is never worse than the (repaired) current state.
 * 5. Report, plan the steps (planSwitchSteps), explain (explainChanges).
 *
 * Rounding: watts are compared as integers in quanta of 2^-20 W (indexRack): exact for dyadic watts
 * (quarter watts, derates like 0.875); other values are rounded the safe way (loads up, capacities and
 * ratings down), so differences below a microwatt may be ties and a bus judged powered is powered.
 * Reported watts (plan.buses, reasons) are computed from the input's own numbers, not the quanta.
 *
 * Tie-break (level 5, fixed for everyone): supplies in ascending id order, the first whose assignment
 * differs decides, open before any bus, buses in ascending id order; then loads in ascending id order,
 * the first that differs decides, served before shed.
 *
 * Readings of open points in the spec:
 * - N+k when fewer than k non-risk supplies remain: redundant capacity 0, so N+k holds only for a bus
 *   carrying 0 W. N+k is counted on level 2 only for buses at least one load is wired to (spec).
 * - Bus-loss scenario "counted over up buses that carry load": an up bus through which at least one
 *   served load is fed (even a 0 W one). The report's `survivesLoss` is true for an up bus whose loss is
 *   survived (trivially for an up bus with no load), false for a bus that is down; it is computed even
 *   when `busRedundancy` is false (level 3 then counts 0 for every configuration).
 * - Feed-loss scenarios (level 3 counts them with the bus-loss ones, whatever busRedundancy says):
 *   counted over feeds with a closed supply on an up bus that carries load; a bus goes down when all
 *   its closed supplies are on the lost feed. The report's `feeds[].survivesLoss` is computed for every
 *   feed (true for a feed with no closed supply), `counted` says whether it is on level 3.
 * - "Powered" includes the rating: L(b) <= maxW. Scenario survival checks both capacity and rating.
 * - `preempted`: at-risk supplies closed onto a bus that meets N+k (N+k already leaves at-risk supplies
 *   out, so such a bus meets it without them).
 * - Level 4 counts switches whose state differs, so failed supplies' closed switches count too; they are
 *   the same for every admissible configuration.
 * - The current state has no shed set in the input: its "served" loads are those with a bus up. It is
 *   reported inadmissible (rule 5) when, with failed supplies opened, an up bus cannot carry them.
 * - Steps: the target's shedding is assumed applied before switching and its restores after, so the
 *   loads in every intermediate state are the target's served loads that have a bus up.
 * - The objective ranks final states only: a target is chosen even when every switching order to it
 *   leaves a protected bus short in between (e.g. the only spare must move off a bus that is carrying
 *   everything after a feed loss). planSwitchSteps then takes the order with the fewest such buses.
 */
import type { BusReport, FeedReport, Plan, ServiceGain } from '../model/plan.js'
import type { RackInput, SwitchRef } from '../model/rack.js'
import {
  chooseSheddingExact,
  chooseSheddingGreedy,
  createIncumbent,
  createSheddingWorkspace,
  serveByPrioritySwaps,
} from './chooseShedding.js'
import { evaluateConfiguration, type Evaluation } from './evaluateConfiguration.js'
import { explainChanges, type ChangeContext } from './explainChanges.js'
import { closeIdleSupplies } from './closeIdleSupplies.js'
import { improveLocally } from './improveLocally.js'
import { indexRack, type RackIndex } from './indexRack.js'
import { planSwitchStepsIndexed } from './planSwitchSteps.js'
import { createSearchContext, searchExact } from './searchExact.js'
import { bestSheddingOf } from './bestServedSets.js'
import { solveSmallRack, solveSmallRackShedding } from './solveSmallRack.js'
import { switchSideOf } from './switchSide.js'

/**
 * Work budgets (abstract units, not time). The search counts operations (roughly one array access each);
 * the climb charges each neighbour the price of evaluating it from scratch, though it evaluates only the
 * bus components a move touches, so its course (and every plan) does not depend on that speed-up.
 */
export const exactWorkBudget = 200_000_000
/** Work budget for racks beyond the exact range (about 10 ms at 192 x 16 x 400 on one core). */
export const largeWorkBudget = 600_000
/** Racks with at least this many supply x bus pairs (48 x 8) get a short exact search after the climb. */
const largeSearchCapFrom = 384
/** Work units of that short search. */
const largeSearchCap = 50_000
/** Share of the large-rack budget for local search; the rest lets the exact search try to prove. */
const localShare = 0.75

const noOptions = new Int32Array(0)

/** The sizes for which allocate guarantees the exact optimum. */
export const isExactSize = (ix: RackIndex): boolean =>
  ix.supplyCount <= 12 && ix.busCount <= 3 && ix.loadCount <= 24

/** The current state made admissible on rules 1-3: failed opened, one bus per supply. */
export const repairedCurrent = (ix: RackIndex): Int32Array => {
  const S = ix.supplyCount
  const B = ix.busCount
  const assign = new Int32Array(S)
  for (let s = 0; s < S; s++) {
    // Usually the one closed switch of a usable supply (indexRack's currentOption), or none (-1).
    let bus = ix.currentOption[s] ?? -2
    if (bus >= 0 && (ix.switchKind[s * B + bus] ?? -1) < 0) bus = -2
    if (bus === -2) {
      // Else the lowest-id bus it may stay on, if any.
      bus = -1
      const opts = ix.options[s] ?? noOptions
      for (let i = 0; i < opts.length; i++) {
        const b = opts[i] ?? 0
        if (ix.currentClosed[s * B + b] === 1) {
          bus = b
          break
        }
      }
    }
    assign[s] = bus
  }
  return assign
}

/**
 * A bus's non-risk supplies' usable watts, descending, in its first entries (module-level: allocate
 * is never re-entrant; a count says how many are current, since setting an array's length is a call).
 */
const countedScratch: number[] = []

/**
 * Per-bus report in the input's own watts; decisions (nPlusK, survival) from `target`. Each sum adds in
 * the same order as the spec's reading (supplies and loads in id order, redundant watts smallest-last
 * after a descending sort), so the floating-point results do not depend on how it is computed.
 */
const busReports = (ix: RackIndex, assign: Int32Array, target: Evaluation): BusReport[] => {
  const k = ix.redundancyK
  const B = ix.busCount
  const S = ix.supplyCount
  // All buses' load watts in one pass over the loads (each bus still sums in load order).
  const loadW: number[] = []
  for (let b = 0; b < B; b++) loadW.push(0)
  for (let l = 0; l < ix.loadCount; l++) {
    if (target.served[l] === 0) continue
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    const aUp = a >= 0 && target.up[a] === 1
    const cUp = c >= 0 && target.up[c] === 1
    const w = ix.loadW[l] ?? 0
    if (aUp) loadW[a] = (loadW[a] ?? 0) + (cUp ? w / 2 : w)
    if (cUp) loadW[c] = (loadW[c] ?? 0) + (aUp ? w / 2 : w)
  }
  const reports: BusReport[] = []
  const counted = countedScratch
  for (let b = 0; b < B; b++) {
    const up = target.up[b] === 1
    let capacityW = 0
    let n = 0
    for (let s = 0; s < S; s++) {
      if (assign[s] !== b) continue
      const w = ix.usableW[s] ?? 0
      capacityW += w
      if (ix.atRisk[s] !== 0) continue
      // Insertion into the descending list (a handful of supplies: no sort call, no comparator).
      let i = n++
      for (; i > 0 && (counted[i - 1] ?? 0) < w; i--) counted[i] = counted[i - 1] ?? 0
      counted[i] = w
    }
    let redundantW = 0
    for (let i = k; i < n; i++) redundantW += counted[i] ?? 0
    reports.push({
      id: ix.busIds[b] ?? '',
      up,
      loadW: up ? (loadW[b] ?? 0) : 0,
      capacityW,
      redundantW,
      nPlusK: target.nPlusK[b] === 1,
      survivesLoss: up && target.survivesLoss[b] === 1,
    })
  }
  return reports
}

/** The current switches' best shedding (exact), evaluated: directly up to two buses, else searched. */
const currentBestOf = (ix: RackIndex, start: Int32Array): Evaluation => {
  const direct = bestSheddingOf(ix, start)
  if (direct !== null) return direct
  const inc = createIncumbent(ix)
  chooseSheddingExact(ix, createSheddingWorkspace(ix), switchSideOf(ix, start), inc, exactWorkBudget)
  return evaluateConfiguration(ix, inc.assign, inc.served)
}

/**
 * explainChanges' view of a plan. A class so that the current state's best shedding, when not given,
 * is computed only if asked for (by a prototype getter: no function made per call).
 */
class PlanContext implements ChangeContext {
  constructor(
    readonly ix: RackIndex,
    readonly target: Evaluation,
    readonly targetAssign: Int32Array,
    readonly targetBuses: readonly BusReport[],
    readonly currentAsIs: Evaluation,
    private best: Evaluation | undefined,
    readonly currentBestAssign: Int32Array,
    readonly gain: ServiceGain | undefined,
  ) {}

  get currentBest(): Evaluation {
    return (this.best ??= currentBestOf(this.ix, this.currentBestAssign))
  }
}

/**
 * The plan for a chosen target (a bus per supply, requested served flags) and the current state's
 * evaluations (`currentBest` undefined: the current switches' best shedding, computed if needed).
 */
const planFor = (
  ix: RackIndex,
  assign: Int32Array,
  requested: Uint8Array,
  proven: boolean,
  currentAsIs: Evaluation,
  currentBest: Evaluation | undefined,
  currentBestAssign: Int32Array,
  gain?: ServiceGain,
  /** The target's evaluation when the caller has it already. */
  known?: Evaluation,
): Plan => {
  const target = known ?? evaluateConfiguration(ix, assign, requested)
  const B = ix.busCount
  const closed: SwitchRef[] = []
  const targetClosed = new Uint8Array(ix.supplyCount * B)
  const preempted: string[] = []
  for (let s = 0; s < ix.supplyCount; s++) {
    const b = assign[s] ?? -1
    if (b < 0) continue
    closed.push({ supply: ix.supplyIds[s] ?? '', bus: ix.busIds[b] ?? '' })
    targetClosed[s * B + b] = 1
    if (ix.atRisk[s] === 1 && target.nPlusK[b] === 1) preempted.push(ix.supplyIds[s] ?? '')
  }
  const shed: string[] = []
  for (let l = 0; l < ix.loadCount; l++) if (target.served[l] === 0) shed.push(ix.loadIds[l] ?? '')
  const buses = busReports(ix, assign, target)
  const steps = planSwitchStepsIndexed(ix, targetClosed, target.served)
  const reasons = explainChanges(
    new PlanContext(ix, target, assign, buses, currentAsIs, currentBest, currentBestAssign, gain),
  )
  const feeds: FeedReport[] = ix.feedIds.map((id, f) => ({
    id,
    survivesLoss: target.feedSurvivesLoss[f] === 1,
    counted: target.feedCounted[f] === 1,
  }))
  return { closed, shed, preempted, steps, buses, feeds, reasons, optimal: proven }
}

/**
 * The best admissible configuration for a decoded rack, and the switching plan to reach it.
 *
 * Example (packages/core/examples/allocate.ts, run by a test): a two-bus rack with a failed supply; the
 * plan opens it and closes the idle spare onto its bus, and says why.
 *
 * {@includeCode ../../examples/allocate.ts}
 */
export const allocate = (input: RackInput): Plan => {
  // The index does not outlive this call (the plan holds ids and numbers only): it may reuse a buffer.
  const ix = indexRack(input, true)
  const exact = isExactSize(ix)
  const start = repairedCurrent(ix)
  // Most racks in the exact range can serve every load: solved directly (solveSmallRack).
  const direct = exact ? solveSmallRack(ix) : null
  if (direct !== null) {
    const everyLoad = new Uint8Array(ix.loadCount).fill(1)
    const currentAsIs = evaluateConfiguration(ix, start, everyLoad)
    // When the current switches carry every load that has a bus up, that is their best shedding.
    if (currentAsIs.admissible) {
      // Steady state (the target is the current switches, every load served as is): evaluated already.
      let steady = true
      for (let s = 0; steady && s < ix.supplyCount; s++) steady = direct[s] === start[s]
      const known = steady ? currentAsIs : undefined
      return planFor(ix, direct, everyLoad, true, currentAsIs, currentAsIs, start, undefined, known)
    }
    // Else their best shedding sheds some load, so the target, serving all, wins on level 1; their
    // best shedding itself is needed only to tell whether an at-risk supply was already covered.
    return planFor(ix, direct, everyLoad, true, currentAsIs, undefined, start, 'serveLoads')
  }
  // Racks of up to two buses that must shed: the best served sets first, then the same solver.
  const shedding = exact ? solveSmallRackShedding(ix) : null
  if (shedding !== null) {
    const currentAsIs = evaluateConfiguration(ix, start, new Uint8Array(ix.loadCount).fill(1))
    // The current switches' best shedding is as is when that is admissible (it serves every load
    // with a bus up), else it is searched for (the gain is read off it).
    const currentBest = currentAsIs.admissible ? currentAsIs : currentBestOf(ix, start)
    return planFor(ix, shedding.assign, shedding.served, true, currentAsIs, currentBest, start)
  }
  const ws = createSheddingWorkspace(ix)
  const budget = exact ? exactWorkBudget : largeWorkBudget
  const inc = createIncumbent(ix)
  if (exact) chooseSheddingExact(ix, ws, switchSideOf(ix, start), inc, budget)
  else chooseSheddingGreedy(ix, ws, switchSideOf(ix, start), inc)
  const currentBestAssign = Int32Array.from(inc.assign)
  const currentBest = evaluateConfiguration(ix, currentBestAssign, inc.served)
  const currentAsIs = evaluateConfiguration(ix, start, new Uint8Array(ix.loadCount).fill(1))

  // In the exact range the search proves (or improves) whatever the climb ends on: no plain climb.
  const settled = improveLocally(ix, ws, inc, ws.work + (exact ? 1 : localShare) * largeWorkBudget, !exact)
  // From about 48 x 8 up the search almost never changes a climbed incumbent (once in 180 random racks,
  // on the level-5 tie-break only; it does help at 16 x 4 and 24 x 4): a short one still proves racks
  // whose bounds are met at once, and leaves the rest of the budget to the climb.
  const searchShort = !exact && ix.supplyCount * ix.busCount >= largeSearchCapFrom
  // The incumbent before the short search, to tell whether it moved (copied only where that is asked).
  const before = searchShort ? Float64Array.from(inc.vector ?? []) : undefined
  const proven = searchExact(
    createSearchContext(ix, ws),
    inc,
    searchShort ? Math.min(budget, ws.work + largeSearchCap) : budget,
  )
  const moved = before !== undefined && (inc.vector === null || inc.vector.some((x, i) => x !== before[i]))
  // An unfinished search may stop on a configuration that single moves still improve; a settled climb
  // whose incumbent the short search left alone would only re-check it.
  if (!proven && (!searchShort || moved || !settled))
    improveLocally(ix, ws, inc, ws.work + (1 - localShare) * largeWorkBudget)
  // A leaf's shedding may have been cut by the budget too: no higher-priority load left shed where it
  // fits, alone or in place of a lower-priority one. And no idle healthy spare left open where closing
  // it alone improves the service; a spare closed that way keeps the served set it was offered with,
  // so the shedding is repaired again until neither applies (each adopted change is strictly better,
  // so this ends).
  for (let again = !proven; again;) {
    serveByPrioritySwaps(ix, ws, switchSideOf(ix, inc.assign), inc)
    again = closeIdleSupplies(ix, ws, inc)
  }

  return planFor(ix, inc.assign, inc.served, proven, currentAsIs, currentBest, currentBestAssign)
}
