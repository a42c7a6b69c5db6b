/**
 * Pure. Prediction alarms against the failures that followed: lead time of each warned failure,
 * false alarms (no failure of that supply within the horizon), missed wear-outs.
 */
import type { FailureCause } from '../rack/createRackWorld.js'
import type { PredictionOutcome } from './PolicyResult.js'

export interface PredictionAlarm {
  readonly supply: string
  readonly atMs: number
}

export interface ObservedFailure {
  readonly supply: string
  readonly atMs: number
  readonly cause: FailureCause
}

/** An alarm counts as true when its supply fails within this horizon after it. */
export const predictionHorizonMs = 30 * 24 * 3_600_000

export const predictionOutcome = (
  alarms: readonly PredictionAlarm[],
  failures: readonly ObservedFailure[],
): PredictionOutcome => {
  let trueAlarms = 0
  let falseAlarms = 0
  const warned = new Set<ObservedFailure>()
  const leadTimesMs: number[] = []
  for (const a of alarms) {
    const hit = failures.find(
      (f) => f.supply === a.supply && f.atMs >= a.atMs && f.atMs - a.atMs <= predictionHorizonMs,
    )
    if (hit !== undefined) {
      trueAlarms++
      if (!warned.has(hit)) {
        warned.add(hit)
        leadTimesMs.push(hit.atMs - a.atMs)
      }
    } else {
      falseAlarms++
    }
  }
  const missedWearOuts = failures.filter((f) => f.cause !== 'abrupt' && !warned.has(f)).length
  return { alarms: alarms.length, trueAlarms, falseAlarms, leadTimesMs, missedWearOuts }
}
