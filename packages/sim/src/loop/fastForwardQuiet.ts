/**
 * Pure. The controller's state after quiet poll visits (one supply a tick, in the schedule's order),
 * computed without running them: what `step` would make of them when each visited supply returns the
 * same observation as last time (every physical quantity constant), with no server reports, no plan in
 * flight and no alert. Returns fewer visits (down to 0) when that many cannot be skipped exactly: a
 * supply's latched at-risk flag would flip, or a health streak would reach a deglitch count (that
 * observation must be taken for real: it raises an alarm, changes a state, asks for a replan), or a
 * supply's health record does not simply count up, or a CLEAR_FAULTS retry falls due.
 *
 * Per field of the state, what identical visits do to it (a supply visited k times):
 * - poll schedule: whole rounds leave the cursor where it was and advance the probe round; the
 *   remaining visits move it on one by one; the next visit moves by the visits' intervals;
 * - health: one more identical observation leaves every field as it is or counts a streak up by one,
 *   and the record probed at the end count decides the same (see `healthAfter`);
 * - predictors of in-service supplies: core's `observeRepeated` (closed form), the flag kept as long as
 *   `repeatedObservationsWithinRisk` says the risk stays in its band (with the hysteresis);
 * - CLEAR_FAULTS: a snapshot with bits set is cleared again after `poll.clearFaultsRetryMs`; the skip
 *   stops before that poll, which then goes out for real;
 * - a visit reads before it observes, so a ClearFaults' wait for the next read ends;
 * - the clock moves on a tick per visit; quarantines run out; nothing else changes (no plan, no alarm,
 *   no replan).
 */
import {
  assessHealth,
  commonModeResidualC,
  currentPrediction,
  observeRepeated,
  repeatedObservationsWithinRisk,
  statusBitsKey,
} from '@busbar/core'
import type { ControllerState, DeglitchPolicy, HealthObservation, SupplyHealth } from '@busbar/core'

const unusable = (state: string | undefined): boolean => state === 'failed' || state === 'absent'

const at = (o: HealthObservation, atMs: number): HealthObservation =>
  o._tag === 'ReadFailed' ? { ...o, atMs } : { ...o, sample: { ...o.sample, atMs } }

const timeOf = (o: HealthObservation): number => (o._tag === 'ReadFailed' ? o.atMs : o.sample.atMs)

