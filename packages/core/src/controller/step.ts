/**
 * Pure. The controller as a state machine: `step(state, event) -> { state, commands }` (XState-style),
 * with `initialControllerState(config)`. Time and measurements are inputs; no clock, no I/O.
 *
 * What a step does (claims 5, 6, 16, 20-23, 24-27):
 * - Telemetry / ReadFailed: deglitched health (`assessHealth`), failure prediction (`predictFailure`),
 *   alarms (one per event). CLEAR_FAULTS is sent only after a complete status snapshot (every summary
 *   bit's detail register read); an incomplete one gets a full read first. At most one ClearFaults
 *   per supply between two reads the controller issued, so a shell that answers ClearFaults with a
 *   snapshot cannot loop; mark such a snapshot `afterClearFaults` and it is not counted as a poll.
 *   The same set of bits is cleared again only after `poll.clearFaultsRetryMs`: a persistent fault
 *   re-latches and re-asserts SMBALERT#, and re-clearing it on each alert read would never stop.
 * - Alert (SMBALERT#): a status read of the named supply at once, or a sweep of all.
 * - ServerPower (claims 16, 26): the load's reported power; a change within the margin is ignored.
 * - SwitchResult: the believed switch state becomes `actual` (hardware truth). Aborted (or Applied
 *   with a readback that disagrees with the plan): a `switchFault` alarm, the switch is quarantined
 *   (an open one is left out of plans for `switchQuarantineMs`), and a replan from the actual state.
 * - Tick: the poll reads due (round-robin, `pollSchedule`); a plan with no result after
 *   `planTimeoutMs` raises switchFault on subject `executor` (cleared by the next result). It is not
 *   replanned around: a plan from the believed state could conflict with the old one if it still runs.
 *
 * Reallocation:
 * - Emergency, in the same step, whatever the dwell and even while a plan is being applied: a supply
 *   became `failed` or `absent`; a switch fault (first one on that switch within the quarantine); a
 *   powered bus became overloaded (its supplies' usable capacity or its rating no
 *   longer covers its served loads); a failed/absent supply is found connected, or a supply is found
 *   on two buses (configured so at start, or reported so by a SwitchResult).
 * - Routine, rate-limited: a supply recovered or changed between ok and warning, a supply entered or
 *   left the predicted-at-risk set (with hysteresis `riskHysteresis`, and held at least `riskHoldMs`
 *   after each change), a load moved beyond its margin,
 *   a repeated switch fault. It is evaluated on the next Tick (so a burst of reports costs one
 *   allocation), once no plan is being applied, at least `minDwellMs` after the last plan, and one
 *   poll round after start-up (so beliefs come from readings, not the config).
 *   So wobbling loads or risks never make switches flap.
 * - A plan is issued (ApplyPlan) only when it changes something: switch steps, or the set of loads to
 *   shed (`plan.shed`, carried out by whoever executes the plan: shed before the switching, restore
 *   only after it is applied, since a restored server draws at once).
 * - Among plans exactly as good as the allocator's (levels 1-4), one whose switching keeps every live
 *   bus live is preferred to one that opens a relay or breaker under a bus that must carry on
 *   (`avoidDarkTransit`): such a gap outlasts the servers' hold-up, a FET's does not.
 * - A supply showing a fault the deglitch has not confirmed yet is planned as at risk and is never
 *   closed onto a bus by a new plan (it may be dead: moving load onto it would drop that load).
 * - Steps are the allocator's, except that opens of failed/absent supplies through quarantined switches
 *   go last (`deferStuckOpens`): the executor stops at the first fault, and one welded switch must not
 *   keep every other failed supply connected.
 * - Plans are computed from the expected switch state: the target of the plan being applied, else the
 *   believed state. Executor contract: plans run in planId order, each starting where the previous
 *   one ended; when a plan aborts, the executor drops the later plans it has queued (the controller
 *   replans from `actual`, and ignores results for the dropped ids except for their `actual`).
 * - A supply that is failed or absent in the current beliefs is never closed by an issued plan: the
 *   allocator never connects such a supply, and the states passed to it are updated in the same step.
 *   Limit: a plan already queued when a supply fails may still close it briefly; the emergency plan
 *   queued right behind opens it again (an executor may skip closing a supply it knows failed).
 * - Alarms: health alarms per supply (supplyFailed, supplyWarning, supplyAbsent, commFault, inputLoss),
 *   predictedFailure per supply, redundancyLost per bus and loadShed per load (from the latest
 *   allocation), switchFault per switch (`psu->bus`) or `executor`. Each is raised once when its
 *   condition starts and cleared once when it ends.
 * - Total: events naming unknown supplies or loads, and negative or non-finite ServerPower, are ignored.
 */
