/**
 * Pure. Moves the opens of unusable (failed or absent) supplies through suspect switches to the end of
 * a plan's steps, keeping every other step in its order.
 *
 * Why: the executor stops at its first fault. A welded switch of one dead supply, opened first in
 * every plan (the allocator opens unusable supplies first), would keep every other failed supply
 * connected behind it. Deferring such an open is always safe: the allocator never closes an unusable
 * supply, so no later step of that supply depends on it, and an unusable supply adds no capacity, so
 * no bus loses any by it staying connected a little longer.
 */
import type { SwitchStep } from '../model/plan.js'
import type { SwitchRef } from '../model/rack.js'

/**
 * `steps` with each `open` of a switch for which `suspect` holds, of a supply for which `unusable`
 * holds, moved to the end (in their original order); the same array when nothing moves.
 */
export const deferStuckOpens = (
  steps: readonly SwitchStep[],
  suspect: (s: SwitchRef) => boolean,
  unusable: (supply: string) => boolean,
): readonly SwitchStep[] => {
  const deferred = steps.filter((st) => st.op === 'open' && suspect(st) && unusable(st.supply))
  if (deferred.length === 0) return steps
  return [...steps.filter((st) => !deferred.includes(st)), ...deferred]
}