/** Equal health fields: numbers, strings, or arrays of them (the record's only shapes). */
const sameValue = (a: unknown, b: unknown): boolean => {
  if (a === b) return true
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** What one more identical observation does to a supply's health: counts streaks up, or more. */
interface HealthStep {
  readonly once: ReturnType<typeof assessHealth>
  /** The streaks it counts up by one; undefined when it changes anything else (state, alarm, memory). */
  readonly counting: readonly string[] | undefined
}

const healthStep = (
  h: SupplyHealth,
  observation: HealthObservation,
  deglitch: DeglitchPolicy,
): HealthStep => {
  const once = assessHealth(h, observation, deglitch)
  if (once.raised.length > 0 || once.cleared.length > 0) return { once, counting: undefined }
  const counting: string[] = []
  for (const [key, before] of Object.entries(h)) {
    const after = (once.health as unknown as Record<string, unknown>)[key]
    if (typeof before === 'number' && typeof after === 'number' && after === before + 1) counting.push(key)
    else if (!sameValue(before, after)) return { once, counting: undefined }
  }
  return { once, counting }
}

/**
 * The health record after `rounds` identical observations, when the record at the end count decides
 * as the record after one (no alarm, same state, cause and memory); otherwise undefined. Exact because
 * every deglitch decision of `assessHealth` is a `streak >= count` test: with every streak rising, a
 * decision that is the same after the first and after the last observation is the same in between.
 */
const healthAfter = (
  h: SupplyHealth,
  observation: HealthObservation,
  step: HealthStep,
  rounds: number,
  deglitch: DeglitchPolicy,
): SupplyHealth | undefined => {
  const counting = step.counting!
  if (counting.length === 0 || rounds === 1) return step.once.health
  // Probe at one short of the end: one assessment adds the last count, saturating as it does.
  const probe: Record<string, unknown> = { ...h }
  for (const key of counting) probe[key] = (h as unknown as Record<string, number>)[key]! + rounds - 1
  const end = assessHealth(probe as unknown as SupplyHealth, observation, deglitch)
  if (end.raised.length > 0 || end.cleared.length > 0) return undefined
  for (const [key, value] of Object.entries(step.once.health))
    if (!counting.includes(key) && !sameValue(value, (end.health as unknown as Record<string, unknown>)[key]))
      return undefined
  return end.health
}

/** Per supply: what one more identical observation does, and how many of them can be taken. */
interface SupplySkip {
  readonly id: string
  /** Visits before its first one in the stretch (0: the next tick visits it). */
  readonly offset: number
  readonly observation: HealthObservation
  readonly step: HealthStep
}

/** What a fast-forward did: the controller's state after it, and the poll visits it stands for. */
export interface FastForward {
  readonly state: ControllerState
  /** Poll visits skipped (one a tick); 0 when none could be. */
  readonly visits: number
  /** Of those, each supply's own (the supplies with none are left out). */
  readonly visitsBySupply: ReadonlyMap<string, number>
  /** The supply of the last skipped visit. */
  readonly lastVisited: string | undefined
}

/**
 * `requestedVisits` quiet poll visits (one supply per tick, in the schedule's order), or fewer, of the
 * controller in one go (see the module comment). Whole rounds only, unless the schedule provably visits
 * one supply on each tick from `nextTickMs` on (ticks `roundIntervalMs / n` apart): then any number of
 * visits, so a stretch can end right before the one visit that must be taken for real.
 */
export const fastForwardQuiet = (
  state: ControllerState,
  /** Each supply's latest observation; its first skipped one is a round after it. */
  latest: ReadonlyMap<string, HealthObservation>,
  requestedVisits: number,
  nextTickMs?: number,
): FastForward => {
  const none: FastForward = { state, visits: 0, visitsBySupply: new Map(), lastVisited: undefined }
  const { rack, policies } = state.config
  const roundMs = policies.poll.roundIntervalMs
  if (requestedVisits <= 0 || state.applying !== undefined) return none
  // Every visit reads full telemetry (the latest observation is what each visit returns again).
  if (Math.max(1, Math.floor(policies.poll.fullEvery)) !== 1) return none
  const ids = rack.supplies.map((s) => s.id)
  // Every supply present (one visit each per round) and its latest observation known.
  if (ids.some((id) => state.health[id]?.state === 'absent' || !latest.has(id))) return none
  const deglitch = policies.deglitch
  const poll = state.poll
  const order = poll.order
  const n = order.length
  const interval = roundMs / n
  // One visit per tick, exactly: the next visit is due by the next tick but not by the one before, the
  // interval is the tick spacing, and `nextVisitMs` moves by whole intervals without rounding (an integer
  // interval, within one binade of the doubles: every sum is then exact).
  const v0 = poll.nextVisitMs
  const anyVisits =
    Number.isInteger(interval) &&
    v0 !== undefined &&
    nextTickMs !== undefined &&
    nextTickMs - interval < v0 &&
    v0 <= nextTickMs &&
    Math.floor(Math.log2(Math.abs(v0))) === Math.floor(Math.log2(Math.abs(v0 + requestedVisits * interval)))
  // Whole rounds, or any number of visits: the most allowed at or below `v`.
  const allowedVisits = (v: number): number => (anyVisits ? v : Math.floor(v / n) * n)
  let visits = allowedVisits(requestedVisits)
  if (visits === 0) return none
  const next = poll.cursor % n
  // Visits of a supply among the first `v`, and the most visits that keep it to `count` of its own.
  const countOf = (x: SupplySkip, v: number): number =>
    v > x.offset ? Math.floor((v - 1 - x.offset) / n) + 1 : 0
  const visitsAllowing = (x: SupplySkip, count: number): number => x.offset + count * n
  const limit = (x: SupplySkip, count: number): void => {
    visits = Math.min(visits, visitsAllowing(x, count))
  }

  // One more identical observation per supply: it must only count streaks up. And CLEAR_FAULTS: a
  // snapshot with bits set is cleared again once `clearFaultsRetryMs` passed since the last clear of
  // the same bits (time-driven: stop before that poll).
  const supplies: SupplySkip[] = []
  const retryMs = policies.poll.clearFaultsRetryMs
  for (const id of order) {
    const observation = latest.get(id)!
    const x: SupplySkip = {
      id,
      offset: (order.indexOf(id) - next + n) % n,
      observation,
      step: healthStep(state.health[id]!, observation, deglitch),
    }
    supplies.push(x)
    if (x.step.counting === undefined) {
      limit(x, 0)
      continue
    }
    if (observation._tag !== 'Sample' || !x.step.once.clearFaults) continue
    const last = state.lastClear[id]
    if (last === undefined || last.bits !== statusBitsKey(observation.sample.status)) {
      limit(x, 0)
      continue
    }
    const t = observation.sample.atMs
    let allowed = Math.max(0, Math.floor((last.atMs + retryMs - t) / roundMs))
    // A margin of a millisecond: where the visit times could round either way, the visit is real.
    while (allowed > 0 && !(t + allowed * roundMs - last.atMs < retryMs - 1)) allowed--
    limit(x, allowed)
  }
  visits = allowedVisits(visits)
  if (visits === 0) return none

  // How far health allows: before any streak would reach a deglitch count (that observation is then
  // taken for real). Decisions are monotone in the rising streaks, so the allowed counts form a prefix.
  for (const x of supplies) {
    const count = countOf(x, visits)
    if (count === 0) continue
    const health = state.health[x.id]!
    if (healthAfter(health, x.observation, x.step, count, deglitch) !== undefined) continue
    let ok = 1
    let bad = count
    while (bad - ok > 1) {
      const mid = Math.floor((ok + bad) / 2)
      if (healthAfter(health, x.observation, x.step, mid, deglitch) === undefined) bad = mid
      else ok = mid
    }
    limit(x, ok)
  }
  visits = allowedVisits(visits)
  if (visits === 0) return none

  // How far the predictors allow: before any latched at-risk flag would flip.
  const prediction = policies.prediction
  const context = new Map<string, { commonModeC: number; inputLossRemembered: boolean }>()
  if (prediction.enabled) {
    const pre = rack.policy.preemptRisk
    for (const x of supplies) {
      const count = countOf(x, visits)
      if (count === 0) continue
      const h = x.step.once.health
      if (unusable(h.state)) continue
      if (x.observation._tag === 'ReadFailed' && h.failedReadStreak > deglitch.commFaultReads) continue
      const peers = Object.values(state.predictors).filter(
        (q) => q.supply !== x.id && !unusable(state.health[q.supply]?.state),
      )
      const ctx = { commonModeC: commonModeResidualC(peers), inputLossRemembered: h.inputLossMemory > 0 }
      context.set(x.id, ctx)
      const band = state.risk[x.id]?.atRisk
        ? { atLeast: pre - policies.reallocation.riskHysteresis }
        : { below: pre }
      const first = at(x.observation, timeOf(x.observation) + roundMs)
      limit(
        x,
        repeatedObservationsWithinRisk(state.predictors[x.id]!, first, count, roundMs, band, prediction, ctx),
      )
      visits = allowedVisits(visits)
      if (visits === 0) return none
    }
  }

  const health = { ...state.health }
  const predictors = { ...state.predictors }
  const risk = { ...state.risk }
  const clearPending = { ...state.clearPending }
  const visitPhase = { ...poll.visitPhase }
  const visitsBySupply = new Map<string, number>()
  // The clock moves on by the skipped ticks: the latest event's time, a tick apart (not the latest
  // observations moved on, which after a late tick's burst of reads may lie past the next real tick).
  const nowMs = (state.nowMs ?? 0) + (visits % n === 0 ? (visits / n) * roundMs : visits * interval)
  for (const x of supplies) {
    const count = countOf(x, visits)
    if (count === 0) continue
    visitsBySupply.set(x.id, count)
    const h = healthAfter(state.health[x.id]!, x.observation, x.step, count, deglitch)
    if (h === undefined) return none // cannot happen: the count is within every supply's allowed prefix
    health[x.id] = h
    // Each visit issues a read first, which ends a ClearFaults' wait for the next read.
    clearPending[x.id] = false
    visitPhase[x.id] = 0 // fullEvery 1
    const ctx = context.get(x.id)
    if (ctx === undefined) continue
    const first = at(x.observation, timeOf(x.observation) + roundMs)
    const p = observeRepeated(state.predictors[x.id]!, first, count, roundMs, prediction, ctx)
    const now = currentPrediction(p, prediction)
    predictors[x.id] = p
    risk[x.id] = {
      failureRisk: now.failureRisk,
      timeToFailureMs: now.timeToFailureMs,
      atRisk: state.risk[x.id]?.atRisk ?? false,
    }
  }

  // The poll schedule, as `pollSchedule` moves it over `visits` slots of one present supply each.
  let nextVisitMs = poll.nextVisitMs
  if (nextVisitMs !== undefined) {
    // Repeated addition, as the schedule does it (exact in one go when the interval is an integer and
    // so is the start, or the sums stay in one binade).
    if (Number.isInteger(interval) && (Number.isInteger(nextVisitMs) || anyVisits))
      nextVisitMs += visits * interval
    else for (let i = 0; i < visits; i++) nextVisitMs += interval
  }
  const probeEvery = Math.max(1, Math.floor(policies.poll.absentProbeEvery))
  // Whole rounds leave the cursor where it was, one wrap each; then the remaining visits one by one.
  let { cursor, round } = poll
  round = (round + Math.floor(visits / n)) % probeEvery
  for (let i = 0; i < visits % n; i++) {
    if (cursor >= n) {
      cursor = 0
      round = (round + 1) % probeEvery
    }
    cursor++
  }
  return {
    visits,
    visitsBySupply,
    lastVisited: order[(next + visits - 1) % n],
    state: {
      ...state,
      nowMs,
      health,
      predictors,
      risk,
      clearPending,
      quarantine: state.quarantine.filter((q) => q.untilMs > nowMs),
      poll: { ...poll, cursor, round, nextVisitMs, visitPhase },
    },
  }
}