import * as E from 'fp-ts/lib/Either.js'
import { allocate } from '../allocate/allocate.js'
import { avoidDarkTransit } from './avoidDarkTransit.js'
import { deferStuckOpens } from './deferStuckOpens.js'
import type { Plan, SwitchStep } from '../model/plan.js'
import type { RackInput, Supply, SwitchRef } from '../model/rack.js'
import type { StatusRegisters } from '../telemetry/telemetry.js'
import type {
  Alarm,
  AlarmKind,
  ControllerCommand,
  ControllerEvent,
  PlanExecutionResult,
  SwitchFault,
} from './events.js'
import {
  assessHealth,
  initialSupplyHealth,
  type HealthObservation,
  type SupplyHealth,
} from './assessHealth.js'
import {
  resolveControllerConfig,
  type ControllerConfig,
  type ControllerConfigError,
  type ResolvedControllerConfig,
} from './controllerConfig.js'
import { alertReads, initialPollState, pollSchedule, type PollState } from './pollSchedule.js'
import {
  commonModeResidualC,
  initialPredictorState,
  predictFailure,
  type PredictorState,
} from './predictFailure.js'

/** Why a plan was issued: an emergency (at once) or routine (rate-limited by the dwell). */
export type PlanKind = 'emergency' | 'routine'

/** The plan(s) handed to the executor and not yet reported. */
export interface PlanInFlight {
  /** Latest plan issued. */
  readonly planId: number
  /** Oldest plan issued and not yet reported (plans run in id order). */
  readonly firstPlanId: number
  readonly kind: PlanKind
  readonly issuedAtMs: number
  /** Target switch matrix of the latest plan. */
  readonly target: readonly SwitchRef[]
  readonly steps: readonly SwitchStep[]
}

/** A supply's latest failure prediction and its latched at-risk flag. */
export interface SupplyRisk {
  readonly failureRisk: number
  readonly timeToFailureMs: number | undefined
  /**
   * Latched with hysteresis: set at risk >= preemptRisk, cleared below preemptRisk − riskHysteresis; each
   * change holds at least `riskHoldMs`.
   */
  readonly atRisk: boolean
}

/** A switch that faulted: not closed again until `untilMs`. */
export interface QuarantinedSwitch extends SwitchRef {
  readonly untilMs: number
}

/** A controller-level alarm currently raised (kind and subject). */
export interface ActiveAlarm {
  readonly kind: AlarmKind
  readonly subject: string
}

/** The controller's whole state: plain data, fixed size per supply, load and switch. */
export interface ControllerState {
  readonly config: ResolvedControllerConfig
  readonly startedAtMs: number | undefined
  readonly nowMs: number | undefined
  readonly health: Readonly<Record<string, SupplyHealth>>
  readonly predictors: Readonly<Record<string, PredictorState>>
  readonly risk: Readonly<Record<string, SupplyRisk>>
  /** Per supply: when its at-risk flag last changed (it then holds for `riskHoldMs`). */
  readonly riskChangedAtMs: Readonly<Record<string, number>>
  /** Latest reported power of each load. */
  readonly loadW: Readonly<Record<string, number>>
  /** Load power used by the last allocation (for the margin). */
  readonly plannedLoadW: Readonly<Record<string, number>>
  /** Believed switch states (hardware truth as last reported), aligned with `config.rack.switches`. */
  readonly believedClosed: readonly boolean[]
  readonly applying: PlanInFlight | undefined
  readonly nextPlanId: number
  readonly lastPlanMs: number | undefined
  readonly lastPlanKind: PlanKind | undefined
  readonly replanPending: boolean
  /** Loads shed by the last allocation. */
  readonly shed: readonly string[]
  /** Some powered bus was overloaded at the end of the last step. */
  readonly overloaded: boolean
  /**
   * At the end of the last step some supply was closed while failed/absent, or closed onto two buses,
   * in the expected switch state.
   */
  readonly unsafeClosed: boolean
  readonly quarantine: readonly QuarantinedSwitch[]
  /** Active controller-level alarms (predictedFailure, redundancyLost, loadShed, switchFault). */
  readonly alarms: readonly ActiveAlarm[]
  readonly poll: PollState
  /**
   * Per supply: a ClearFaults was sent and no read has been issued since. A snapshot arriving then
   * is not answered with another ClearFaults (a shell that reports each clear with the snapshot it
   * read would otherwise loop: snapshot, clear, snapshot, clear...).
   */
  readonly clearPending: Readonly<Record<string, boolean>>
  /**
   * Per supply: the set status bits (`statusBitsKey`) the last ClearFaults acted on, and when. The same
   * bits are not cleared again within `poll.clearFaultsRetryMs`: a persistent fault re-latches at once
   * (re-asserting SMBALERT#), so clearing it on every alert read would loop clear, alert, read, clear.
   * Forgotten when a complete snapshot shows no bit set, or the supply goes absent.
   */
  readonly lastClear: Readonly<Record<string, { readonly bits: string; readonly atMs: number }>>
}

/** What one `step` returns: the next state and the commands to perform, in order. */
export interface StepResult {
  readonly state: ControllerState
  readonly commands: readonly ControllerCommand[]
}

