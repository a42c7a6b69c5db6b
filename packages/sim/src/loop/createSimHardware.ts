/**
 * The virtual hardware of one rack, wired as firmware would see it.
 */
import type { ControllerCommand, ControllerEvent, PlanExecutionResult, SwitchStep } from '@busbar/core'
import type { RackWorld } from '../rack/createRackWorld.js'

export interface SimHardware {
  /** Perform a ReadSupply or ClearFaults through the PMBus adapter; its resulting events. */
  readonly pmbus: (command: Extract<ControllerCommand, { _tag: 'ReadSupply' | 'ClearFaults' }>) => Promise<ControllerEvent[]>
  /** Execute switch steps through the GPIO adapter's plan executor. */
  readonly applyPlan: (planId: number, steps: readonly SwitchStep[]) => Promise<PlanExecutionResult>
  /** SMBALERT# asserted and not yet handled (always false when polling only). */
  readonly alertPending: () => boolean
  /** Run the SMBALERT# handler (ARA, then a sweep if needed): Alert events. */
  readonly alertEvents: () => Promise<ControllerEvent[]>
  readonly busTimeMs: () => number
}

export const createSimHardware = async (world: RackWorld, options: { readonly alerts: 'polling' | 'interrupt' }): Promise<SimHardware> => {
  void world
  void options
  throw new Error('integration pending: @busbar/adapters-pmbus does not export its poll runner and virtual supply yet')
}
