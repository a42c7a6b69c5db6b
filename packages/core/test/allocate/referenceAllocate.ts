/**
 * Pure, exhaustive, slow on purpose. The spec's optimum by enumeration: every assignment of each
 * supply to "open" or one bus it has a switch to, every served set worth considering, scored by
 * the spec's levels 1-4 and the fixed tie-break. Written from the spec alone, to check `allocate`.
 */
import type { RackInput, SwitchRef } from '../../src/model/rack.js'
import type { ServiceVector } from '../../src/testing/judgeConfiguration.js'
import {
  compareServiceVectors,
  isUnavailable,
  judgeConfiguration,
  usableW,
} from '../../src/testing/judgeConfiguration.js'

export interface ReferenceResult {
  /** Sorted by (supply, bus). */
  readonly closed: readonly SwitchRef[]
  /** Sorted. */
  readonly shed: readonly string[]
  readonly vector: ServiceVector
}

/** Levels 1-4 of a configuration (the spec's objective without the tie-break). */
export const serviceVector = (
  input: RackInput,
  closed: readonly SwitchRef[],
  shed: readonly string[],
): ServiceVector => judgeConfiguration(input, { closed, shed }).vector

const byCodeUnits = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The fixed tie-break (level 5): negative when `a` comes first. Supplies in ascending id: the first
 * whose assignment differs decides, open before any bus, buses in ascending id. Then loads in
 * ascending id: the first that differs decides, served before shed.
 */
export const compareTieBreak = (
  input: RackInput,
  a: { readonly closed: readonly SwitchRef[]; readonly shed: readonly string[] },
  b: { readonly closed: readonly SwitchRef[]; readonly shed: readonly string[] },
): number => {
  const busOf = (closed: readonly SwitchRef[], supply: string): string | undefined =>
    closed.find((r) => r.supply === supply)?.bus
  for (const supply of input.supplies.map((s) => s.id).sort(byCodeUnits)) {
    const [x, y] = [busOf(a.closed, supply), busOf(b.closed, supply)]
    if (x === y) continue
    if (x === undefined) return -1
    if (y === undefined) return 1
    return byCodeUnits(x, y)
  }
  for (const load of input.loads.map((l) => l.id).sort(byCodeUnits)) {
    const [x, y] = [a.shed.includes(load), b.shed.includes(load)]
    if (x !== y) return x ? 1 : -1
  }
  return 0
}

export const referenceAllocate = (input: RackInput): ReferenceResult => {
  const supplies = [...input.supplies].sort((a, b) => byCodeUnits(a.id, b.id))
  const loads = [...input.loads].sort((a, b) => byCodeUnits(a.id, b.id))
  const optionsOf = supplies.map((s) =>
    isUnavailable(s)
      ? [undefined]
      : [
          undefined,
          ...input.switches
            .filter((sw) => sw.supply === s.id)
            .map((sw) => sw.bus)
            .sort(byCodeUnits),
        ],
  )

  let best: ReferenceResult | undefined
  const consider = (closed: readonly SwitchRef[], shed: readonly string[]): void => {
    const judged = judgeConfiguration(input, { closed, shed })
    if (!judged.admissible) return
    const candidate = { closed, shed, vector: judged.vector }
    if (best === undefined) {
      best = candidate
      return
    }
    const order = compareServiceVectors(candidate.vector, best.vector)
    if (order > 0 || (order === 0 && compareTieBreak(input, candidate, best) < 0)) best = candidate
  }

  const assignment: (string | undefined)[] = []
  const assign = (i: number): void => {
    const supply = supplies[i]
    if (supply === undefined) {
      const closed = supplies.flatMap((s, j) => {
        const bus = assignment[j]
        return bus === undefined ? [] : [{ supply: s.id, bus }]
      })
      for (const shed of maximalShedSets(input, closed, loads)) consider(closed, shed)
      return
    }
    for (const bus of optionsOf[i] ?? []) {
      assignment[i] = bus
      assign(i + 1)
    }
  }
  assign(0)
  // The all-open configuration (every load shed) is always admissible, so best is set.
  return best!
}

/**
 * For a fixed set of closed switches, the shed sets worth scoring: those whose served set is
 * feasible for rule 5 and maximal. Why that suffices: with the buses' up/down fixed, each load's
 * shares are fixed, so serving one more load only adds to bus loads (feasibility is monotone), and
 * serving one more load strictly improves level 1 (one more served at its priority, nothing above
 * changes), so a non-maximal served set is always beaten by a feasible superset.
 */
const maximalShedSets = (
  input: RackInput,
  closed: readonly SwitchRef[],
  loads: RackInput['loads'],
): string[][] => {
  const capacity = new Map<string, number>()
  for (const ref of closed) {
    const supply = input.supplies.find((s) => s.id === ref.supply)
    if (supply !== undefined) capacity.set(ref.bus, (capacity.get(ref.bus) ?? 0) + usableW(input, supply))
  }
  const limitOf = (bus: string): number => {
    const maxW = input.buses.find((b) => b.id === bus)?.maxW
    return Math.min(capacity.get(bus) ?? 0, maxW ?? Infinity)
  }
  const servable = loads.filter((l) => l.buses.some((b) => capacity.has(b)))
  const sharesOf = (load: RackInput['loads'][number]): [string, number][] => {
    const up = [...new Set(load.buses)].filter((b) => capacity.has(b))
    return up.map((b) => [b, load.powerW / up.length])
  }

  const results: string[][] = []
  const busLoad = new Map<string, number>()
  const fits = (load: RackInput['loads'][number]): boolean =>
    sharesOf(load).every(([b, w]) => (busLoad.get(b) ?? 0) + w <= limitOf(b))
  const shedNow: string[] = []
  const walk = (i: number): void => {
    const load = servable[i]
    if (load === undefined) {
      // Maximal: no shed, servable load would still fit.
      const maximal = servable.every((l) => !shedNow.includes(l.id) || !fits(l))
      if (maximal) {
        const unservable = loads.filter((l) => !servable.includes(l)).map((l) => l.id)
        results.push([...shedNow, ...unservable].sort(byCodeUnits))
      }
      return
    }
    if (fits(load)) {
      const before = new Map(busLoad) // restored exactly, not by subtraction (float residue)
      for (const [b, w] of sharesOf(load)) busLoad.set(b, (busLoad.get(b) ?? 0) + w)
      walk(i + 1)
      busLoad.clear()
      for (const [b, w] of before) busLoad.set(b, w)
    }
    shedNow.push(load.id)
    walk(i + 1)
    shedNow.pop()
  }
  walk(0)
  return results
}
