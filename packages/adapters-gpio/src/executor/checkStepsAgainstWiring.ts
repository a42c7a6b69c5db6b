/**
 * Pure. Refuses a plan before any write: every step must name a wired switch of the same kind, and no
 * prefix of the plan may close a supply onto a second bus, starting from the state actually read
 * (a switch counts as possibly closed when its latch, its pin or its feedback says so).
 */
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type { SwitchStep } from '@busbar/core'
import type { SwitchWiring, Wiring } from '../wiring/Wiring.js'
import { switchKey } from '../wiring/Wiring.js'

/**
 * Why a plan was refused before any write: the index of the first offending step and a sentence naming it.
 */
export interface StepRejection {
  readonly failedStep: number
  readonly detail: string
}

/** `possiblyClosed`: the switches that may be closed now, as (supply, bus). */
export const checkStepsAgainstWiring = (
  steps: readonly SwitchStep[],
  wiring: Wiring,
  possiblyClosed: readonly { readonly supply: string; readonly bus: string }[],
): Either<StepRejection, readonly SwitchWiring[]> => {
  const byKey = new Map(wiring.switches.map((sw) => [switchKey(sw), sw]))
  const resolved: SwitchWiring[] = []
  for (const [i, step] of steps.entries()) {
    const sw = byKey.get(switchKey(step))
    if (sw === undefined)
      return left({ failedStep: i, detail: `steps[${i}] (${step.supply}, ${step.bus}) is not in the wiring` })
    if (sw.kind !== step.kind)
      return left({
        failedStep: i,
        detail: `steps[${i}] (${step.supply}, ${step.bus}) says kind ${step.kind} but the wiring says ${sw.kind}`,
      })
    if (step.op !== 'open' && step.op !== 'close')
      return left({ failedStep: i, detail: `steps[${i}] op ${JSON.stringify(step.op)} is not open | close` })
    resolved.push(sw)
  }
  // Closed buses per supply, simulated step by step.
  const closedBuses = new Map<string, Set<string>>()
  for (const ref of possiblyClosed) {
    const buses = closedBuses.get(ref.supply) ?? new Set<string>()
    buses.add(ref.bus)
    closedBuses.set(ref.supply, buses)
  }
  for (const [i, step] of steps.entries()) {
    const buses = closedBuses.get(step.supply) ?? new Set<string>()
    if (step.op === 'open') buses.delete(step.bus)
    else {
      const others = [...buses].filter((b) => b !== step.bus).sort()
      if (others.length > 0)
        return left({
          failedStep: i,
          detail: `steps[${i}] would close ${step.supply} onto ${step.bus} while it is (possibly) closed onto ${others.join(', ')}`,
        })
      buses.add(step.bus)
    }
    closedBuses.set(step.supply, buses)
  }
  return right(resolved)
}
