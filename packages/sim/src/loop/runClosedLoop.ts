/**
 * Deterministic. The closed loop: core's controller `step` driven over the virtual hardware exactly
 * as firmware would wire it (PMBus supplies behind a PCA9548 on one I2C segment, SMBALERT#, switch
 * expanders on the same segment), with the I2C bus time of every transaction charged to the clock.
 *
 * Skipping quiet stretches (why it does not change the outcome):
 * Between two physical events the virtual hardware does not change: every register a poll could
 * read, every pin, every server's power report is constant (telemetry is piecewise constant by
 * construction: profiles and degradation advance only at physical events). A poll in such a stretch
 * therefore feeds the controller the same sample again. Once the controller has answered
 * `quietCyclesBeforeSkip` consecutive polls with nothing but reads (no plan, no alarm change), and the
 * samples were identical, its deglitch counters have saturated and further identical polls change
 * nothing it acts on; so we jump to the first poll slot at or after the next physical event, keeping
 * the poll grid's phase (slot k at k x pollIntervalMs), so detection latency is what 1 Hz polling gives.
 * What still moves with repeated identical samples is the predictor's exponentially weighted averages,
 * which converge toward the constant value; they are re-fed `quietCyclesBeforeSkip` identical samples
 * after every change, and the test in test/loop/skipQuiet.test.ts checks that outcomes (outages,
 * switch operations, shed servers, prediction alarms, latencies) are identical with and without skipping.
 */
import type { ControllerCommand, ControllerEvent } from '@busbar/core'
import type { RackWorld } from '../rack/createRackWorld.js'
import type { ControllerRecord } from '../policy/worldResult.js'
import type { PredictionAlarm } from '../policy/predictionOutcome.js'
import { createSimHardware } from './createSimHardware.js'
import { createControllerPort } from './createControllerPort.js'

export interface ClosedLoopOptions {
  readonly predictive: boolean
  readonly alerts: 'polling' | 'interrupt'
  readonly skipQuiet: boolean
  /** Consecutive quiet polls before a skip. */
  readonly quietCyclesBeforeSkip?: number
  /** Called with the wall-clock cost of each controller `step` call (bench only; not part of results). */
  readonly onStepTiming?: (softwareMs: number, busMs: number) => void
}

/** Bound on events handled in one activation: a controller that never settles is a bug, not a hang. */
const maxEventsPerActivation = 10_000

export const runClosedLoop = async (world: RackWorld, options: ClosedLoopOptions): Promise<ControllerRecord> => {
  const scenario = world.scenario
  const pollMs = scenario.control.pollIntervalMs
  const endMs = scenario.durationMs
  const quietNeeded = options.quietCyclesBeforeSkip ?? 8
  const hw = await createSimHardware(world, { alerts: options.alerts })
  const controller = createControllerPort(scenario, { predictive: options.predictive })
  const predictionAlarms: PredictionAlarm[] = []
  let cycles = 0
  let quietCycles = 0
  let lastSamplesKey = ''
  const reportedPower = new Map<string, number>()

  /** Feed events to `step`, perform its commands, feed their results back, until nothing is left. */
  const activate = async (initial: readonly ControllerEvent[]): Promise<{ quiet: boolean; samplesKey: string }> => {
    const queue: ControllerEvent[] = [...initial]
    let quiet = true
    const samples: string[] = []
    let handled = 0
    while (queue.length > 0) {
      if (++handled > maxEventsPerActivation) throw new Error(`controller did not settle within ${maxEventsPerActivation} events at ${world.now()} ms`)
      const event = queue.shift()!
      if (event._tag === 'Telemetry') samples.push(JSON.stringify({ ...event.sample, atMs: 0 }))
      if (event._tag === 'ReadFailed') samples.push(`${event.supply}:${event.error._tag}`)
      const commands: readonly ControllerCommand[] = controller.handle(event)
      for (const command of commands) {
        switch (command._tag) {
          case 'ReadSupply':
          case 'ClearFaults':
            queue.push(...(await hw.pmbus(command)))
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
            if (command.alarm.kind === 'predictedFailure') predictionAlarms.push({ supply: command.alarm.subject, atMs: command.alarm.atMs })
            break
          case 'ClearAlarm':
            quiet = false
            break
        }
      }
    }
    return { quiet, samplesKey: samples.join('\n') }
  }

  const serverPowerEvents = (): ControllerEvent[] => {
    const out: ControllerEvent[] = []
    for (const [load, powerW] of world.serverPowerW()) {
      if (reportedPower.get(load) === powerW) continue
      reportedPower.set(load, powerW)
      out.push({ _tag: 'ServerPower', atMs: world.now(), load, powerW })
    }
    return out
  }

  const poll = async (): Promise<void> => {
    cycles++
    const { quiet, samplesKey } = await activate([...serverPowerEvents(), { _tag: 'Tick', atMs: world.now() }])
    quietCycles = quiet && samplesKey === lastSamplesKey ? quietCycles + 1 : 0
    lastSamplesKey = samplesKey
  }

  const alert = async (): Promise<void> => {
    cycles++
    quietCycles = 0
    const events = await hw.alertEvents()
    await activate([...serverPowerEvents(), ...events])
  }

  let slot = 0
  for (;;) {
    let nextPoll = slot * pollMs
    if (options.skipQuiet && quietCycles >= quietNeeded) {
      const nextPhysical = world.nextEventTime()
      const target = nextPhysical === undefined ? endMs + pollMs : nextPhysical
      // First slot at or after the next physical event (and never before the current slot).
      slot = Math.max(slot, Math.ceil(target / pollMs))
      nextPoll = slot * pollMs
      quietCycles = 0
    }
    if (nextPoll > endMs) break
    // Step the world event by event up to the poll, answering SMBALERT# as soon as it asserts.
    for (;;) {
      const t = world.nextEventTime()
      if (t === undefined || t > nextPoll) break
      world.advanceTo(t)
      if (hw.alertPending()) await alert()
    }
    if (world.now() < nextPoll) world.advanceTo(nextPoll)
    // A poll slot the controller overran (bus busy) is skipped, as a periodic task would.
    if (world.now() <= nextPoll + pollMs) await poll()
    slot = Math.max(slot + 1, Math.floor(world.now() / pollMs) + 1)
  }
  world.finish(endMs)
  return {
    predictionAlarms,
    controllerCycles: cycles,
    i2cBusMs: hw.busTimeMs(),
    alertMode: options.alerts,
  }
}