/** Validate `config` and build the starting state (every supply believed as configured, usually ok). */
export const initialControllerState = (
  config: ControllerConfig,
): E.Either<ControllerConfigError, ControllerState> =>
  E.map((resolved: ResolvedControllerConfig): ControllerState => {
    const { rack } = resolved
    const ids = rack.supplies.map((s) => s.id)
    return {
      config: resolved,
      startedAtMs: undefined,
      nowMs: undefined,
      health: Object.fromEntries(rack.supplies.map((s) => [s.id, initialSupplyHealth(s.id, s.state)])),
      predictors: Object.fromEntries(ids.map((id) => [id, initialPredictorState(id)])),
      risk: Object.fromEntries(
        ids.map((id) => [id, { failureRisk: 0, timeToFailureMs: undefined, atRisk: false }]),
      ),
      riskChangedAtMs: {},
      loadW: Object.fromEntries(rack.loads.map((l) => [l.id, l.powerW])),
      plannedLoadW: Object.fromEntries(rack.loads.map((l) => [l.id, l.powerW])),
      believedClosed: rack.switches.map((s) => s.closed),
      applying: undefined,
      nextPlanId: 1,
      lastPlanMs: undefined,
      lastPlanKind: undefined,
      replanPending: true,
      shed: [],
      overloaded: false,
      unsafeClosed: false,
      quarantine: [],
      alarms: [],
      poll: initialPollState(ids),
      clearPending: Object.fromEntries(ids.map((id) => [id, false])),
      lastClear: {},
    }
  })(resolveControllerConfig(config))

const switchName = (s: SwitchRef): string => `${s.supply}->${s.bus}`
const sameSwitch = (a: SwitchRef, b: SwitchRef): boolean => a.supply === b.supply && a.bus === b.bus
const unusable = (state: string | undefined): boolean => state === 'failed' || state === 'absent'

const eventTime = (e: ControllerEvent): number => (e._tag === 'Telemetry' ? e.sample.atMs : e.atMs)

const faultText = (f: SwitchFault): string => {
  switch (f._tag) {
    case 'TransportError':
      return `transport error: ${f.detail}`
    case 'ReadbackMismatch':
      return `readback ${f.actualClosed ? 'closed' : 'open'}, expected ${f.expectedClosed ? 'closed' : 'open'}`
    case 'FeedbackMismatch':
      return `feedback ${f.feedbackClosed ? 'closed' : 'open'}, expected ${f.expectedClosed ? 'closed' : 'open'}`
    case 'FeedbackTimeout':
      return `no feedback after ${f.waitedMs} ms`
    default:
      return `${f._tag}${'detail' in f ? `: ${String((f as { detail: unknown }).detail)}` : ''}`
  }
}

/** The switch states the executor is driving to (the applying plan's target), else the believed ones. */
export const expectedClosed = (s: ControllerState): readonly boolean[] =>
  s.applying === undefined
    ? s.believedClosed
    : s.config.rack.switches.map((sw) => s.applying!.target.some((t) => sameSwitch(t, sw)))

/**
 * A usable supply whose last poll showed a failure flag, POWER_GOOD#/OFF or an output-down input loss that
 * the deglitch has not confirmed yet. Plans made meanwhile count it as at risk (`warning`: it still
 * carries its load, but not the redundancy) and never close it onto a bus: if it is really dead, load
 * moved onto it is dropped (the simulator browned out both buses that way), and the fault will be
 * confirmed within `faultPolls` polls anyway.
 */
const faultUnconfirmed = (h: SupplyHealth | undefined): boolean =>
  h !== undefined && !unusable(h.state) && (h.faultStreak > 0 || h.powerStreak > 0 || h.inputStreak > 0)

/** Feeds on which some supply has failed from input loss: the feed itself is likely lost. */
const lostFeeds = (s: ControllerState): ReadonlySet<string> =>
  new Set(
    s.config.rack.supplies.flatMap((sp) => {
      const h = s.health[sp.id]
      return sp.feed !== undefined && h?.state === 'failed' && h.cause === 'inputLoss' ? [sp.feed] : []
    }),
  )

/**
 * A feed loss takes out every supply on it at once, but deglitching confirms them one at a time. Once a
 * supply on a feed has failed from input loss, another supply on that feed that has also shown input
 * loss is planned as failed before its own confirmation: moving it in as a replacement would hang a bus
 * on the dead feed (the simulator showed both buses going dark that way).
 */
const onLostFeed = (supply: Supply, h: SupplyHealth | undefined, lost: ReadonlySet<string>): boolean =>
  supply.feed !== undefined && lost.has(supply.feed) && h !== undefined && h.inputLossMemory > 0

