/**
 * Pure. The spec's per-supply and per-switch terms, written out plainly: usable capacity u(s), what a closed
 * supply delivers, at risk, unavailable, and the switches a configuration changes (level 4). The spec's
 * judge (testing/judgeConfiguration) and the controller (avoidDarkTransit) both read them from here.
 */
import type { RackInput, Supply, SwitchRef } from './rack.js'

/** Usable capacity u(s). */
export const usableW = (input: RackInput, supply: Supply): number => supply.capacityW * input.policy.derate

/**
 * What a closed supply delivers: u(s), or nothing when it is failed or absent. Only an inadmissible
 * configuration (a current state) closes such a supply; the spec's u(s) does not look at the state, but a
 * dead supply powers nothing, and `planSwitchSteps` judges "powered now" the same way.
 */
export const deliveredW = (input: RackInput, supply: Supply): number =>
  isUnavailable(supply) ? 0 : usableW(input, supply)

/**
 * Whether a supply counts as at risk: state `warning`, or failureRisk at or above the policy's
 * preemptRisk.
 */
export const isAtRisk = (input: RackInput, supply: Supply): boolean =>
  supply.state === 'warning' ||
  (supply.failureRisk !== undefined && supply.failureRisk >= input.policy.preemptRisk)

/** Whether a supply may not be connected: state `failed` or `absent`. */
export const isUnavailable = (supply: Supply): boolean =>
  supply.state === 'failed' || supply.state === 'absent'

/** The current state's closed switches, as a configuration's `closed`. */
export const currentClosed = (input: RackInput): SwitchRef[] =>
  input.switches.filter((sw) => sw.closed).map((sw) => ({ supply: sw.supply, bus: sw.bus }))

/** Switches whose state differs between the current state and `closed` (a move counts 2). */
export const disturbanceOf = (input: RackInput, closed: readonly SwitchRef[]): number => {
  const target = new Set(closed.map(switchKey))
  return input.switches.filter((sw) => sw.closed !== target.has(switchKey(sw))).length
}

/** A switch as one string (supply and bus ids), for sets of switches. */
export const switchKey = (ref: SwitchRef): string => JSON.stringify([ref.supply, ref.bus])
