/**
 * Pure. A rack and the allocator's plan in; the same plan, or an equally good one whose switching keeps
 * every live bus live, out.
 *
 * Why: `allocate` ranks targets by the state they reach, and breaks the last ties on ids. Some targets
 * can only be reached by opening a supply off a bus that must keep carrying its load (rule 2: open before
 * close), and through a relay or a breaker that gap lasts 5-60 ms, longer than a server's ~10 ms hold-up:
 * every server on the bus drops. The simulator showed it: a bus went dark, and the plan that revived it
 * moved a relay-switched supply off the other bus, so for 23 ms both buses were dark and every server went
 * down, where moving a FET-switched supply instead reached an equally good state with no gap worth the
 * name. So when a plan's steps leave a live bus unpowered across a slow switch, the supply opened there is
 * pinned to its bus and the allocator asked again, and the answer is taken only when it is exactly as good
 * (the allocator, given it as the current state, keeps it: levels 1-3 equal; and it changes no more
 * switches: level 4 equal) and its own switching keeps the live buses live. Only the id tie-break differs.
 */
import type { Plan, SwitchStep } from '../model/plan.js'
import type { RackInput, Supply, SwitchRef } from '../model/rack.js'
// The spec's plain definitions (written from the spec, not from allocate): one place for what a
// supply delivers and what a change of switches counts.
import { disturbanceOf, isUnavailable, usableW } from '../model/specTerms.js'

const key = (supply: string, bus: string): string => `${supply}\u0000${bus}`

/**
 * Buses that stay live: the physical reading, not the spec's. A bus is live when its delivering supplies
 * carry its share of the served loads within capacity and rating; one that cannot goes dark, and its
 * dual-corded loads fall wholly onto their other bus, which may then go dark too (so this repeats until
 * nothing changes). The spec's "up" (any closed switch) would count a dark bus as still taking half of
 * every dual-corded load, and so miss the gap that drops the other bus.
 */
const liveBuses = (
  input: RackInput,
  supplies: ReadonlyMap<string, Supply>,
  closed: ReadonlySet<string>,
  shed: ReadonlySet<string>,
): Set<string> => {
  const capacityW = new Map<string, number>()
  for (const sw of input.switches) {
    if (!closed.has(key(sw.supply, sw.bus))) continue
    const s = supplies.get(sw.supply)
    // A failed or absent supply still closed delivers nothing.
    if (s !== undefined && !isUnavailable(s))
      capacityW.set(sw.bus, (capacityW.get(sw.bus) ?? 0) + usableW(input, s))
  }
  const live = new Set(capacityW.keys())
  for (;;) {
    const loadW = new Map<string, number>()
    for (const l of input.loads) {
      if (shed.has(l.id)) continue
      const through = [...new Set(l.buses)].filter((b) => live.has(b))
      for (const b of through) loadW.set(b, (loadW.get(b) ?? 0) + l.powerW / through.length)
    }
    const dark = input.buses.filter((b) => {
      const load = loadW.get(b.id) ?? 0
      return live.has(b.id) && (load > (capacityW.get(b.id) ?? 0) || (b.maxW !== undefined && load > b.maxW))
    })
    if (dark.length === 0) return live
    for (const b of dark) live.delete(b.id)
  }
}

/** Where a plan's switching darkens a live bus across a slow switch: the open that starts the gap. */
export interface DarkTransit {
  readonly bus: string
  /** The step (index into `steps`) whose open left the bus unpowered. */
  readonly stepIndex: number
  readonly supply: string
}

/**
 * The first gap in `steps` where a bus live both now and in the target goes dark, and some step
 * from the open that starts the gap to the one that ends it is not a FET (microseconds are ridden
 * through; a relay or breaker is not). Undefined when there is none.
 */
export const findDarkTransit = (
  input: RackInput,
  steps: readonly SwitchStep[],
  target: readonly SwitchRef[],
  shed: readonly string[],
): DarkTransit | undefined => {
  const shedSet = new Set(shed)
  const supplies = new Map(input.supplies.map((s) => [s.id, s]))
  const closed = new Set(input.switches.filter((sw) => sw.closed).map((sw) => key(sw.supply, sw.bus)))
  const targetSet = new Set(target.map((t) => key(t.supply, t.bus)))
  const nowPowered = liveBuses(input, supplies, closed, shedSet)
  const targetPowered = liveBuses(input, supplies, targetSet, shedSet)
  const live = [...nowPowered].filter((b) => targetPowered.has(b))
  if (live.length === 0) return undefined
  // Per live bus, the open that started its current gap (every step of it so far a FET: a slow one ends
  // the search).
  const gap = new Map<string, { stepIndex: number; supply: string }>()
  for (const [i, st] of steps.entries()) {
    const k = key(st.supply, st.bus)
    if (st.op === 'open') closed.delete(k)
    else closed.add(k)
    const powered = liveBuses(input, supplies, closed, shedSet)
    for (const b of live) {
      const open = gap.get(b)
      if (open !== undefined) {
        if (st.kind !== 'fet') return { bus: b, stepIndex: open.stepIndex, supply: open.supply }
        if (powered.has(b)) gap.delete(b)
      } else if (!powered.has(b)) {
        if (st.kind !== 'fet') return { bus: b, stepIndex: i, supply: st.supply }
        gap.set(b, { stepIndex: i, supply: st.supply })
      }
    }
  }
  return undefined
}

/**
 * `planned` (what `allocate(input)` returned, steps possibly reordered), or an equally good plan found by
 * pinning to their buses the supplies whose opens darken a live bus across a slow switch. `allocateRack`
 * is `allocate` (injected for tests). At most one retry per supply.
 */
export const avoidDarkTransit = (
  input: RackInput,
  planned: Plan,
  allocateRack: (input: RackInput) => Plan,
): Plan => {
  let transit = findDarkTransit(input, planned.steps, planned.closed, planned.shed)
  if (transit === undefined) return planned
  const budget = disturbanceOf(input, planned.closed)
  const pinned = new Set<string>()
  while (transit !== undefined && !pinned.has(transit.supply)) {
    pinned.add(transit.supply)
    // A pinned supply keeps only its closed switches: it may stay or open, never move.
    const restricted: RackInput = {
      ...input,
      switches: input.switches.filter((sw) => sw.closed || !pinned.has(sw.supply)),
    }
    const alternative = allocateRack(restricted)
    transit = findDarkTransit(input, alternative.steps, alternative.closed, alternative.shed)
    if (transit !== undefined || alternative.shed.length !== planned.shed.length) continue
    if (disturbanceOf(input, alternative.closed) > budget) return planned
    const targetSet = new Set(alternative.closed.map((t) => key(t.supply, t.bus)))
    const check = allocateRack({
      ...input,
      switches: input.switches.map((sw) => ({ ...sw, closed: targetSet.has(key(sw.supply, sw.bus)) })),
    })
    if (check.steps.length === 0 && check.shed.length === alternative.shed.length)
      return { ...alternative, optimal: check.optimal }
    return planned
  }
  return planned
}
