/**
 * Pure. The spec's definitions, written out plainly: given a rack and a configuration (closed switches,
 * shed loads), which admissibility rules it breaks, what each bus carries, and its service levels.
 * Shared by `checkPlan` and the brute-force reference; written from the spec, not from `allocate`.
 */
import type { Load, RackInput, Supply, SwitchRef } from '../model/rack.js'
import {
  currentClosed,
  deliveredW,
  disturbanceOf,
  isAtRisk,
  isUnavailable,
  switchKey,
  usableW,
} from '../model/specTerms.js'

// The per-supply and per-switch terms live in model/ (the controller uses them too); re-exported here, where
// the testing API has always offered them.
export { currentClosed, deliveredW, disturbanceOf, isAtRisk, isUnavailable, switchKey, usableW }

/**
 * The spec's five admissibility rules: wired switches, one bus per supply, no failed supply, loads with no
 * bus up shed, buses powered within rating.
 */
export type AdmissibilityRule =
  'admissible.1' | 'admissible.2' | 'admissible.3' | 'admissible.4' | 'admissible.5'

/** One broken rule with a sentence saying where. */
export interface RuleBreach<Rule extends string = string> {
  readonly rule: Rule
  readonly message: string
}

/** A candidate target to judge: the closed switches and the loads shed. */
export interface Configuration {
  readonly closed: readonly SwitchRef[]
  readonly shed: readonly string[]
}

/**
 * One bus under a configuration: its supplies, served load (W), usable and redundant capacity (W), N+k and
 * bus-loss survival.
 */
export interface BusJudgement {
  readonly id: string
  readonly up: boolean
  /** Supplies closed onto this bus, in input order. */
  readonly supplies: readonly Supply[]
  /** L(b). */
  readonly loadW: number
  /** Usable capacity closed onto the bus. */
  readonly capacityW: number
  /** Usable capacity left after removing at-risk supplies, then the k largest remaining. */
  readonly redundantW: number
  readonly powered: boolean
  readonly nPlusK: boolean
  /** At least one served load is served through this bus. */
  readonly carriesLoad: boolean
  /** Some load lists this bus (level 2 counts only these). */
  readonly wired: boolean
  /** The bus-loss scenario of this bus is survived; only meaningful when up and carrying load. */
  readonly survivesLoss: boolean
}

/** One AC feed's loss scenario (the spec's level 3, feed part). */
export interface FeedJudgement {
  /** The feed's id, as the supplies name it. */
  readonly id: string
  /** Closed supplies drawing from this feed, in input order. */
  readonly supplies: readonly Supply[]
  /** The feed has a closed supply on an up bus that carries load: its scenario counts on level 3. */
  readonly counted: boolean
  /** Losing the feed leaves no served load without power and every bus that stays up powered. */
  readonly survivesLoss: boolean
}

/**
 * A configuration judged by the spec from scratch: rule breaches, per-bus and per-feed results, loads served,
 * the service vector.
 */
export interface ConfigurationJudgement {
  readonly breaches: readonly RuleBreach<AdmissibilityRule>[]
  readonly admissible: boolean
  readonly buses: ReadonlyMap<string, BusJudgement>
  readonly served: ReadonlySet<string>
  /** Up buses each served load draws from (its powerW splits evenly over them). */
  readonly servedThrough: ReadonlyMap<string, readonly string[]>
  /** One entry per AC feed some supply names. */
  readonly feeds: ReadonlyMap<string, FeedJudgement>
  readonly vector: ServiceVector
}

/**
 * The objective's levels 1-4 for one configuration. Compare with `compareServiceVectors`; all
 * configurations of one rack have vectors of the same shape.
 */
export interface ServiceVector {
  /** Level 1: per load priority, highest first: [priority, served count, served powerW]. */
  readonly serve: readonly (readonly [number, number, number])[]
  /** Level 2: per bus priority, highest first: [priority, wired buses meeting N+k]. */
  readonly redundancy: readonly (readonly [number, number])[]
  /**
   * Level 3: survived single-loss scenarios, counted ones only: bus losses (none when busRedundancy is
   * off) plus AC feed losses.
   */
  readonly survival: number
  /** Level 4: switches whose state differs from the current state (smaller is better). */
  readonly disturbance: number
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0)

/** The usable capacity left on a bus after removing at-risk supplies and then its k largest. */
export const redundantCapacityW = (input: RackInput, supplies: readonly Supply[]): number => {
  const counted = supplies
    .filter((s) => !isAtRisk(input, s))
    .map((s) => deliveredW(input, s))
    .sort((a, b) => b - a)
  return sum(counted.slice(input.policy.supplyRedundancy))
}

const distinctDescending = (xs: readonly number[]): number[] => [...new Set(xs)].sort((a, b) => b - a)

/**
 * `slack` is a relative tolerance on "capacity covers load" comparisons (rule 5, N+k, bus loss):
 * 0 for the exact reference; a tiny value where float noise in someone else's sums must not count.
 */
