/**
 * Deterministic. The closed loop: core's controller `step` driven over the virtual hardware exactly
 * as firmware would wire it (PMBus supplies behind a PCA9548 on one I2C segment, SMBALERT#, switch
 * expanders on the same segment), with the I2C bus time of every transaction charged to the clock.
 *
 * Skipping quiet stretches, without changing any outcome:
 * Between two physical events the virtual hardware does not change: every register a poll could read,
 * every pin, every server's power is constant (telemetry is piecewise constant by construction:
 * profiles and degradation advance only at physical events). Each poll there feeds the controller the
 * observation it got last time. Once that holds for every supply (polled since its registers last
 * changed, physically or by a transaction: a CLEAR_FAULTS that re-latches the same bits changes
 * nothing), the last activation was quiet (no plan, no alarm change, no server power report), no plan
 * is in flight, no SMBALERT# is pending and no ClearFaults report waits, we skip poll visits up to the
 * next physical event (or to the end of a replan's dwell, `routinePlanEarliestMs`, where the
 * controller would act on its next tick): `fastForwardQuiet` puts the controller where those visits
 * would have left it (poll schedule, health streaks, predictors in closed form), and stops short of
 * the first visit that must be real (an at-risk flip, a deglitch count, a CLEAR_FAULTS retry not seen
 * yet), mid-round when the schedule provably visits one supply a tick. A persistent fault's CLEAR_FAULTS
 * retry (once a minute: poll, clear, re-latch, with SMBALERT# the alert and its status read) is taken
 * inside the skip once the loop saw one of the same bits for real since any supply's conditions last
 * changed (a load step, which changes readings only, keeps it). Ticks within a visit's bus time before a
 * physical event are real (their reads may straddle it), and no skip goes past the end. The last skipped
 * visit's supply is then read again with no bus time, so the mux selection is what those polls leave.
 * So alarms and their times, plans, switch operations and every latency are those of the run without
 * skipping, and so is the controller's state at every real tick (test/loop/skipQuiet.test.ts
 * compares both). Skipping applies while every supply is present (one visit each per round); the
 * controller's only other time-driven act, a plan's timeout, cannot happen with no plan in flight.
 */
import { routinePlanEarliestMs, statusBitsKey } from '@busbar/core'
import type {
  ControllerCommand,
  ControllerEvent,
  ControllerState,
  HealthObservation,
  StatusRegisters,
} from '@busbar/core'
import type { RackWorld } from '../rack/createRackWorld.js'
import type { ControllerRecord } from '../policy/worldResult.js'
import type { PredictionAlarm } from '../policy/predictionOutcome.js'
import { createSimHardware } from './createSimHardware.js'
import { createControllerPort } from './createControllerPort.js'
import { fastForwardQuiet } from './fastForwardQuiet.js'
import type { RetryCycle } from './fastForwardQuiet.js'

/**
 * How the closed loop runs: predictive or reactive controller, SMBALERT# or polling only, quiet-stretch
 * skipping.
 */
export interface ClosedLoopOptions {
  readonly predictive: boolean
  readonly alerts: 'polling' | 'interrupt'
  readonly skipQuiet: boolean
  /** Identical observations in a row of every supply needed before a skip (default 1). */
  readonly settleObservations?: number
  /**
   * Called after each activation (one control cycle) with the wall-clock time spent inside `step` and
   * the simulated I2C bus time of that cycle. Bench only: results never depend on it.
   */
  readonly onStepTiming?: (softwareMs: number, busMs: number) => void
}

/** The flags set in a status snapshot, whichever detail registers it happened to include. */
const setFlags = (status: StatusRegisters): string => {
  const out: string[] = []
  for (const [register, flags] of Object.entries(status)) {
    if (typeof flags === 'number') {
      if (flags !== 0) out.push(`${register}=${flags}`)
    } else if (flags !== undefined)
      for (const [flag, on] of Object.entries(flags as Record<string, boolean>))
        if (on) out.push(`${register}.${flag}`)
  }
  return out.sort().join(',')
}

