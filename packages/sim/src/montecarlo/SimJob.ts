/**
 * Pure data. One unit of Monte Carlo work (a scenario, a seed, a policy) as it crosses to a worker.
 */
import type { Scenario } from '../rack/Scenario.js'
import type { PolicyName } from '../policy/PolicyResult.js'

/**
 * One simulation to run: scenario, seed, policy and alert mode, and whether to keep the detail for the
 * report.
 */
export interface SimJob {
  readonly index: number
  readonly scenario: Scenario
  readonly seed: number
  readonly policy: PolicyName
  readonly alerts?: 'polling' | 'interrupt'
  readonly keepDetail: boolean
}