export const judgeConfiguration = (
  input: RackInput,
  config: Configuration,
  slack = 0,
): ConfigurationJudgement => {
  const covers = (capacityW: number, loadW: number): boolean =>
    capacityW >= loadW - slack * Math.max(1, Math.abs(loadW))
  const breaches: RuleBreach<AdmissibilityRule>[] = []
  const supplyById = new Map(input.supplies.map((s) => [s.id, s]))
  const existing = new Set(input.switches.map(switchKey))
  const closedKeys = new Set<string>()
  const closed = config.closed.filter((ref) => {
    const key = switchKey(ref)
    if (closedKeys.has(key)) return false
    closedKeys.add(key)
    return true
  })

  // Rules 1-3.
  const closedCount = new Map<string, number>()
  for (const ref of closed) {
    if (!existing.has(switchKey(ref)))
      breaches.push({
        rule: 'admissible.1',
        message: `closes switch ${ref.supply}->${ref.bus}, which is not in the input`,
      })
    closedCount.set(ref.supply, (closedCount.get(ref.supply) ?? 0) + 1)
    const supply = supplyById.get(ref.supply)
    if (supply !== undefined && isUnavailable(supply))
      breaches.push({
        rule: 'admissible.3',
        message: `connects ${supply.state} supply ${supply.id} to bus ${ref.bus}`,
      })
  }
  for (const [supply, count] of closedCount)
    if (count > 1)
      breaches.push({ rule: 'admissible.2', message: `supply ${supply} has ${count} closed switches` })

  // Rule 4: up buses, served loads and their shares.
  const suppliesOn = new Map<string, Supply[]>(input.buses.map((b) => [b.id, []]))
  for (const ref of closed) {
    const supply = supplyById.get(ref.supply)
    if (supply !== undefined) suppliesOn.get(ref.bus)?.push(supply)
  }
  const isUp = (bus: string): boolean => (suppliesOn.get(bus)?.length ?? 0) > 0
  const shed = new Set(config.shed)
  const served = new Set<string>()
  const servedThrough = new Map<string, readonly string[]>()
  const loadW = new Map<string, number>(input.buses.map((b) => [b.id, 0]))
  for (const load of input.loads) {
    const upBuses = [...new Set(load.buses)].filter(isUp)
    if (shed.has(load.id)) continue
    if (upBuses.length === 0) {
      breaches.push({ rule: 'admissible.4', message: `load ${load.id} has no bus up but is not shed` })
      continue
    }
    served.add(load.id)
    servedThrough.set(load.id, upBuses)
    for (const bus of upBuses) loadW.set(bus, (loadW.get(bus) ?? 0) + load.powerW / upBuses.length)
  }

  // Rule 5.
  const capacityOf = (bus: string): number =>
    sum((suppliesOn.get(bus) ?? []).map((s) => deliveredW(input, s)))
  const maxWOf = new Map(input.buses.map((b) => [b.id, b.maxW]))
  const poweredWith = (bus: string, load: number): boolean => {
    const maxW = maxWOf.get(bus)
    return covers(capacityOf(bus), load) && (maxW === undefined || covers(maxW, load))
  }
  for (const bus of input.buses) {
    if (!isUp(bus.id)) continue
    const load = loadW.get(bus.id) ?? 0
    if (!covers(capacityOf(bus.id), load))
      breaches.push({
        rule: 'admissible.5',
        message: `bus ${bus.id} carries ${load} W on ${capacityOf(bus.id)} W of usable capacity`,
      })
    if (bus.maxW !== undefined && !covers(bus.maxW, load))
      breaches.push({
        rule: 'admissible.5',
        message: `bus ${bus.id} carries ${load} W over its ${bus.maxW} W rating`,
      })
  }

  // Bus-loss scenarios.
  const loadById = new Map<string, Load>(input.loads.map((l) => [l.id, l]))
  const survivesLossOf = (lost: string): boolean => {
    const extraW = new Map<string, number>()
    for (const [loadId, through] of servedThrough) {
      if (!through.includes(lost)) continue
      const others = through.filter((b) => b !== lost)
      const other = others[0]
      if (other === undefined) return false // the load is lost
      const powerW = loadById.get(loadId)?.powerW ?? 0
      extraW.set(other, (extraW.get(other) ?? 0) + powerW - powerW / through.length)
    }
    return input.buses.every(
      (b) =>
        b.id === lost || !isUp(b.id) || poweredWith(b.id, (loadW.get(b.id) ?? 0) + (extraW.get(b.id) ?? 0)),
    )
  }

  // Feed-loss scenarios: the feed's supplies deliver nothing; a bus left with none of its supplies
  // goes down, and each load served through it moves onto the buses it still has.
  const survivesFeedLossOf = (feed: string): boolean => {
    const remaining = (bus: string): Supply[] => (suppliesOn.get(bus) ?? []).filter((s) => s.feed !== feed)
    const staysUp = (bus: string): boolean => isUp(bus) && remaining(bus).length > 0
    const newLoadW = new Map<string, number>()
    for (const [loadId, through] of servedThrough) {
      const stays = through.filter(staysUp)
      if (stays.length === 0) return false // the load is lost
      const powerW = loadById.get(loadId)?.powerW ?? 0
      for (const bus of stays) newLoadW.set(bus, (newLoadW.get(bus) ?? 0) + powerW / stays.length)
    }
    return input.buses.every((b) => {
      if (!staysUp(b.id)) return true
      const load = newLoadW.get(b.id) ?? 0
      const capacity = sum(remaining(b.id).map((s) => deliveredW(input, s)))
      return covers(capacity, load) && (b.maxW === undefined || covers(b.maxW, load))
    })
  }

  const wired = new Set(input.loads.flatMap((l) => l.buses))
  const buses = new Map<string, BusJudgement>()
  for (const bus of input.buses) {
    const up = isUp(bus.id)
    const supplies = suppliesOn.get(bus.id) ?? []
    const load = loadW.get(bus.id) ?? 0
    const redundantW = redundantCapacityW(input, supplies)
    const carriesLoad = [...servedThrough.values()].some((through) => through.includes(bus.id))
    buses.set(bus.id, {
      id: bus.id,
      up,
      supplies,
      loadW: load,
      capacityW: capacityOf(bus.id),
      redundantW,
      powered: up && poweredWith(bus.id, load),
      nPlusK: up && covers(redundantW, load),
      carriesLoad,
      wired: wired.has(bus.id),
      survivesLoss: up && carriesLoad && survivesLossOf(bus.id),
    })
  }

  const serve = distinctDescending(input.loads.map((l) => l.priority)).map((priority) => {
    const servedHere = input.loads.filter((l) => l.priority === priority && served.has(l.id))
    return [priority, servedHere.length, sum(servedHere.map((l) => l.powerW))] as const
  })
  const redundancy = distinctDescending(
    input.buses.filter((b) => wired.has(b.id)).map((b) => b.priority),
  ).map(
    (priority) =>
      [
        priority,
        input.buses.filter(
          (b) => b.priority === priority && buses.get(b.id)?.wired && buses.get(b.id)?.nPlusK,
        ).length,
      ] as const,
  )
  const feeds = new Map<string, FeedJudgement>()
  for (const feed of new Set(input.supplies.flatMap((s) => (s.feed === undefined ? [] : [s.feed])))) {
    const onFeed = closed.flatMap((ref) => {
      const supply = supplyById.get(ref.supply)
      return supply?.feed === feed ? [{ supply, bus: ref.bus }] : []
    })
    feeds.set(feed, {
      id: feed,
      supplies: onFeed.map((x) => x.supply),
      counted: onFeed.some((x) => buses.get(x.bus)?.carriesLoad === true),
      survivesLoss: survivesFeedLossOf(feed),
    })
  }
  const busSurvival = input.policy.busRedundancy
    ? [...buses.values()].filter((b) => b.up && b.carriesLoad && b.survivesLoss).length
    : 0
  const survival = busSurvival + [...feeds.values()].filter((f) => f.counted && f.survivesLoss).length

  return {
    breaches,
    admissible: breaches.length === 0,
    buses,
    served,
    servedThrough,
    feeds,
    vector: { serve, redundancy, survival, disturbance: disturbanceOf(input, closed) },
  }
}

