/**
 * Deterministic. The closed loop: core's controller `step` driven over the virtual hardware exactly
 * as firmware would wire it (PMBus supplies behind a PCA9548 on one I2C segment, SMBALERT#, switch
 * expanders on the same segment), with the I2C bus time of every transaction charged to the clock.
 *
 * Skipping quiet stretches (why the outcome does not change, and where it can):
 * Between two physical events the virtual hardware does not change: every register a poll could read,
 * every pin, every server's power is constant (telemetry is piecewise constant by construction:
 * profiles and degradation advance only at physical events). A poll there feeds the controller a sample
 * it has already seen. We jump to the first tick slot at or after the next physical event (the grid
 * keeps its phase: slot k is at k x tick) only when all of these hold:
 *  - every supply whose registers changed since has been read in full again (so the controller has seen
 *    every change, and the predictor has one complete sample of the new values);
 *  - every supply's last `settleObservations` observations had the same status (every deglitch window
 *    of the controller, at most 6 polls by default, has run out: further identical polls only push
 *    saturating counters past thresholds already crossed);
 *  - the last tick was quiet (no plan, no alarm change, no server power report);
 *  - no plan is in flight (its timeout runs on time alone); a routine replan waiting out its dwell
 *    limits the jump to the end of the dwell, where the controller would act on its next tick.
 * What differs, and is tested (test/loop/skipQuiet.test.ts): after a jump the controller's round-robin
 * is "late" and reads every supply in one tick (its own catch-up rule), so bus traffic around the next
 * fault differs by a few reads (fault-to-switch within a quarter second with SMBALERT#, and with polling
 * only a change can be seen up to one round earlier); and the predictor, which keeps exponentially
 * weighted statistics per sample, sees one sample per change instead of one per second, so prediction
 * alarms can differ. Outages, shed servers, brownouts and the sequence of switch operations are
 * identical in the tested reactive cases.
 */
import type { ControllerCommand, ControllerEvent, StatusRegisters } from '@busbar/core'
import type { RackWorld } from '../rack/createRackWorld.js'
import type { ControllerRecord } from '../policy/worldResult.js'
import type { PredictionAlarm } from '../policy/predictionOutcome.js'
import { createSimHardware } from './createSimHardware.js'
import { createControllerPort } from './createControllerPort.js'

export interface ClosedLoopOptions {
  readonly predictive: boolean
  readonly alerts: 'polling' | 'interrupt'
  readonly skipQuiet: boolean
  /** Identical observations of every supply needed before a skip (default 7, past every deglitch window). */
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

export const runClosedLoop = async (
  world: RackWorld,
  options: ClosedLoopOptions,
): Promise<ControllerRecord> => {
  const scenario = world.scenario
  const pollMs = scenario.control.pollIntervalMs
  const endMs = scenario.durationMs
  // Deglitching decides within this many identical observations of a supply (controller defaults:
  // fault 3, power-good 5, comm 3, input-loss memory 6, recover 3 polls; one more to be past them).
  const settleObservations = options.settleObservations ?? 7
  const hw = createSimHardware(world, { alerts: options.alerts })
  const timing = options.onStepTiming
  const controller = createControllerPort(scenario, { predictive: options.predictive })
  const predictionAlarms: PredictionAlarm[] = []
  let cycles = 0
  let lastTickQuiet = false
  // Per supply: the status signature of its last observation and how many observations in a row had it.
  const signature = new Map<string, string>()
  const streak = new Map<string, number>(scenario.supplies.map((s) => [s.id, 0]))
  const observe = (supply: string, sig: string): void => {
    streak.set(supply, signature.get(supply) === sig ? Math.min(1_000_000, (streak.get(supply) ?? 0) + 1) : 1)
    signature.set(supply, sig)
  }
  // Supplies whose registers changed since the controller last read them in full.
  const unseen = new Set<string>(scenario.supplies.map((s) => s.id))
  const settled = (): boolean =>
    unseen.size === 0 && [...streak.values()].every((n) => n >= settleObservations)
  const reportedPower = new Map<string, number>()
  const deferred: ControllerEvent[] = []
  const lastStatus = new Map<string, string>()
  const clearedStatus = new Map<string, string>()
  let clearsSuppressed = 0
  hw.onSupplyChanged((supply) => {
    unseen.add(supply)
    // Something physical changed (a condition came or went, the unit was replaced): the next
    // CLEAR_FAULTS of this supply must go out, so bits latched by a condition now gone are released.
    clearedStatus.delete(supply)
  })

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
      if (event._tag === 'Telemetry') {
        if (event.sample.readings.poutW !== undefined) unseen.delete(event.sample.supply)
        lastStatus.set(event.sample.supply, setFlags(event.sample.status))
        observe(event.sample.supply, setFlags(event.sample.status))
      }
      if (event._tag === 'ReadFailed') {
        unseen.delete(event.supply)
        observe(event.supply, `readFailed:${event.error._tag}`)
      }
      const t0 = timing === undefined ? 0 : performance.now()
      const commands: readonly ControllerCommand[] = controller.handle(event)
      if (timing !== undefined) softwareMs += performance.now() - t0
      for (const command of commands) {
        switch (command._tag) {
          case 'ReadSupply':
            queue.push(...(await hw.pmbus(command)))
            break
          case 'ClearFaults': {
            // Workaround (reported to the controller's owner): step asks to clear every complete
            // snapshot with bits set, including the snapshot a CLEAR_FAULTS itself returns, so a
            // persistent fault (a dead supply) would be cleared, re-latch, re-assert SMBALERT# and be
            // cleared again without end. We suppress a CLEAR_FAULTS only when the supply's status equals
            // what the last one cleared AND nothing physical changed at that supply since (so latched bits
            // of a condition that is gone are always released), and feed the snapshot back next activation.
            const latest = lastStatus.get(command.supply)
            if (latest !== undefined && latest === clearedStatus.get(command.supply)) {
              clearsSuppressed++
              break
            }
            const events = await hw.pmbus(command)
            for (const e of events)
              if (e._tag === 'Telemetry') clearedStatus.set(command.supply, setFlags(e.sample.status))
            deferred.push(...events)
            break
          }
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
  const tickMs = pollMs / Math.max(1, scenario.supplies.length)
  let slot = 0
  for (;;) {
    // The controller may also act on time alone: a plan in flight could time out (never skip then),
    // and a routine replan waits out its dwell after the last plan (skip no further than its end).
    const cs = controller.state()
    if (options.skipQuiet && lastTickQuiet && cs.applying === undefined && settled()) {
      const nextPhysical = world.nextEventTime() ?? endMs + tickMs
      const dwellEnd = cs.replanPending
        ? (cs.lastPlanMs ?? 0) + cs.config.policies.reallocation.minDwellMs
        : Number.POSITIVE_INFINITY
      const target = Math.min(nextPhysical, dwellEnd)
      // First slot at or after the target (and never before the current slot).
      slot = Math.max(slot, Math.ceil(target / tickMs))
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
