/**
 * Pure. The controller's state plus the plan it last applied in, a `RackSnapshot` out. The controller keeps
 * no readings, so the caller passes the latest `Telemetry` readings per supply.
 */
import { allocationInput, type ControllerState } from '../controller/step.js'
import type { Plan } from '../model/plan.js'
import type { SupplyReadings } from '../telemetry/telemetry.js'
import type { RackSnapshot } from './rackSnapshot.js'
import { rackSnapshot } from './rackSnapshot.js'

/** What {@link snapshotFromController} needs besides the state. */
export interface ControllerSnapshotOptions {
  readonly rack: string
  /** The plan whose target the rack is in (the last one reported Applied). */
  readonly plan: Plan
  readonly readings?: Readonly<Record<string, SupplyReadings>>
}

/**
 * Supply states as the controller believes them (deglitched health), input loss from the health cause, the
 * controller's active alarms and plans issued so far. Risk, when prediction is on: `failureRisk` is the
 * predictor's own estimate and `atRisk` its latched decision (with hysteresis) or a `warning` state, not a
 * recomputation from the estimate.
 */
export const snapshotFromController = (
  state: ControllerState,
  options: ControllerSnapshotOptions,
): RackSnapshot => {
  const snapshot = rackSnapshot(options.rack, allocationInput(state), options.plan, {
    ...(options.readings === undefined ? {} : { readings: options.readings }),
    inputLoss: Object.values(state.health)
      .filter((h) => h.cause === 'inputLoss')
      .map((h) => h.supply),
    alarms: state.alarms,
    plansIssued: state.nextPlanId - 1,
  })
  // With prediction off, the risks are the configured ones (allocationInput passes them through).
  if (!state.config.policies.prediction.enabled) return snapshot
  return {
    ...snapshot,
    supplies: snapshot.supplies.map((supply) => {
      const risk = Object.hasOwn(state.risk, supply.id) ? state.risk[supply.id] : undefined
      return risk === undefined
        ? supply
        : { ...supply, failureRisk: risk.failureRisk, atRisk: supply.state === 'warning' || risk.atRisk }
    }),
  }
}
