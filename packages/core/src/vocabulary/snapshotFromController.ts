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
 * Supply states and risks as the controller believes them (deglitched health, latched prediction), input
 * loss from the health cause, the controller's active alarms, and plans issued so far.
 */
export const snapshotFromController = (state: ControllerState, options: ControllerSnapshotOptions): RackSnapshot =>
  rackSnapshot(options.rack, allocationInput(state), options.plan, {
    ...(options.readings === undefined ? {} : { readings: options.readings }),
    inputLoss: Object.values(state.health).filter((h) => h.cause === 'inputLoss').map((h) => h.supply),
    alarms: state.alarms,
    plansIssued: state.nextPlanId - 1,
  })
