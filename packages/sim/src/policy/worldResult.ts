/**
 * Pure. A finished world (and what the controller side recorded) in, one PolicyResult out.
 */
import type { RackWorld, WorldNote } from '../rack/createRackWorld.js'
import type { PolicyName, PolicyResult } from './PolicyResult.js'
import { predictionOutcome } from './predictionOutcome.js'
import type { PredictionAlarm } from './predictionOutcome.js'

export interface ControllerRecord {
  readonly predictionAlarms: readonly PredictionAlarm[]
  readonly controllerCycles: number
  readonly i2cBusMs: number
  readonly alertMode: PolicyResult['alertMode']
}

export const noController: ControllerRecord = {
  predictionAlarms: [],
  controllerCycles: 0,
  i2cBusMs: 0,
  alertMode: 'none',
}

/** A switch commanded this long after a fault is not counted as its answer. */
const answerWindowMs = 60_000

/** Per fault (supply failure, feed loss): time until the first switch commanded after it settles. */
export const faultToSwitchMs = (notes: readonly WorldNote[]): number[] => {
  const out: number[] = []
  const moves = notes.flatMap((n) => (n._tag === 'SwitchMoved' ? [n] : []))
  for (const n of notes) {
    if (n._tag !== 'SupplyFailed' && n._tag !== 'FeedLost') continue
    const answer = moves.find(
      (mv) => mv.commandedAtMs >= n.atMs && mv.commandedAtMs - n.atMs <= answerWindowMs,
    )
    if (answer !== undefined) out.push(answer.atMs - n.atMs)
  }
  return out
}

export const worldResult = (
  policy: PolicyName,
  seed: number,
  world: RackWorld,
  record: ControllerRecord,
  keep: { readonly notes: boolean; readonly samples: boolean },
): PolicyResult => {
  const m = world.metrics()
  const failures = world
    .notes()
    .flatMap((n) => (n._tag === 'SupplyFailed' ? [{ supply: n.supply, atMs: n.atMs, cause: n.cause }] : []))
  return {
    policy,
    seed,
    simulatedMs: world.scenario.durationMs,
    outages: m.outages,
    downtimeMs: m.downtimeMs,
    ridesThrough: m.ridesThrough,
    shedEvents: m.shedEvents,
    busDarkEpisodes: m.busDarkEpisodes,
    timeWithoutNPlusKMs: m.timeWithoutNPlusKMs,
    switchOperations: m.switchOperations,
    switchFaults: m.switchFaults,
    supplyFailures: m.supplyFailures,
    feedLosses: m.feedLosses,
    safetyViolations: m.safetyViolations,
    prediction: predictionOutcome(record.predictionAlarms, failures),
    faultToSwitchMs: faultToSwitchMs(world.notes()),
    alertMode: record.alertMode,
    controllerCycles: record.controllerCycles,
    i2cBusMs: record.i2cBusMs,
    ...(keep.notes ? { notes: world.notes() } : {}),
    ...(keep.samples ? { busSamples: world.busSamples() } : {}),
  }
}
