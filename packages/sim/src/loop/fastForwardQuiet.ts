/**
 * Pure. The controller's state after `rounds` quiet poll rounds, computed without running them: what
 * `step` would make of that many rounds in which every supply is read once per round and returns the
 * same observation as last time (every physical quantity constant), no server reports, no plan in
 * flight and no alert. Returns fewer rounds (down to 0) when that many cannot be skipped exactly:
 * a supply's latched at-risk flag would flip, or a health streak would reach a deglitch count (that
 * observation must be taken for real: it raises an alarm, changes a state, asks for a replan), or a
 * supply's health record does not simply count up.
 *
 * Per field of the state, what identical rounds do to it:
 * - poll schedule: every present supply visited once per round, so the cursor is back where it was,
 *   the probe round and the full-read phases advance by `rounds`, the next visit by `rounds` rounds;
 * - health: one more identical observation leaves every field as it is or counts a streak up by one,
 *   and the record probed at the end count decides the same (see `healthAfter`);
 * - predictors of in-service supplies: core's `observeRepeated` (closed form), the flag kept as long as
 *   `repeatedObservationsWithinRisk` says the risk stays in its band (with the hysteresis);
 * - CLEAR_FAULTS: a snapshot with bits set is cleared again after `poll.clearFaultsRetryMs`; the skip
 *   stops before that poll, which then goes out for real;
 * - the clock moves on; quarantines run out; nothing else changes (no plan, no alarm, no replan).
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

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b)

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
    else if (!sameJson(before, after)) return { once, counting: undefined }
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
    if (!counting.includes(key) && !sameJson(value, (end.health as unknown as Record<string, unknown>)[key]))
      return undefined
  return end.health
}

/** `rounds` quiet rounds (or fewer, see the module comment) of the controller in one go. */
export const fastForwardQuiet = (
  state: ControllerState,
  /** Each supply's latest observation; the first skipped one is a round after it. */
  latest: ReadonlyMap<string, HealthObservation>,
  requestedRounds: number,
): { readonly state: ControllerState; readonly rounds: number } => {
  const none = { state, rounds: 0 }
  const { rack, policies } = state.config
  const roundMs = policies.poll.roundIntervalMs
  if (requestedRounds <= 0 || state.applying !== undefined) return none
  const ids = rack.supplies.map((s) => s.id)
  // Every supply present (one visit each per round) and its latest observation known.
  if (ids.some((id) => state.health[id]?.state === 'absent' || !latest.has(id))) return none
  const deglitch = policies.deglitch
  let rounds = requestedRounds

  // One more identical observation per supply: it must only count streaks up. And CLEAR_FAULTS: a
  // snapshot with bits set is cleared again once `clearFaultsRetryMs` passed since the last clear of
  // the same bits (time-driven: stop before that poll).
  const steps = new Map<string, HealthStep>()
  const retryMs = policies.poll.clearFaultsRetryMs
  for (const id of ids) {
    const observation = latest.get(id)!
    const step = healthStep(state.health[id]!, observation, deglitch)
    if (step.counting === undefined) return none
    steps.set(id, step)
    if (observation._tag !== 'Sample' || !step.once.clearFaults) continue
    const last = state.lastClear[id]
    if (last === undefined || last.bits !== statusBitsKey(observation.sample.status)) return none
    const t = observation.sample.atMs
    let allowed = Math.max(0, Math.floor((last.atMs + retryMs - t) / roundMs))
    while (allowed > 0 && !(t + allowed * roundMs - last.atMs < retryMs)) allowed--
    rounds = Math.min(rounds, allowed)
    if (rounds === 0) return none
  }

  // How far health allows: before any streak would reach a deglitch count (that observation is then
  // taken for real). Decisions are monotone in the rising streaks, so the allowed counts form a prefix.
  for (const id of ids) {
    const health = state.health[id]!
    const observation = latest.get(id)!
    const step = steps.get(id)!
    if (healthAfter(health, observation, step, rounds, deglitch) !== undefined) continue
    let ok = 1
    let bad = rounds
    while (bad - ok > 1) {
      const mid = Math.floor((ok + bad) / 2)
      if (healthAfter(health, observation, step, mid, deglitch) === undefined) bad = mid
      else ok = mid
    }
    rounds = ok
  }

  // How far the predictors allow: before any latched at-risk flag would flip.
  const prediction = policies.prediction
  const context = new Map<string, { commonModeC: number; inputLossRemembered: boolean }>()
  if (prediction.enabled) {
    const pre = rack.policy.preemptRisk
    for (const id of ids) {
      const observation = latest.get(id)!
      const h = steps.get(id)!.once.health
      if (unusable(h.state)) continue
      if (observation._tag === 'ReadFailed' && h.failedReadStreak > deglitch.commFaultReads) continue
      const peers = Object.values(state.predictors).filter(
        (q) => q.supply !== id && !unusable(state.health[q.supply]?.state),
      )
      const ctx = { commonModeC: commonModeResidualC(peers), inputLossRemembered: h.inputLossMemory > 0 }
      context.set(id, ctx)
      const band = state.risk[id]?.atRisk
        ? { atLeast: pre - policies.reallocation.riskHysteresis }
        : { below: pre }
      const first = at(observation, timeOf(observation) + roundMs)
      rounds = Math.min(
        rounds,
        repeatedObservationsWithinRisk(state.predictors[id]!, first, rounds, roundMs, band, prediction, ctx),
      )
      if (rounds === 0) return none
    }
  }

  const health = { ...state.health }
  const predictors = { ...state.predictors }
  const risk = { ...state.risk }
  for (const id of ids) {
    const observation = latest.get(id)!
    const h = healthAfter(state.health[id]!, observation, steps.get(id)!, rounds, deglitch)
    if (h === undefined) return none // cannot happen: rounds is within every supply's allowed prefix
    health[id] = h
    const ctx = context.get(id)
    if (ctx === undefined) continue
    const first = at(observation, timeOf(observation) + roundMs)
    const p = observeRepeated(state.predictors[id]!, first, rounds, roundMs, prediction, ctx)
    const now = currentPrediction(p, prediction)
    predictors[id] = p
    risk[id] = {
      failureRisk: now.failureRisk,
      timeToFailureMs: now.timeToFailureMs,
      atRisk: state.risk[id]?.atRisk ?? false,
    }
  }

  // The poll schedule, as `pollSchedule` moves it over `rounds` rounds of one visit per supply each.
  const poll = state.poll
  const n = poll.order.length
  const visits = rounds * n
  const interval = roundMs / n
  let nextVisitMs = poll.nextVisitMs
  if (nextVisitMs !== undefined) {
    // Repeated addition, as the schedule does it (exact in one go when the interval is an integer).
    if (Number.isInteger(interval) && Number.isInteger(nextVisitMs)) nextVisitMs += visits * interval
    else for (let i = 0; i < visits; i++) nextVisitMs += interval
  }
  const fullEvery = Math.max(1, Math.floor(policies.poll.fullEvery))
  const probeEvery = Math.max(1, Math.floor(policies.poll.absentProbeEvery))
  const visitPhase = Object.fromEntries(
    Object.entries(poll.visitPhase).map(([id, phase]) => [id, (phase + rounds) % fullEvery]),
  )
  const nowMs = (state.nowMs ?? 0) + rounds * roundMs
  return {
    rounds,
    state: {
      ...state,
      nowMs,
      health,
      predictors,
      risk,
      quarantine: state.quarantine.filter((q) => q.untilMs > nowMs),
      poll: { ...poll, round: (poll.round + rounds) % probeEvery, nextVisitMs, visitPhase },
    },
  }
}
