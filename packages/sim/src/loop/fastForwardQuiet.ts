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
 *   `repeatedObservationsWithinRisk` says the risk stays in its band (with the hysteresis); visits
 *   within `riskHoldMs` of the flag's last change keep it whatever the risk;
 * - CLEAR_FAULTS: a snapshot with bits set is cleared again after `poll.clearFaultsRetryMs`. When the
 *   loop saw such a retry of the same bits for real (`RetryCycle`: the clear re-latches them, and with
 *   SMBALERT# the alert's status read follows), further ones are taken: the last clear moves to the
 *   retry visit, health counts the alert read as one more observation, and an in-service supply's
 *   predictor takes that status-only sample between its polls. Otherwise the skip stops before the retry
 *   poll, which then goes out for real; a skip never ends on a retry visit;
 * - the other supplies' predictions subtract the rack's common-mode temperature residual: a supply whose
 *   latest residual moves (its first warmed-up reading) ends the skip right after that visit;
 * - a visit reads before it observes, so a ClearFaults' wait for the next read ends;
 * - the clock moves on a tick per visit; quarantines run out; nothing else changes (no plan, no alarm,
 *   no replan).
 */
import {
  assessHealth,
  commonModeResidualC,
  currentPrediction,
  observeForPrediction,
  observeRepeated,
  repeatedObservationsWithinRisk,
  statusBitsKey,
} from '@busbar/core'
import type {
  ControllerState,
  DeglitchPolicy,
  HealthObservation,
  PredictionContext,
  PredictorState,
  RiskBand,
  SupplyHealth,
} from '@busbar/core'

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

/**
 * A supply's CLEAR_FAULTS retry as the loop saw one happen for real, which each further retry of the same
 * bits repeats: the retry visit's poll, the clear (which re-latches the same bits), and with SMBALERT#
 * the alert handling: the supply named, its status read (a status-only sample: one more observation).
 */
export interface RetryCycle {
  /** The latched bits cleared (core's `statusBitsKey`). */
  readonly bits: string
  /**
   * With SMBALERT#: the alert's status-only sample time minus the retry visit's (bus time of the poll, the
   * clear and the Alert Response Address reads). Undefined when polling only (no alert read).
   */
  readonly alertReadDelayMs: number | undefined
}

/** Per supply: what one more identical observation does, and how many of them can be taken. */
interface SupplySkip {
  readonly id: string
  /** Visits before its first one in the stretch (0: the next tick visits it). */
  readonly offset: number
  readonly observation: HealthObservation
  readonly step: HealthStep
  /** CLEAR_FAULTS retries taken in the stretch (a persistent fault), when they can be. */
  readonly retry?: {
    readonly cycle: RetryCycle
    /** Its visits (0-based, among its own in the stretch) that are retries, ascending. */
    readonly visits: readonly number[]
  }
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
  /** Per supply, its last real CLEAR_FAULTS retry: further ones of the same bits are taken in the stretch. */
  retryCycles: ReadonlyMap<string, RetryCycle> = new Map(),
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
  // interval and an integer start, or within one binade of the doubles: every sum is then exact).
  const v0 = poll.nextVisitMs
  const anyVisits =
    Number.isInteger(interval) &&
    v0 !== undefined &&
    nextTickMs !== undefined &&
    nextTickMs - interval < v0 &&
    v0 <= nextTickMs &&
    (Number.isSafeInteger(v0 + requestedVisits * interval) ||
      Math.floor(Math.log2(Math.abs(v0))) ===
        Math.floor(Math.log2(Math.abs(v0 + requestedVisits * interval))))
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
  // the same bits (time-driven). Such a retry is taken in the stretch when the loop saw one of these bits
  // for real (`retryCycles`) and visits fall on known ticks; otherwise the stretch stops before it.
  const supplies: SupplySkip[] = []
  const retryMs = policies.poll.clearFaultsRetryMs
  for (const id of order) {
    const observation = latest.get(id)!
    const offset = (order.indexOf(id) - next + n) % n
    const step = healthStep(state.health[id]!, observation, deglitch)
    const x: SupplySkip = { id, offset, observation, step }
    if (step.counting === undefined) {
      supplies.push(x)
      limit(x, 0)
      continue
    }
    if (observation._tag !== 'Sample' || !step.once.clearFaults) {
      supplies.push(x)
      continue
    }
    const last = state.lastClear[id]
    const bits = statusBitsKey(observation.sample.status)
    if (last === undefined || last.bits !== bits) {
      supplies.push(x)
      limit(x, 0)
      continue
    }
    const t = observation.sample.atMs
    const cycle = retryCycles.get(id)
    // Its visits fall on ticks `roundMs` apart from `nextTickMs` on, integers (exact), the first a round
    // after its latest poll: then the retry visits are known exactly, as `step` decides them.
    const firstMs = (nextTickMs ?? Number.NaN) + offset * interval
    if (
      anyVisits &&
      cycle !== undefined &&
      cycle.bits === bits &&
      Number.isInteger(firstMs) &&
      Number.isInteger(roundMs) &&
      t + roundMs === firstMs
    ) {
      const count = countOf(x, visits)
      const retries: number[] = []
      let lastMs = last.atMs
      for (let j = 0; j < count;) {
        const visitMs = firstMs + j * roundMs
        if (visitMs - lastMs < retryMs) {
          // Jump close to the next one, then visit by visit (the test is `step`'s own).
          j = Math.max(j + 1, Math.ceil((lastMs + retryMs - firstMs) / roundMs) - 1)
          continue
        }
        retries.push(j)
        lastMs = visitMs
        j++
      }
      supplies.push({ ...x, retry: { cycle, visits: retries } })
      continue
    }
    supplies.push(x)
    let allowed = Math.max(0, Math.floor((last.atMs + retryMs - t) / roundMs))
    // A margin of a millisecond: where the visit times could round either way, the visit is real.
    while (allowed > 0 && !(t + allowed * roundMs - last.atMs < retryMs - 1)) allowed--
    limit(x, allowed)
  }
  visits = allowedVisits(visits)
  if (visits === 0) return none

  // Retries among a supply's first `count` visits, and its observations over them: one per visit, and
  // with SMBALERT# one more per retry (the alert's status read, which health counts like a poll).
  const retriesWithin = (x: SupplySkip, count: number): number => {
    const r = x.retry?.visits
    if (r === undefined) return 0
    let k = 0
    while (k < r.length && r[k]! < count) k++
    return k
  }
  const observationsOf = (x: SupplySkip, count: number): number =>
    count + (x.retry?.cycle.alertReadDelayMs === undefined ? 0 : retriesWithin(x, count))
  // A retry visit's time: its tick (the poll's sample time; the loop checked its latest poll was on one).
  const retryVisitMs = (x: SupplySkip, j: number): number => timeOf(x.observation) + (j + 1) * roundMs

  /**
   * The predictor of an in-service supply over its first `count` visits: the same sample each round and,
   * with SMBALERT#, after each retry visit the alert's status-only sample of the same status. How many
   * of the visits keep the risk inside `band` after each observation (`count` when all do; a retry
   * visit whose alert read would leave it is not allowed), and the predictor after them.
   */
  const predictorOver = (
    x: SupplySkip,
    start: PredictorState,
    count: number,
    ctx: PredictionContext,
    band: RiskBand | undefined,
    /** Its first visits during which the at-risk flag is held (`riskHoldMs`): any risk keeps it. */
    heldVisits = 0,
    /** Whether an observation at this time still finds the flag held. */
    heldAt: (atMs: number) => boolean = () => false,
  ): { readonly allowed: number; readonly state: PredictorState } => {
    const prediction = policies.prediction
    const inside = (risk: number): boolean =>
      band === undefined ||
      ((band.atLeast === undefined || risk >= band.atLeast) &&
        (band.below === undefined || risk < band.below))
    const delay = x.retry?.cycle.alertReadDelayMs
    const alerted = delay === undefined ? [] : x.retry!.visits
    let p = start
    let from = 0
    for (let k = 0; ; k++) {
      const alertAfter = k < alerted.length && alerted[k]! < count ? alerted[k]! : undefined
      let length = (alertAfter ?? count - 1) + 1 - from
      if (band !== undefined && from < heldVisits) {
        // Held visits: the flag stays whatever the risk; the band applies from the first one after.
        const held = Math.min(length, heldVisits - from)
        const first = at(x.observation, timeOf(x.observation) + (from + 1) * roundMs)
        p = observeRepeated(p, first, held, roundMs, prediction, ctx)
        from += held
        length -= held
      }
      if (length > 0) {
        const first = at(x.observation, timeOf(x.observation) + (from + 1) * roundMs)
        if (band !== undefined) {
          const ok = repeatedObservationsWithinRisk(p, first, length, roundMs, band, prediction, ctx)
          if (ok < length) return { allowed: from + ok, state: p }
        }
        p = observeRepeated(p, first, length, roundMs, prediction, ctx)
      }
      if (alertAfter === undefined) return { allowed: count, state: p }
      const sample = (x.observation as Extract<HealthObservation, { _tag: 'Sample' }>).sample
      const alertMs = retryVisitMs(x, alertAfter) + delay!
      const alertRead: HealthObservation = {
        _tag: 'Sample',
        sample: { ...sample, atMs: alertMs, readings: {} },
      }
      p = observeForPrediction(p, alertRead, prediction, ctx)
      if (!heldAt(alertMs) && !inside(currentPrediction(p, prediction).failureRisk))
        return { allowed: alertAfter, state: p }
      from = alertAfter + 1
      if (from >= count) return { allowed: count, state: p }
    }
  }

  // Per supply, its health after that many visits (computed while bounding them).
  const healthAfterVisits = new Map<string, { readonly count: number; readonly health: SupplyHealth }>()
  // How far health allows: before any streak would reach a deglitch count (that observation is then
  // taken for real). Decisions are monotone in the rising streaks, so the allowed counts form a prefix.
  for (const x of supplies) {
    const count = countOf(x, visits)
    if (count === 0) continue
    const health = state.health[x.id]!
    const after = (c: number): SupplyHealth | undefined =>
      healthAfter(health, x.observation, x.step, observationsOf(x, c), deglitch)
    const whole = after(count)
    if (whole !== undefined) {
      healthAfterVisits.set(x.id, { count, health: whole })
      continue
    }
    let ok = 0
    let bad = count
    while (bad - ok > 1) {
      const mid = Math.floor((ok + bad) / 2)
      if (after(mid) === undefined) bad = mid
      else ok = mid
    }
    limit(x, ok)
  }
  visits = allowedVisits(visits)
  if (visits === 0) return none

  // How far the predictors allow: before any latched at-risk flag would flip.
  const prediction = policies.prediction
  const context = new Map<string, PredictionContext>()
  // Per supply, its predictor after that many visits (computed while bounding them).
  const predictorAfter = new Map<string, { readonly count: number; readonly state: PredictorState }>()
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
      // A flag that changed less than `riskHoldMs` ago holds: no observation flips it until then (the
      // controller's clock at a visit is its tick, known exactly when visits fall on ticks).
      const changedAt = state.riskChangedAtMs[x.id]
      const holdMs = policies.reallocation.riskHoldMs
      const heldAt = (atMs: number): boolean => changedAt !== undefined && atMs - changedAt < holdMs
      const firstMs = (nextTickMs ?? Number.NaN) + x.offset * interval
      let heldVisits = 0
      if (
        changedAt !== undefined &&
        anyVisits &&
        Number.isInteger(firstMs) &&
        timeOf(x.observation) + roundMs === firstMs
      ) {
        heldVisits = Math.max(0, Math.ceil((changedAt + holdMs - firstMs) / roundMs) - 1)
        while (heldVisits > 0 && !heldAt(firstMs + (heldVisits - 1) * roundMs)) heldVisits--
        while (heldAt(firstMs + heldVisits * roundMs)) heldVisits++
      }
      const over = predictorOver(x, state.predictors[x.id]!, count, ctx, band, heldVisits, heldAt)
      if (over.allowed === count) predictorAfter.set(x.id, { count, state: over.state })
      limit(x, over.allowed)
      visits = allowedVisits(visits)
      if (visits === 0) return none
    }
    // The other supplies' predictions take each one's latest temperature residual (the rack's common
    // mode), taken as constant above. It moves when a supply's first warmed-up reading sets it: the
    // stretch then ends right after that visit, so the visits after it see it as they would.
    const ambient = prediction.ambientCompensation
    for (const x of supplies) {
      const ctx = context.get(x.id)
      const count = countOf(x, visits)
      if (!ambient || ctx === undefined || count === 0) continue
      const start = state.predictors[x.id]!
      // Set, with the baseline frozen: every later warmed-up reading was taken, the latest one too, and the
      // same readings give the same residual.
      if (start.lastResidualC !== undefined && prediction.baselineAdaptAlpha === 0) continue
      const moved = (c: number): boolean =>
        predictorOver(x, start, c, ctx, undefined).state.lastResidualC !== start.lastResidualC
      if (!moved(count)) continue
      let still = 0
      let changed = count
      while (changed - still > 1) {
        const mid = Math.floor((still + changed) / 2)
        if (moved(mid)) changed = mid
        else still = mid
      }
      visits = Math.min(visits, x.offset + (changed - 1) * n + 1)
      visits = allowedVisits(visits)
      if (visits === 0) return none
    }
  }

  // A stretch never ends on a retry visit: its clear (and alert) would then be due at once, for real.
  for (;;) {
    const x = supplies.find((s) => s.id === order[(next + visits - 1) % n])!
    const count = countOf(x, visits)
    if (x.retry === undefined || !x.retry.visits.includes(count - 1)) break
    visits = allowedVisits(visits - 1)
    if (visits === 0) return none
  }

  const health = { ...state.health }
  const predictors = { ...state.predictors }
  const risk = { ...state.risk }
  const clearPending = { ...state.clearPending }
  let lastClear = state.lastClear
  const visitPhase = { ...poll.visitPhase }
  const visitsBySupply = new Map<string, number>()
  // The clock moves on by the skipped ticks: the latest event's time, a tick apart (not the latest
  // observations moved on, which after a late tick's burst of reads may lie past the next real tick).
  const nowMs = (state.nowMs ?? 0) + (visits % n === 0 ? (visits / n) * roundMs : visits * interval)
  for (const x of supplies) {
    const count = countOf(x, visits)
    if (count === 0) continue
    visitsBySupply.set(x.id, count)
    const known = healthAfterVisits.get(x.id)
    const h =
      known?.count === count
        ? known.health
        : healthAfter(state.health[x.id]!, x.observation, x.step, observationsOf(x, count), deglitch)
    if (h === undefined) return none // cannot happen: the count is within every supply's allowed prefix
    health[x.id] = h
    // Each visit issues a read first, which ends a ClearFaults' wait for the next read.
    clearPending[x.id] = false
    visitPhase[x.id] = 0 // fullEvery 1
    const retries = retriesWithin(x, count)
    if (retries > 0) {
      const lastRetry = x.retry!.visits[retries - 1]!
      const bits = x.retry!.cycle.bits
      lastClear = { ...lastClear, [x.id]: { bits, atMs: retryVisitMs(x, lastRetry) } }
      // Polling only, a clear on its last visit still waits for its next read (with SMBALERT# the alert's
      // status read ended the wait).
      clearPending[x.id] = lastRetry === count - 1 && x.retry!.cycle.alertReadDelayMs === undefined
    }
    const ctx = context.get(x.id)
    if (ctx === undefined) continue
    const predicted = predictorAfter.get(x.id)
    const p =
      predicted?.count === count
        ? predicted.state
        : predictorOver(x, state.predictors[x.id]!, count, ctx, undefined).state
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
      lastClear,
      quarantine: state.quarantine.filter((q) => q.untilMs > nowMs),
      poll: { ...poll, cursor, round, nextVisitMs, visitPhase },
    },
  }
}