/** The allocator's input for the current beliefs. */
export const allocationInput = (s: ControllerState): RackInput => {
  const { rack, policies } = s.config
  const expected = expectedClosed(s)
  const pre = rack.policy.preemptRisk
  const lost = lostFeeds(s)
  const supplies: Supply[] = rack.supplies.map((sp) => {
    const believed = s.health[sp.id]?.state ?? sp.state
    const state =
      believed !== 'absent' && onLostFeed(sp, s.health[sp.id], lost)
        ? 'failed'
        : believed === 'ok' && faultUnconfirmed(s.health[sp.id])
          ? 'warning'
          : believed
    const feed = sp.feed === undefined ? {} : { feed: sp.feed }
    if (!policies.prediction.enabled)
      return sp.failureRisk === undefined
        ? { id: sp.id, capacityW: sp.capacityW, state, ...feed }
        : { id: sp.id, capacityW: sp.capacityW, state, failureRisk: sp.failureRisk, ...feed }
    const r = s.risk[sp.id]
    const risk = r === undefined ? 0 : r.atRisk ? Math.max(r.failureRisk, pre) : r.failureRisk
    return { id: sp.id, capacityW: sp.capacityW, state, failureRisk: Math.min(1, Math.max(0, risk)), ...feed }
  })
  const switches = rack.switches.flatMap((sw, i) => {
    const closed = expected[i] ?? false
    const quarantined = s.quarantine.some((q) => sameSwitch(q, sw))
    const suspect = faultUnconfirmed(s.health[sw.supply])
    return (quarantined || suspect) && !closed ? [] : [{ ...sw, closed }]
  })
  return {
    supplies,
    buses: rack.buses,
    loads: rack.loads.map((l) => ({ ...l, powerW: s.loadW[l.id] ?? l.powerW })),
    switches,
    policy: rack.policy,
  }
}

/** Powered buses whose served loads exceed their usable capacity or rating, under current beliefs. */
export const overloadedBuses = (s: ControllerState): string[] => {
  const { rack } = s.config
  const expected = expectedClosed(s)
  const capacity = new Map<string, number>()
  rack.switches.forEach((sw, i) => {
    if (!(expected[i] ?? false) || unusable(s.health[sw.supply]?.state)) return
    const supply = rack.supplies.find((x) => x.id === sw.supply)
    capacity.set(sw.bus, (capacity.get(sw.bus) ?? 0) + (supply?.capacityW ?? 0) * rack.policy.derate)
  })
  const load = new Map<string, number>()
  for (const l of rack.loads) {
    if (s.shed.includes(l.id)) continue
    const up = l.buses.filter((b) => capacity.has(b))
    for (const b of up) load.set(b, (load.get(b) ?? 0) + (s.loadW[l.id] ?? l.powerW) / up.length)
  }
  return rack.buses
    .filter((b) => {
      const l = load.get(b.id) ?? 0
      const c = capacity.get(b.id)
      return c !== undefined && (l > c + 1e-6 || (b.maxW !== undefined && l > b.maxW + 1e-6))
    })
    .map((b) => b.id)
}

/**
 * Supplies closed while failed or absent, or closed onto more than one bus, in the expected switch
 * state (as configured at start, or as hardware reports it), sorted.
 */
