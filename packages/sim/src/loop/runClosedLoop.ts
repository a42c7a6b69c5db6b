/**
 * Deterministic. The closed loop: core's controller `step` driven over the virtual hardware exactly
 * as firmware would wire it (PMBus supplies behind a PCA9548 on one I2C segment, SMBALERT#, switch
 * expanders on the same segment), with the I2C bus time of every transaction charged to the clock.
 *
 * Skipping quiet stretches, without changing any outcome:
 * Between two physical events the virtual hardware does not change: every register a poll could read,
 * every pin, every server's power is constant (telemetry is piecewise constant by construction:
 * profiles and degradation advance only at physical events). Each poll there feeds the controller the
 * observation it got last time. Once that holds for every supply (its registers read in full since
 * they last changed or were cleared by CLEAR_FAULTS, so a poll returns its latest observation again),
 * the last tick was quiet (no plan, no alarm change, no server power report), no plan is in flight
 * and no SMBALERT# is pending, we skip whole poll rounds up to the next physical event (or to the end
 * of a replan's dwell, where the controller would act on its next tick): `fastForwardQuiet` puts the
 * controller where those rounds would have left it (poll schedule, health streaks, predictors in
 * closed form), and stops short of the first observation that would flip a supply's at-risk flag,
 * which is then taken for real. So alarms and their times, plans, switch operations and every
 * latency are those of the run without skipping (test/loop/skipQuiet.test.ts compares both). Skipping
 * applies while every supply is present (one visit each per round); the controller's only other
 * time-driven act, a plan's timeout, cannot happen with no plan in flight.
 */