/**
 * Servers report their power (claim 16) when it changed by at least this much since their last
 * report, as BMCs do; smaller changes are below the controller's own load margin (50 W) anyway.
 */
export const powerReportDeadbandW = 50

/** Bound on events handled in one activation: a controller that never settles is a bug, not a hang. */
const maxEventsPerActivation = 10_000

/**
 * Drives core's `step` over the world's virtual hardware until the scenario ends; resolves to what the
 * controller did.
 */
export const runClosedLoop = (world: RackWorld, options: ClosedLoopOptions): Promise<ControllerRecord> =>
  runClosedLoopProbed(world, options, undefined)

/** For tests (not exported by the package): sees the controller's state before every real tick. */
export interface LoopProbe {
  readonly beforeTick: (atMs: number, state: ControllerState) => void
  /** The controller's state when the run is over. */
  readonly atEnd: (state: ControllerState) => void
}

/** `runClosedLoop`, with a probe (test/loop/skipQuiet.test.ts compares runs with and without skipping). */
export const runClosedLoopProbed = async (
  world: RackWorld,
  options: ClosedLoopOptions,
  probe: LoopProbe | undefined,
): Promise<ControllerRecord> => {
  const scenario = world.scenario
  const pollMs = scenario.control.pollIntervalMs
  const endMs = scenario.durationMs
  // Observations in a row that must agree before a skip (1: the latest alone, which is enough when
  // nothing physical changed and no CLEAR_FAULTS went out since; deglitch windows still counting are
  // fastForwardQuiet's business).
  const settleObservations = options.settleObservations ?? 1
  const hw = createSimHardware(world, { alerts: options.alerts })
  const timing = options.onStepTiming
  const controller = createControllerPort(scenario, { predictive: options.predictive })
  const predictionAlarms: PredictionAlarm[] = []
  let cycles = 0
  // Servers the controller has asked to stay off (applied to the world around each plan).
  let shedNow: ReadonlySet<string> = new Set<string>()
  let lastTickQuiet = false
  // Per supply, from its polls (full reads; alert and clear reads are not what a poll returns): the
  // latest observation (what a skipped poll would return again) and, when more than one must agree,
  // the signature (status and readings) of the latest and how many polls in a row had it.
  const signature = new Map<string, string>()
  const streak = new Map<string, number>(scenario.supplies.map((s) => [s.id, 0]))
  const latest = new Map<string, HealthObservation>()
  const observe = (supply: string, observation: HealthObservation): void => {
    unseen.delete(supply)
    latest.set(supply, observation)
    if (settleObservations <= 1) return
    const sig =
      observation._tag === 'ReadFailed'
        ? `readFailed:${observation.error._tag}`
        : `${setFlags(observation.sample.status)}|${JSON.stringify(observation.sample.readings)}`
    streak.set(supply, signature.get(supply) === sig ? Math.min(1_000_000, (streak.get(supply) ?? 0) + 1) : 1)
    signature.set(supply, sig)
  }
  // Supplies whose registers changed (physically, or by a transaction: a CLEAR_FAULTS that did not
  // re-latch the same bits) since the controller last polled them: their next poll may return
  // something else than their latest observation.
  const unseen = new Set<string>(scenario.supplies.map((s) => s.id))
  const settled = (): boolean =>
    unseen.size === 0 &&
    (settleObservations <= 1 || [...streak.values()].every((n) => n >= settleObservations))
  const reportedPower = new Map<string, number>()
  // CLEAR_FAULTS retries seen for real (see below), per supply.
  const retryCycles = new Map<string, RetryCycle>()
  const deferred: ControllerEvent[] = []
  hw.onSupplyChanged((supply, beyondReadings) => {
    unseen.add(supply)
    // A retry repeats what was seen only while the conditions are the same: they re-latch the same bits (a
    // latched bit of an ended condition would drop), the same devices answer the alert. Readings alone
    // (a load step) change neither, nor which transactions a poll or an alert takes.
    if (beyondReadings) retryCycles.clear()
  })
  // Events that answer a poll (a full read), as opposed to alert reads and ClearFaults reports.
  const polls = new WeakSet<ControllerEvent>()

  // CLEAR_FAULTS retries seen for real, per supply: the skip takes further ones of the same bits (see
  // RetryCycle). One is recognised from the activations' traces: a tick whose only work is a poll of one
  // supply and its clear, then (with SMBALERT#) an alert naming that supply and its status read.
  let retryInFlight: { supply: string; visitMs: number; bits: string } | undefined
  interface Handled {
    readonly event: ControllerEvent
    readonly commands: readonly ControllerCommand[]
  }
  let trace: Handled[] = []

  /** Feed events to `step`, perform its commands, feed their results back, until nothing is left. */
  /** Quiet: the controller issued nothing but reads (no plan, no alarm change). */
  const activate = async (initial: readonly ControllerEvent[]): Promise<{ quiet: boolean }> => {
    const queue: ControllerEvent[] = [...deferred.splice(0), ...initial]
    trace = []
    let quiet = true
    let softwareMs = 0
    const busBefore = hw.busTimeMs()
    let handled = 0
    while (queue.length > 0) {
      if (++handled > maxEventsPerActivation)
        throw new Error(
          `controller did not settle within ${maxEventsPerActivation} events at ${world.now()} ms`,
        )
      const event = queue.shift()!
      if (polls.has(event)) {
        if (event._tag === 'Telemetry') observe(event.sample.supply, { _tag: 'Sample', sample: event.sample })
        if (event._tag === 'ReadFailed')
          observe(event.supply, { _tag: 'ReadFailed', atMs: event.atMs, error: event.error })
      }
      const t0 = timing === undefined ? 0 : performance.now()
      const commands: readonly ControllerCommand[] = controller.handle(event)
      if (timing !== undefined) softwareMs += performance.now() - t0
      if (options.skipQuiet) trace.push({ event, commands })
      for (const command of commands) {
        switch (command._tag) {
          case 'ReadSupply': {
            const events = await hw.pmbus(command)
            if (command.mode === 'full') for (const e of events) polls.add(e)
            queue.push(...events)
            break
          }
          case 'ClearFaults':
            // The controller clears the same latched bits again only after poll.clearFaultsRetryMs, so
            // a persistent fault (re-latching, re-asserting SMBALERT#) costs one clear a minute. Its report
            // is marked afterClearFaults (not a poll) and handled in the next activation. A clear that
            // changes the registers (bits of an ended condition) marks the supply unseen (onSupplyChanged).
            deferred.push(...(await hw.pmbus(command)))
            break
          case 'ApplyPlan': {
            quiet = false
            // Shed before switching, restore only once the plan is applied: a restored server starts
            // drawing at once, before the switches that add capacity for it have closed (it darkened
            // buses that way). An aborted plan keeps both sets shed until the next plan.
            const target = new Set(command.plan.shed)
            const during = new Set([...shedNow, ...target])
            world.setShed(during)
            const result = await hw.applyPlan(command.planId, command.steps)
            shedNow = result._tag === 'Applied' ? target : during
            if (result._tag === 'Applied') world.setShed(target)
            queue.push({ _tag: 'SwitchResult', atMs: world.now(), result })
            break
          }
          case 'RaiseAlarm':
            quiet = false
            // A "prediction" about a supply that is already dead is not one.
            if (command.alarm.kind === 'predictedFailure' && !world.supplyFailed(command.alarm.subject))
              predictionAlarms.push({ supply: command.alarm.subject, atMs: command.alarm.atMs })
            break
          case 'ClearAlarm':
            quiet = false
            break
        }
      }
    }
    timing?.(softwareMs, hw.busTimeMs() - busBefore)
    return { quiet }
  }

  const serverPowerEvents = (): ControllerEvent[] => {
    const out: ControllerEvent[] = []
    for (const [load, powerW] of world.serverPowerW()) {
      const last = reportedPower.get(load)
      // A server's BMC reports on change beyond the deadband.
      if (last !== undefined && Math.abs(powerW - last) < powerReportDeadbandW) continue
      reportedPower.set(load, powerW)
      out.push({ _tag: 'ServerPower', atMs: world.now(), load, powerW })
    }
    return out
  }

  /** The tick was one poll visit answered by a CLEAR_FAULTS: the supply, its sample time and bits. */
  const retryVisit = (tickMs: number): typeof retryInFlight => {
    // Reports of earlier clears (handled with the next activation) come first and do nothing.
    let first = 0
    while (trace[first]?.event._tag === 'Telemetry' && trace[first]!.commands.length === 0) {
      const e = trace[first]!.event
      if (e._tag !== 'Telemetry' || e.afterClearFaults !== true) break
      first++
    }
    const [tickEvent, poll, more] = trace.slice(first)
    if (more !== undefined || tickEvent?.event._tag !== 'Tick' || poll?.event._tag !== 'Telemetry') return
    const { sample } = poll.event
    const [read] = tickEvent.commands
    const [clear] = poll.commands
    if (
      tickEvent.commands.length !== 1 ||
      read?._tag !== 'ReadSupply' ||
      read.mode !== 'full' ||
      read.supply !== sample.supply ||
      poll.commands.length !== 1 ||
      clear?._tag !== 'ClearFaults' ||
      clear.supply !== sample.supply ||
      sample.atMs !== tickMs
    )
      return
    return { supply: sample.supply, visitMs: sample.atMs, bits: statusBitsKey(sample.status) }
  }

  /** The alert that followed a retry visit: its ClearFaults report, then the supply named and read. */
  const retryAlertDelayMs = (retry: NonNullable<typeof retryInFlight>): number | undefined => {
    const [report, named, read, more] = trace
    if (
      more !== undefined ||
      report?.event._tag !== 'Telemetry' ||
      report.event.afterClearFaults !== true ||
      report.event.sample.supply !== retry.supply ||
      report.commands.length !== 0 ||
      named?.event._tag !== 'Alert' ||
      named.event.supply !== retry.supply ||
      named.commands.length !== 1 ||
      read?.event._tag !== 'Telemetry' ||
      read.event.sample.supply !== retry.supply ||
      read.event.afterClearFaults === true ||
      read.commands.length !== 0 ||
      statusBitsKey(read.event.sample.status) !== retry.bits
    )
      return undefined
    const [command] = named.commands
    if (command?._tag !== 'ReadSupply' || command.mode !== 'status' || command.supply !== retry.supply)
      return undefined
    return read.event.sample.atMs - retry.visitMs
  }

  const tick = async (): Promise<void> => {
    cycles++
    const power = serverPowerEvents()
    const atMs = world.now()
    probe?.beforeTick(atMs, controller.state())
    const { quiet } = await activate([...power, { _tag: 'Tick', atMs }])
    lastTickQuiet = quiet && power.length === 0
    retryInFlight = options.skipQuiet && lastTickQuiet ? retryVisit(atMs) : undefined
    // No SMBALERT# (polling only, or bits that do not assert it): the retry is the visit and its clear
    // (which re-latched the same bits).
    if (retryInFlight !== undefined && !hw.alertPending()) {
      if (!unseen.has(retryInFlight.supply))
        retryCycles.set(retryInFlight.supply, { bits: retryInFlight.bits, alertReadDelayMs: undefined })
      retryInFlight = undefined
    }
  }

  const alert = async (): Promise<void> => {
    cycles++
    const events = await hw.alertEvents()
    const power = serverPowerEvents()
    const { quiet } = await activate([...power, ...events])
    lastTickQuiet = lastTickQuiet && quiet && power.length === 0
    // With SMBALERT#, the retry is the visit, its clear, and the alert handling that follows.
    const retry = retryInFlight
    retryInFlight = undefined
    if (retry === undefined || !lastTickQuiet || unseen.has(retry.supply)) return
    const alertReadDelayMs = retryAlertDelayMs(retry)
    if (alertReadDelayMs !== undefined) retryCycles.set(retry.supply, { bits: retry.bits, alertReadDelayMs })
  }

  // Ticks on a fixed grid: one supply visit per tick, so a round of every supply takes pollIntervalMs.
  const ticksPerRound = Math.max(1, scenario.supplies.length)
  const tickMs = pollMs / ticksPerRound
  // Bus time of one visit, generously (a full read with PEC, a mux select and an identify).
  const visitSpanMs = Math.min(tickMs, 5000 / scenario.control.i2cKHz)
  let slot = 0
  for (;;) {
    // An SMBALERT# raised during the last tick is answered now, in place of the world loop's first check
    // below (unless the run is over), so a skip can follow it.
    const alertChecked = slot * tickMs <= endMs
    if (alertChecked && hw.alertPending()) await alert()
    // The controller may also act on time alone: a plan in flight could time out (never skip then),
    // and a routine replan waits out its dwell after the last plan (skip no further than its end).
    const cs = controller.state()
    if (
      options.skipQuiet &&
      lastTickQuiet &&
      cs.applying === undefined &&
      !hw.alertPending() &&
      deferred.length === 0 &&
      settled()
    ) {
      // A visit's reads take bus time (about 10 ms at 100 kHz): one that starts shortly before a physical
      // event may read part of its registers after it, so the ticks that close to it are real too.
      // (No further than the end: the controller stops with the run.)
      const nextPhysical = Math.min((world.nextEventTime() ?? endMs + tickMs) - visitSpanMs, endMs + tickMs)
      // A pending routine replan goes out on the first Tick its gate lets through (core's own bound).
      const dwellEnd = cs.replanPending ? routinePlanEarliestMs(cs) : Number.POSITIVE_INFINITY
      // Ticks that all come before the target: the first tick at or after it is real.
      const targetSlot = Math.ceil(Math.min(nextPhysical, dwellEnd) / tickMs)
      if (targetSlot > slot) {
        const skipped = fastForwardQuiet(cs, latest, targetSlot - slot, slot * tickMs, retryCycles)
        if (skipped.visits > 0) {
          controller.replace(skipped.state)
          // Each supply's latest observation moves on by its own visits.
          for (const [id, visits] of skipped.visitsBySupply) {
            const o = latest.get(id)
            if (o === undefined) continue
            const atMs = (o._tag === 'ReadFailed' ? o.atMs : o.sample.atMs) + visits * pollMs
            latest.set(id, o._tag === 'ReadFailed' ? { ...o, atMs } : { ...o, sample: { ...o.sample, atMs } })
          }
          slot += skipped.visits
          // The mux (and the adapters' caches) as the last skipped visit would have left them.
          await hw.replayVisit(skipped.lastVisited!)
        }
      }
      lastTickQuiet = false
    }
    const nextTick = slot * tickMs
    if (nextTick > endMs) break
    // Step the world event by event up to the tick, answering SMBALERT# as soon as it asserts.
    for (let first = true; ; first = false) {
      if (!(first && alertChecked) && hw.alertPending()) await alert()
      const t = world.nextEventTime()
      if (t === undefined || t > nextTick) break
      world.advanceTo(t)
    }
    if (world.now() < nextTick) world.advanceTo(nextTick)
    await tick()
    // A tick the controller overran (bus busy) is dropped, as a periodic task would drop it.
    slot = Math.max(slot + 1, Math.floor(world.now() / tickMs) + 1)
  }
  world.finish(endMs)
  probe?.atEnd(controller.state())
  return {
    predictionAlarms,
    controllerCycles: cycles,
    i2cBusMs: hw.busTimeMs(),
    alertMode: options.alerts,
  }
}
