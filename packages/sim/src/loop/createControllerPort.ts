/**
 * The controller as the loop sees it: one event in, its commands out, state kept inside. Wraps core's
 * pure `step` with a configuration built from the scenario: the rack wiring and today's switch states,
 * each supply's AC feed, the allocation policy, round-robin polling at the scenario's interval, and
 * prediction on (`predictive`) or off (`reactive`: reallocate on failure only).
 */
import * as E from 'fp-ts/lib/Either.js'
import { formatControllerConfigError, initialControllerState, step } from '@busbar/core'
import type { ControllerCommand, ControllerConfig, ControllerEvent, ControllerState } from '@busbar/core'
import type { Scenario } from '../rack/Scenario.js'

export interface ControllerPort {
  readonly handle: (event: ControllerEvent) => readonly ControllerCommand[]
  readonly state: () => ControllerState
  /** Replace the state (the simulator's fast-forward over quiet rounds, see fastForwardQuiet). */
  readonly replace: (next: ControllerState) => void
}

export const controllerConfig = (scenario: Scenario, predictive: boolean): ControllerConfig => ({
  rack: {
    // Each supply's AC feed, so allocate keeps every bus fed from more than one feed (level 3).
    supplies: scenario.supplies.map((s) => ({ id: s.id, capacityW: s.capacityW, state: 'ok', feed: s.feed })),
    buses: scenario.buses.map((b) =>
      b.maxW === undefined
        ? { id: b.id, priority: b.priority }
        : { id: b.id, priority: b.priority, maxW: b.maxW },
    ),
    // Until the first report, a server is believed to draw its peak (the safe side).
    loads: scenario.servers.map((s) => ({ id: s.id, powerW: s.peakW, priority: s.priority, buses: s.buses })),
    switches: scenario.switches.map((w) => ({
      supply: w.supply,
      bus: w.bus,
      kind: w.kind,
      closed: w.closed,
    })),
    policy: scenario.policy,
  },
  // Full telemetry on every visit: about 8 ms of each second's bus time for 8 supplies at 100 kHz, and
  // the predictor gets a complete sample each round (the simulator's skipping keeps at least one).
  poll: { roundIntervalMs: scenario.control.pollIntervalMs, fullEvery: 1 },
  prediction: { enabled: predictive },
})

export const createControllerPort = (
  scenario: Scenario,
  options: { readonly predictive: boolean },
): ControllerPort => {
  const initial = initialControllerState(controllerConfig(scenario, options.predictive))
  if (E.isLeft(initial))
    throw new Error(
      `controller configuration from scenario "${scenario.name}" is invalid:\n${formatControllerConfigError(initial.left)}`,
    )
  let state = initial.right
  return {
    handle: (event) => {
      const result = step(state, event)
      state = result.state
      return result.commands
    },
    state: () => state,
    replace: (next) => {
      state = next
    },
  }
}