export const unsafeClosedSupplies = (s: ControllerState): string[] => {
  const expected = expectedClosed(s)
  const closedCount = new Map<string, number>()
  s.config.rack.switches.forEach((sw, i) => {
    if (expected[i] ?? false) closedCount.set(sw.supply, (closedCount.get(sw.supply) ?? 0) + 1)
  })
  return [...closedCount]
    .filter(([id, n]) => n > 1 || unusable(s.health[id]?.state))
    .map(([id]) => id)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/** The double next to finite `x` towards +Infinity (up) or -Infinity (down). */
const adjacentDouble = (x: number, up: boolean): number => {
  if (x === 0) return up ? Number.MIN_VALUE : -Number.MIN_VALUE
  const bits = new DataView(new ArrayBuffer(8))
  bits.setFloat64(0, x)
  // Sign and magnitude: one more in the magnitude moves away from 0.
  bits.setBigInt64(0, bits.getBigInt64(0) + (x > 0 === up ? 1n : -1n))
  return bits.getFloat64(0)
}

/**
 * The least time `t` with `t - base >= gap` as the controller computes it (in floating point, where
 * `t - base` is non-decreasing in `t`): so `now >= leastTimeAfter(base, gap)` holds exactly when
 * `now - base >= gap` does, for every `now`.
 */
const leastTimeAfter = (base: number, gap: number): number => {
  if (Number.isNaN(base) || Number.isNaN(gap) || base === Number.POSITIVE_INFINITY) return Number.NaN
  if (base === Number.NEGATIVE_INFINITY)
    return gap === Number.POSITIVE_INFINITY ? Number.NaN : -Number.MAX_VALUE
  let t = base + gap
  // An overflowing sum may still have finite times that pass: search down from the largest double.
  if (t === Number.POSITIVE_INFINITY && Number.isFinite(base) && Number.isFinite(gap)) t = Number.MAX_VALUE
  if (!Number.isFinite(t)) return t
  if (t - base >= gap) {
    for (let down = adjacentDouble(t, false); down - base >= gap; down = adjacentDouble(t, false)) t = down
    return t
  }
  while (!(t - base >= gap) && Number.isFinite(t)) t = adjacentDouble(t, true)
  return t - base >= gap ? t : Number.NaN
}

/**
 * The earliest time at which `step`'s routine-plan gate lets a pending routine plan go: one poll round
 * after start-up (`startedAtMs`), and `minDwellMs` after the last plan. Exact: for a state whose clock
 * has started, a Tick at `now` passes the gate's time test exactly when `now >= routinePlanEarliestMs(state)`
 * (the gate itself is written with it). Before the first event (no start yet): +Infinity. NaN when no time
 * passes it (non-finite inputs).
 */
export const routinePlanEarliestMs = (state: ControllerState): number => {
  if (state.startedAtMs === undefined) return Number.POSITIVE_INFINITY
  const { poll, reallocation } = state.config.policies
  const afterStart = leastTimeAfter(state.startedAtMs, poll.roundIntervalMs)
  if (state.lastPlanMs === undefined) return afterStart
  const afterDwell = leastTimeAfter(state.lastPlanMs, reallocation.minDwellMs)
  return Math.max(afterStart, afterDwell)
}

/** A mutable scratch pad for one step; the state it produces is new and plain. */
interface Scratch {
  s: ControllerState
  readonly atMs: number
  readonly now: number
  emergency: string | undefined
  /** False after a repeat fault on a quarantined switch: its hazards wait for the dwell too. */
  hazardsMayInterrupt: boolean
  /** Some supply's health state changed in this step. */
  healthChanged: boolean
  readonly planCommands: ControllerCommand[]
  readonly ioCommands: ControllerCommand[]
  readonly alarmCommands: ControllerCommand[]
}

const raise = (x: Scratch, kind: AlarmKind, subject: string, detail: string): void => {
  if (x.s.alarms.some((a) => a.kind === kind && a.subject === subject)) return
  x.s = { ...x.s, alarms: [...x.s.alarms, { kind, subject }] }
  const alarm: Alarm = { kind, subject, atMs: x.atMs, detail }
  x.alarmCommands.push({ _tag: 'RaiseAlarm', alarm })
}

const clear = (x: Scratch, kind: AlarmKind, subject: string): void => {
  if (!x.s.alarms.some((a) => a.kind === kind && a.subject === subject)) return
  x.s = { ...x.s, alarms: x.s.alarms.filter((a) => !(a.kind === kind && a.subject === subject)) }
  x.alarmCommands.push({ _tag: 'ClearAlarm', kind, subject, atMs: x.atMs })
}

const flagRegisters = ['word', 'vout', 'iout', 'input', 'temperature', 'cml', 'fans12'] as const

/** The set bits of a status snapshot as a stable key (`word.off,input.vinUvFault,otherRaw=4`); '' when none. */
export const statusBitsKey = (status: StatusRegisters): string => {
  const bits: string[] = []
  for (const register of flagRegisters) {
    const flags = status[register] as Readonly<Record<string, boolean | undefined>> | undefined
    if (flags === undefined) continue
    for (const name of Object.keys(flags).sort()) if (flags[name] === true) bits.push(`${register}.${name}`)
  }
  if ((status.otherRaw ?? 0) !== 0) bits.push(`otherRaw=${status.otherRaw}`)
  if ((status.mfrRaw ?? 0) !== 0) bits.push(`mfrRaw=${status.mfrRaw}`)
  return bits.join(',')
}

const sendClearFaults = (x: Scratch, supply: string, status: StatusRegisters): void => {
  if (x.s.clearPending[supply] ?? false) return
  const bits = statusBitsKey(status)
  const last = Object.hasOwn(x.s.lastClear, supply) ? x.s.lastClear[supply] : undefined
  if (
    last !== undefined &&
    last.bits === bits &&
    x.atMs - last.atMs < x.s.config.policies.poll.clearFaultsRetryMs
  )
    return
  x.ioCommands.push({ _tag: 'ClearFaults', supply })
  x.s = {
    ...x.s,
    clearPending: { ...x.s.clearPending, [supply]: true },
    lastClear: { ...x.s.lastClear, [supply]: { bits, atMs: x.atMs } },
  }
}

const forgetLastClear = (x: Scratch, supply: string): void => {
  if (!Object.hasOwn(x.s.lastClear, supply)) return
  const { [supply]: _forgotten, ...rest } = x.s.lastClear
  x.s = { ...x.s, lastClear: rest }
}

const read = (x: Scratch, supply: string, mode: 'status' | 'full'): void => {
  x.ioCommands.push({ _tag: 'ReadSupply', supply, mode })
  if (x.s.clearPending[supply] === true)
    x.s = { ...x.s, clearPending: { ...x.s.clearPending, [supply]: false } }
}

const observe = (x: Scratch, supply: string, observation: HealthObservation): void => {
  // Own keys only: an event naming `constructor` or `__proto__` must not read Object.prototype.
  if (!Object.hasOwn(x.s.health, supply)) return // not a configured supply: nothing to do
  const prev = x.s.health[supply] as SupplyHealth
  const { deglitch, prediction } = x.s.config.policies
  const a = assessHealth(prev, observation, deglitch)
  x.s = { ...x.s, health: { ...x.s.health, [supply]: a.health } }
  for (const alarm of a.raised) x.alarmCommands.push({ _tag: 'RaiseAlarm', alarm })
  for (const kind of a.cleared)
    x.alarmCommands.push({ _tag: 'ClearAlarm', kind, subject: supply, atMs: x.atMs })
  if (a.needDetail) read(x, supply, 'full')
  if (observation._tag === 'Sample') {
    if (a.clearFaults) sendClearFaults(x, supply, observation.sample.status)
    else if (!a.needDetail && statusBitsKey(observation.sample.status) === '') forgetLastClear(x, supply)
  }
  if (a.health.state === 'absent') forgetLastClear(x, supply)

  const before = prev.state
  const after = a.health.state
  if (after !== before) x.healthChanged = true
  // Only a usable supply showing input loss can newly be on a lost feed: the scan is skipped otherwise.
  const config =
    !unusable(after) && a.health.inputLossMemory > 0
      ? x.s.config.rack.supplies.find((sp) => sp.id === supply)
      : undefined
  const lost = config?.feed === undefined ? new Set<string>() : lostFeeds(x.s)
  const nowOnLostFeed = config !== undefined && onLostFeed(config, a.health, lost)
  const wasOnLostFeed = config !== undefined && !unusable(before) && onLostFeed(config, prev, lost)
  if (unusable(after) && !unusable(before)) x.emergency ??= `${supply} ${after}`
  else if (nowOnLostFeed && !wasOnLostFeed) x.emergency ??= `${supply} input loss on a lost feed`
  else if (after !== before) x.s = { ...x.s, replanPending: true }

  if (!prediction.enabled) return
  if (unusable(after)) {
    // Out of service: nothing to predict. An absent supply's record restarts (the unit that comes
    // back is likely a replacement); a failed one keeps its history but is not "at risk".
    x.s = {
      ...x.s,
      predictors:
        after === 'absent' ? { ...x.s.predictors, [supply]: initialPredictorState(supply) } : x.s.predictors,
      risk: { ...x.s.risk, [supply]: { failureRisk: 0, timeToFailureMs: undefined, atRisk: false } },
    }
    clear(x, 'predictedFailure', supply)
    return
  }
  // A sustained silence is the comm-fault logic's business (commFault alarm, warning); the predictor's
  // commErrors signal measures intermittent errors, so reads failing beyond the comm-fault count are
  // not fed to it (a 30 s outage of a working supply's PMBus is not a predicted failure).
  if (observation._tag === 'ReadFailed' && a.health.failedReadStreak > deglitch.commFaultReads) return
  const predictor = x.s.predictors[supply] ?? initialPredictorState(supply)
  const peers = Object.values(x.s.predictors).filter(
    (q) => q.supply !== supply && !unusable(x.s.health[q.supply]?.state),
  )
  const p = predictFailure(predictor, observation, prediction, {
    commonModeC: commonModeResidualC(peers),
    inputLossRemembered: a.health.inputLossMemory > 0,
  })
  const pre = x.s.config.rack.policy.preemptRisk
  const { riskHysteresis, riskHoldMs } = x.s.config.policies.reallocation
  const wasAtRisk = x.s.risk[supply]?.atRisk ?? false
  const crossed = wasAtRisk
    ? p.prediction.failureRisk >= pre - riskHysteresis
    : p.prediction.failureRisk >= pre
  const changedAt = x.s.riskChangedAtMs[supply]
  const held = changedAt !== undefined && x.now - changedAt < riskHoldMs
  const atRisk = held ? wasAtRisk : crossed
  x.s = {
    ...x.s,
    predictors: { ...x.s.predictors, [supply]: p.state },
    risk: {
      ...x.s.risk,
      [supply]: {
        failureRisk: p.prediction.failureRisk,
        timeToFailureMs: p.prediction.timeToFailureMs,
        atRisk,
      },
    },
  }
  if (atRisk !== wasAtRisk) {
    x.s = { ...x.s, replanPending: true, riskChangedAtMs: { ...x.s.riskChangedAtMs, [supply]: x.now } }
    if (atRisk) {
      const ttf = p.prediction.timeToFailureMs
      raise(
        x,
        'predictedFailure',
        supply,
        `failure risk ${p.prediction.failureRisk.toFixed(2)} (mostly ${p.prediction.dominant ?? 'unknown'})` +
          (ttf === undefined ? '' : `, about ${Math.round(ttf / 1000)} s to failure`),
      )
    } else clear(x, 'predictedFailure', supply)
  }
}

const quarantineSwitch = (x: Scratch, sw: SwitchRef, detail: string): void => {
  const already = x.s.quarantine.some((q) => sameSwitch(q, sw))
  const untilMs = x.now + x.s.config.policies.reallocation.switchQuarantineMs
  x.s = {
    ...x.s,
    quarantine: [
      ...x.s.quarantine.filter((q) => !sameSwitch(q, sw)),
      { supply: sw.supply, bus: sw.bus, untilMs },
    ],
  }
  raise(x, 'switchFault', switchName(sw), detail)
  // A repeat fault on a quarantined switch waits for the dwell: no tight retry loop with the executor.
  if (already) {
    x.s = { ...x.s, replanPending: true }
    x.hazardsMayInterrupt = false
  } else x.emergency ??= `switch fault ${switchName(sw)}`
}

const onSwitchResult = (x: Scratch, result: PlanExecutionResult): void => {
  const { rack } = x.s.config
  const believedClosed = rack.switches.map((sw, i) => {
    const a = result.actual.find((r) => sameSwitch(r, sw))
    return a === undefined ? (x.s.believedClosed[i] ?? false) : a.closed
  })
  x.s = { ...x.s, believedClosed }
  clear(x, 'switchFault', 'executor')
  const applying = x.s.applying
  if (applying === undefined || result.planId < applying.firstPlanId || result.planId > applying.planId)
    return

  if (result._tag === 'Aborted') {
    x.s = { ...x.s, applying: undefined } // later queued plans are dropped by the executor
    const restored = result.restored ? 'restored' : 'NOT restored: check the hardware'
    const detail = `plan ${result.planId} step ${result.failedStep} (${result.step.op} ${switchName(result.step)}): ${faultText(result.fault)}; ${restored}`
    if (rack.switches.some((sw) => sameSwitch(sw, result.step))) quarantineSwitch(x, result.step, detail)
    else {
      // Not a switch of this rack: blame the executor (keeps alarms and quarantine to known subjects).
      raise(x, 'switchFault', 'executor', detail)
      x.emergency ??= 'plan aborted'
    }
    return
  }
  if (result.planId < applying.planId) {
    x.s = { ...x.s, applying: { ...applying, firstPlanId: result.planId + 1 } }
    return
  }
  x.s = { ...x.s, applying: undefined }
  // Applied: the switches the plan touched must read back as planned.
  for (const st of applying.steps) {
    const a = result.actual.find((r) => sameSwitch(r, st))
    const want = applying.target.some((t) => sameSwitch(t, st))
    if (a !== undefined && a.closed !== want) {
      quarantineSwitch(
        x,
        st,
        `plan ${result.planId} applied but ${switchName(st)} reads ${a.closed ? 'closed' : 'open'}`,
      )
    } else clear(x, 'switchFault', switchName(st))
  }
}

/**
 * The allocator's plan for an input (with `avoidDarkTransit`), from a small cache of recent inputs. A
 * function of its input alone, so the cache changes no result; it saves work because a rack's inputs recur
 * (the load profile repeats daily: in a simulated year more than half of the allocations repeated one of
 * the last few). Keyed by the input's JSON, which costs a few percent of an allocation.
 */
const recentPlans = new Map<string, Plan>()
const recentPlansMax = 16
const planFor = (input: RackInput): Plan => {
  const key = JSON.stringify(input)
  const cached = recentPlans.get(key)
  if (cached !== undefined) {
    recentPlans.delete(key) // most recent last
    recentPlans.set(key, cached)
    return cached
  }
  const fresh = avoidDarkTransit(input, allocate(input), allocate)
  recentPlans.set(key, fresh)
  if (recentPlans.size > recentPlansMax) recentPlans.delete(recentPlans.keys().next().value!)
  return fresh
}

const plan = (x: Scratch, kind: PlanKind): void => {
  const s = x.s
  const input = allocationInput(s)
  const allocated: Plan = planFor(input)
  // A quarantined switch still believed closed is likely welded: its open goes last (see deferStuckOpens).
  const steps = deferStuckOpens(
    allocated.steps,
    (sw) => s.quarantine.some((q) => sameSwitch(q, sw)),
    (id) => unusable(input.supplies.find((sp) => sp.id === id)?.state),
  )
  const result: Plan = steps === allocated.steps ? allocated : { ...allocated, steps }
  const { rack } = s.config
  const shedChanged = result.shed.length !== s.shed.length || result.shed.some((l) => !s.shed.includes(l))
  x.s = { ...x.s, replanPending: false, plannedLoadW: { ...s.loadW }, shed: [...result.shed] }
  for (const l of rack.loads) {
    if (result.shed.includes(l.id))
      raise(x, 'loadShed', l.id, `shed (priority ${l.priority}, ${s.loadW[l.id] ?? l.powerW} W)`)
    else clear(x, 'loadShed', l.id)
  }
  for (const b of result.buses) {
    const wired = rack.loads.some((l) => l.buses.includes(b.id) && !result.shed.includes(l.id))
    if (wired && !b.nPlusK)
      raise(
        x,
        'redundancyLost',
        b.id,
        `N+${rack.policy.supplyRedundancy} not met: load ${b.loadW} W, redundant capacity ${b.redundantW} W`,
      )
    else clear(x, 'redundancyLost', b.id)
  }
  if (result.steps.length === 0 && !shedChanged) return
  const planId = s.nextPlanId
  x.planCommands.push({ _tag: 'ApplyPlan', planId, steps: result.steps, plan: result })
  x.s = {
    ...x.s,
    nextPlanId: planId + 1,
    lastPlanMs: x.now,
    lastPlanKind: kind,
    applying: {
      planId,
      firstPlanId: s.applying?.firstPlanId ?? planId,
      kind,
      issuedAtMs: x.now,
      target: result.closed,
      steps: result.steps,
    },
  }
}

/**
 * Advance the controller by one event. Total: unknown supplies or loads are ignored.
 *
 * Example (packages/core/examples/step.ts, run by a test): a poll tick and three over-temperature
 * readings of psu1 in; reads, CLEAR_FAULTS, one plan replacing psu1 by the spare, and an alarm out.
 *
 * {@includeCode ../../examples/step.ts}
 */
export const step = (state: ControllerState, event: ControllerEvent): StepResult => {
  const atMs = eventTime(event)
  const now = Math.max(state.nowMs ?? atMs, atMs)
  const x: Scratch = {
    s: {
      ...state,
      nowMs: now,
      startedAtMs: state.startedAtMs ?? atMs,
      quarantine: state.quarantine.filter((q) => q.untilMs > now),
    },
    atMs,
    now,
    emergency: undefined,
    hazardsMayInterrupt: true,
    healthChanged: false,
    planCommands: [],
    ioCommands: [],
    alarmCommands: [],
  }
  const { policies } = x.s.config

  switch (event._tag) {
    case 'Telemetry':
      // A ClearFaults report repeats the snapshot already acted on: not a poll (no double count).
      if (event.afterClearFaults === true) break
      observe(x, event.sample.supply, { _tag: 'Sample', sample: event.sample })
      break
    case 'ReadFailed':
      observe(x, event.supply, { _tag: 'ReadFailed', atMs: event.atMs, error: event.error })
      break
    case 'Alert':
      for (const r of alertReads(x.s.poll, event.supply)) read(x, r.supply, r.mode)
      break
    case 'ServerPower': {
      const planned = Object.hasOwn(x.s.plannedLoadW, event.load) ? x.s.plannedLoadW[event.load] : undefined
      if (planned === undefined || !Number.isFinite(event.powerW) || event.powerW < 0) break
      x.s = { ...x.s, loadW: { ...x.s.loadW, [event.load]: event.powerW } }
      const margin = Math.max(
        policies.reallocation.loadMarginW,
        policies.reallocation.loadMarginFraction * planned,
      )
      if (Math.abs(event.powerW - planned) > margin) x.s = { ...x.s, replanPending: true }
      break
    }
    case 'SwitchResult':
      onSwitchResult(x, event.result)
      break
    case 'Tick': {
      const health = x.s.health
      const polled = pollSchedule(x.s.poll, atMs, (id) => health[id]?.state === 'absent', policies.poll)
      x.s = { ...x.s, poll: polled.state }
      for (const r of polled.reads) read(x, r.supply, r.mode)
      // A silent executor is alarmed, not worked around: a new plan computed from the believed state
      // could conflict with the old one if it still runs, so the controller keeps waiting for a result.
      const a = x.s.applying
      if (a !== undefined && now - a.issuedAtMs > policies.reallocation.planTimeoutMs) {
        raise(x, 'switchFault', 'executor', `no result for plan ${a.planId} after ${now - a.issuedAtMs} ms`)
      }
      break
    }
  }

  // Hazards start an emergency when they appear (not on every step while they last, so a stuck
  // switch cannot make the controller re-issue plans in a loop).
  // Hazards can only appear when health, loads or switch states change (or on the very first event).
  const hazardsMayChange =
    x.healthChanged ||
    event._tag === 'ServerPower' ||
    event._tag === 'SwitchResult' ||
    state.startedAtMs === undefined
  if (hazardsMayChange) {
    const overloaded = overloadedBuses(x.s).length > 0
    const unsafeClosed = unsafeClosedSupplies(x.s).length > 0
    if (x.hazardsMayInterrupt) {
      if (overloaded && !x.s.overloaded) x.emergency ??= 'bus overloaded'
      if (unsafeClosed && !x.s.unsafeClosed)
        x.emergency ??= 'failed/absent supply connected, or a supply on two buses'
    } else if ((overloaded && !x.s.overloaded) || (unsafeClosed && !x.s.unsafeClosed)) {
      x.s = { ...x.s, replanPending: true }
    }
    x.s = { ...x.s, overloaded, unsafeClosed }
  }

  let planned = false
  if (x.emergency !== undefined) {
    plan(x, 'emergency')
    planned = true
  } else if (
    event._tag === 'Tick' &&
    x.s.replanPending &&
    x.s.applying === undefined &&
    now >= routinePlanEarliestMs(x.s)
  ) {
    plan(x, 'routine')
    planned = true
  }
  // After a plan the expected state is its target: an overload it removes is over.
  if (planned) {
    x.s = {
      ...x.s,
      overloaded: overloadedBuses(x.s).length > 0,
      unsafeClosed: unsafeClosedSupplies(x.s).length > 0,
    }
  }

  return { state: x.s, commands: [...x.planCommands, ...x.ioCommands, ...x.alarmCommands] }
}