import { routinePlanEarliestMs } from '@busbar/core'
import type { ControllerCommand, ControllerEvent, HealthObservation, StatusRegisters } from '@busbar/core'
import type { RackWorld } from '../rack/createRackWorld.js'
import type { ControllerRecord } from '../policy/worldResult.js'
import type { PredictionAlarm } from '../policy/predictionOutcome.js'
import { createSimHardware } from './createSimHardware.js'
import { createControllerPort } from './createControllerPort.js'
import { fastForwardQuiet } from './fastForwardQuiet.js'

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
export const runClosedLoop = async (
  world: RackWorld,
  options: ClosedLoopOptions,
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
  let lastTickQuiet = false
  // Per supply: the signature (status and readings) of its last observation, how many observations in
  // a row had it, and the observation itself (what a skipped poll would return again).
  const signature = new Map<string, string>()
  const streak = new Map<string, number>(scenario.supplies.map((s) => [s.id, 0]))
  const latest = new Map<string, HealthObservation>()
  const observe = (supply: string, sig: string, observation: HealthObservation): void => {
    streak.set(supply, signature.get(supply) === sig ? Math.min(1_000_000, (streak.get(supply) ?? 0) + 1) : 1)
    signature.set(supply, sig)
    latest.set(supply, observation)
  }
  // Supplies whose registers changed (physically, or by a CLEAR_FAULTS) since the controller last read
  // them in full: their next poll may return something else than their latest observation.
  const unseen = new Set<string>(scenario.supplies.map((s) => s.id))
  const settled = (): boolean =>
    unseen.size === 0 && [...streak.values()].every((n) => n >= settleObservations)
  const reportedPower = new Map<string, number>()
  const deferred: ControllerEvent[] = []
  hw.onSupplyChanged((supply) => unseen.add(supply))

  /** Feed events to `step`, perform its commands, feed their results back, until nothing is left. */
  /** Quiet: the controller issued nothing but reads (no plan, no alarm change). */
  const activate = async (initial: readonly ControllerEvent[]): Promise<{ quiet: boolean }> => {
    const queue: ControllerEvent[] = [...deferred.splice(0), ...initial]
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
      // A ClearFaults report repeats the snapshot already acted on: the controller does not count it.
      if (event._tag === 'Telemetry' && event.afterClearFaults !== true) {
        if (event.sample.readings.poutW !== undefined) unseen.delete(event.sample.supply)
        observe(
          event.sample.supply,
          `${setFlags(event.sample.status)}|${JSON.stringify(event.sample.readings)}`,
          { _tag: 'Sample', sample: event.sample },
        )
      }
      if (event._tag === 'ReadFailed') {
        unseen.delete(event.supply)
        observe(event.supply, `readFailed:${event.error._tag}`, {
          _tag: 'ReadFailed',
          atMs: event.atMs,
          error: event.error,
        })
      }
      const t0 = timing === undefined ? 0 : performance.now()
      const commands: readonly ControllerCommand[] = controller.handle(event)
      if (timing !== undefined) softwareMs += performance.now() - t0
      for (const command of commands) {
        switch (command._tag) {
          case 'ReadSupply':
            queue.push(...(await hw.pmbus(command)))
            break
          case 'ClearFaults':
            // The controller clears the same latched bits again only after poll.clearFaultsRetryMs, so
            // a persistent fault (re-latching, re-asserting SMBALERT#) costs one clear a minute. Its report
            // is marked afterClearFaults (not a poll) and handled in the next activation; the clear may
            // change the registers, so the supply's next read is awaited before a skip.
            unseen.add(command.supply)
            deferred.push(...(await hw.pmbus(command)))
            break
          case 'ApplyPlan': {
            quiet = false
            world.setShed(new Set(command.plan.shed))
            const result = await hw.applyPlan(command.planId, command.steps)
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

  const tick = async (): Promise<void> => {
    cycles++
    const power = serverPowerEvents()
    const { quiet } = await activate([...power, { _tag: 'Tick', atMs: world.now() }])
    lastTickQuiet = quiet && power.length === 0
  }

  const alert = async (): Promise<void> => {
    cycles++
    lastTickQuiet = false
    const events = await hw.alertEvents()
    await activate([...serverPowerEvents(), ...events])
  }

  // Ticks on a fixed grid: one supply visit per tick, so a round of every supply takes pollIntervalMs.
  const ticksPerRound = Math.max(1, scenario.supplies.length)
  const tickMs = pollMs / ticksPerRound
  let slot = 0
  for (;;) {
    // The controller may also act on time alone: a plan in flight could time out (never skip then),
    // and a routine replan waits out its dwell after the last plan (skip no further than its end).
    const cs = controller.state()
    if (options.skipQuiet && lastTickQuiet && cs.applying === undefined && !hw.alertPending() && settled()) {
      const nextPhysical = world.nextEventTime() ?? endMs + tickMs
      // A pending routine replan goes out on the first Tick its gate lets through (core's own bound).
      const dwellEnd = cs.replanPending ? routinePlanEarliestMs(cs) : Number.POSITIVE_INFINITY
      // Whole rounds whose ticks all come before the target: the first tick at or after it is real.
      const targetSlot = Math.ceil(Math.min(nextPhysical, dwellEnd) / tickMs)
      const rounds = Math.floor((targetSlot - slot) / ticksPerRound)
      if (rounds > 0) {
        const skipped = fastForwardQuiet(cs, latest, rounds)
        if (skipped.rounds > 0) {
          controller.replace(skipped.state)
          slot += skipped.rounds * ticksPerRound
          for (const [id, o] of latest) {
            const atMs = (o._tag === 'ReadFailed' ? o.atMs : o.sample.atMs) + skipped.rounds * pollMs
            latest.set(id, o._tag === 'ReadFailed' ? { ...o, atMs } : { ...o, sample: { ...o.sample, atMs } })
          }
        }
      }
      lastTickQuiet = false
    }
    const nextTick = slot * tickMs
    if (nextTick > endMs) break
    // Step the world event by event up to the tick, answering SMBALERT# as soon as it asserts.
    for (;;) {
      if (hw.alertPending()) await alert()
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
  return {
    predictionAlarms,
    controllerCycles: cycles,
    i2cBusMs: hw.busTimeMs(),
    alertMode: options.alerts,
  }
}