/** Positive when `a` is better than `b` on levels 1-4, negative when worse, 0 when equal. */
export const compareServiceVectors = (a: ServiceVector, b: ServiceVector): number => {
  const levelA = flattenServiceVector(a)
  const levelB = flattenServiceVector(b)
  for (let i = 0; i < Math.max(levelA.length, levelB.length); i++) {
    const d = (levelA[i] ?? 0) - (levelB[i] ?? 0)
    if (d !== 0) return d > 0 ? 1 : -1
  }
  return 0
}

/** Levels 1-4 as one list of numbers where larger is better everywhere (disturbance negated). */
export const flattenServiceVector = (v: ServiceVector): number[] => [
  ...v.serve.flatMap(([, count, watts]) => [count, watts]),
  ...v.redundancy.map(([, count]) => count),
  v.survival,
  -v.disturbance,
]

/** The level at which two vectors first differ (1-4), or 5 when equal on 1-4. */
export const firstDifferingLevel = (a: ServiceVector, b: ServiceVector): 1 | 2 | 3 | 4 | 5 => {
  if (JSON.stringify(a.serve) !== JSON.stringify(b.serve)) return 1
  if (JSON.stringify(a.redundancy) !== JSON.stringify(b.redundancy)) return 2
  if (a.survival !== b.survival) return 3
  if (a.disturbance !== b.disturbance) return 4
  return 5
}
