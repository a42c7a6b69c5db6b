/**
 * The controller as the loop sees it: one event in, its commands out, state kept inside.
 * Wraps core's pure `step`.
 */
import type { ControllerCommand, ControllerEvent } from '@busbar/core'
import type { Scenario } from '../rack/Scenario.js'

export interface ControllerPort {
  readonly handle: (event: ControllerEvent) => readonly ControllerCommand[]
}

export const createControllerPort = (scenario: Scenario, options: { readonly predictive: boolean }): ControllerPort => {
  void scenario
  void options
  throw new Error('integration pending: @busbar/core does not export the controller `step` yet')
}
