/**
 * Pure data. What one run of one policy on one seed measured. Times in simulated milliseconds.
 */
import type { BusSample, WorldNote } from '../rack/createRackWorld.js'

/**
 * The compared policies: fixed wiring (`static`), reallocate on failure (`reactive`), plus preemption
 * (`predictive`).
 */
export type PolicyName = 'static' | 'reactive' | 'predictive'
/** Every policy name, in the order reports show them. */
export const policyNames: readonly PolicyName[] = ['static', 'reactive', 'predictive']

/**
 * How failure prediction did in one run: alarms (true and false), lead times, and failures no alarm preceded.
 */
export interface PredictionOutcome {
  /** predictedFailure alarms raised. */
  readonly alarms: number
  /** Alarms followed by that supply's failure within the horizon. */
  readonly trueAlarms: number
  readonly falseAlarms: number
  /** Warned failures: alarm-to-failure lead times. */
  readonly leadTimesMs: readonly number[]
  /** Failures with visible degradation (wear-out) that no alarm preceded. */
  readonly missedWearOuts: number
}

/**
 * One policy's run of a scenario with a seed: outages, downtime, time without N+k per bus, switching, faults,
 * prediction, latency.
 */
export interface PolicyResult {
  readonly policy: PolicyName
  readonly seed: number
  readonly simulatedMs: number
  readonly outages: number
  readonly downtimeMs: number
  readonly ridesThrough: number
  readonly shedEvents: number
  readonly busDarkEpisodes: number
  readonly timeWithoutNPlusKMs: Readonly<Record<string, number>>
  readonly switchOperations: number
  readonly switchFaults: number
  readonly supplyFailures: number
  readonly feedLosses: number
  readonly safetyViolations: number
  readonly prediction: PredictionOutcome
  /** Fault (supply failure or feed loss) to the first switch settling in response, per fault answered. */
  readonly faultToSwitchMs: readonly number[]
  /** How the controller learned of faults: SMBALERT# or polling only. */
  readonly alertMode: 'polling' | 'interrupt' | 'none'
  readonly controllerCycles: number
  /** Simulated I2C bus time spent, ms. */
  readonly i2cBusMs: number
  readonly notes?: readonly WorldNote[]
  readonly busSamples?: readonly BusSample[]
}
