/**
 * Deterministic given (scenario, seed, policy). Runs one policy over one scenario: `static` is the
 * world alone (fixed wiring, no controller); `reactive` and `predictive` close the loop through the
 * real controller and adapters (../loop/runClosedLoop.ts). Same seed, same faults for every policy.
 */
import { createRng } from '../engine/createRng.js'
import { createRackWorld } from '../rack/createRackWorld.js'
import type { Scenario } from '../rack/Scenario.js'
import type { PolicyName, PolicyResult } from './PolicyResult.js'
import { noController, worldResult } from './worldResult.js'
import { runClosedLoop } from '../loop/runClosedLoop.js'

/** Options for one run: keep the detail for the report, force the alert mode, skip quiet stretches. */
export interface RunOptions {
  /** Keep the event timeline and bus samples (for the HTML report). */
  readonly keepDetail?: boolean
  /** Override the scenario's alert mode (to compare polling against SMBALERT#). */
  readonly alerts?: 'polling' | 'interrupt'
  /** Skip quiet stretches (default true); false polls every interval (tests compare both). */
  readonly skipQuiet?: boolean
}

/** Simulates a scenario with a seed under one policy (deterministic) and resolves to its `PolicyResult`. */
export const runPolicy = async (
  scenario: Scenario,
  seed: number,
  policy: PolicyName,
  options: RunOptions = {},
): Promise<PolicyResult> => {
  const keep = { notes: options.keepDetail === true, samples: options.keepDetail === true }
  const world = createRackWorld(scenario, createRng(seed), { sampleBuses: keep.samples })
  if (policy === 'static') {
    world.finish(scenario.durationMs)
    return worldResult(policy, seed, world, noController, keep)
  }
  const record = await runClosedLoop(world, {
    predictive: policy === 'predictive',
    alerts: options.alerts ?? scenario.control.alerts,
    skipQuiet: options.skipQuiet ?? true,
  })
  return worldResult(policy, seed, world, record, keep)
}
