/**
 * Pure. fast-check arbitraries for rack inputs that decode cleanly: small racks for brute force,
 * realistic A/B racks with mixed 800 W - 3 kW supplies and dual-corded servers, and large racks.
 * Watts are multiples of 1/4 and derates dyadic, so every sum the spec asks for is exact in floats.
 */
import fc from 'fast-check'
import type { Bus, Load, Policy, RackInput, Supply, SupplyState, Switch, SwitchKind } from '../model/rack.js'
import { defaultPolicy } from '../model/rack.js'

/** Bounds for the generated racks: supply, bus and load counts, ratings, priorities and load watts. */
export interface RackArbOptions {
  readonly minSupplies?: number
  readonly maxSupplies?: number
  readonly minBuses?: number
  readonly maxBuses?: number
  readonly minLoads?: number
  readonly maxLoads?: number
  /** Supply ratings to pick from. Default: 800, 1100, 1600, 2000, 2400, 3000 W. */
  readonly capacitiesW?: readonly number[]
  /** Largest load powerW. Default 1500 W. */
  readonly maxLoadW?: number
  /** Bus priorities to pick from (few values, so ties happen). Default 0..2. */
  readonly busPriorities?: readonly number[]
  /** Load priorities to pick from. Default 0..3. */
  readonly loadPriorities?: readonly number[]
  /** Vary the policy (k 0..2, bus redundancy, dyadic derates, risk thresholds); else the default policy. */
  readonly varyPolicy?: boolean
  /** Wire every supply to every bus (typical A/B shelves); else random non-empty subsets, some none. */
  readonly fullyWired?: boolean
  /** Share of loads that are dual-corded, 0..1. Default 0.5. */
  readonly dualCordedShare?: number
  /**
   * Most AC feeds a rack names (default 3): 0..maxFeeds feeds per rack, each supply on one of them or,
   * 1 in 4, on none. 0 gives feed-blind racks, as before feeds existed.
   */
  readonly maxFeeds?: number
  /** Relative weight of ok supplies against each of warning, failed, absent (default 8 : 1 : 1 : 1). */
  readonly healthyWeight?: number
}

const busName = (i: number): string => (i < 26 ? String.fromCharCode(65 + i) : `bus${i}`)
const kinds: readonly SwitchKind[] = ['fet', 'relay', 'breaker']
/** Mostly low, some at or around the default 0.5 threshold, a few certain. */
const risks = [0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.95, 1] as const

const policyArb: fc.Arbitrary<Policy> = fc.record({
  supplyRedundancy: fc.integer({ min: 0, max: 2 }),
  busRedundancy: fc.boolean(),
  derate: fc.constantFrom(1, 0.875, 0.75, 0.5),
  preemptRisk: fc.constantFrom(0.5, 0.3, 0.7, 1),
})

/**
 * A rack whose current state is anything the wiring allows: admissible or not (failed supplies still
 * connected, supplies on two buses, overloaded buses, loads with no bus up).
 */
export const rackInputArb = (options: RackArbOptions = {}): fc.Arbitrary<RackInput> => {
  const {
    minSupplies = 1,
    maxSupplies = 6,
    minBuses = 1,
    maxBuses = 3,
    minLoads = 0,
    maxLoads = 6,
    capacitiesW = [800, 1100, 1600, 2000, 2400, 3000],
    maxLoadW = 1500,
    busPriorities = [0, 1, 2],
    loadPriorities = [0, 1, 2, 3],
    varyPolicy = true,
    fullyWired = false,
    dualCordedShare = 0.5,
    healthyWeight = 8,
    maxFeeds = 3,
  } = options
  const maxMask = 2 ** Math.min(maxBuses, 30)

  const stateArb = fc.oneof(
    { weight: healthyWeight, arbitrary: fc.constant<SupplyState>('ok') },
    { weight: 1, arbitrary: fc.constant<SupplyState>('warning') },
    { weight: 1, arbitrary: fc.constant<SupplyState>('failed') },
    { weight: 1, arbitrary: fc.constant<SupplyState>('absent') },
  )
  const supplySpecArb = fc.record({
    capacityW: fc.constantFrom(...capacitiesW),
    state: stateArb,
    failureRisk: fc.option(fc.constantFrom(...risks), { nil: undefined, freq: 2 }),
    /** Which buses it is wired to (a bit mask, reduced modulo the bus count below). */
    wiring: fc.integer({ min: 0, max: maxMask - 1 }),
    kinds: fc.array(fc.constantFrom(...kinds), { minLength: maxBuses, maxLength: maxBuses }),
    /** 0: all open (1 in 5); i: close its i-th wired switch (wrapping). */
    current: fc.oneof(
      { weight: 1, arbitrary: fc.constant(0) },
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 16 }) },
    ),
    /** Rarely (1 in 16), close every wired switch (two closed: an inadmissible current state). */
    bridged: fc.nat({ max: 15 }).map((n) => n === 0),
    /** Its feed: n % feedCount, or none when n % 4 === 3. */
    feed: fc.nat({ max: 11 }),
  })
  const busSpecArb = fc.record({
    priority: fc.constantFrom(...busPriorities),
    maxW: fc.option(
      fc.integer({ min: 1, max: 12 }).map((n) => n * 1000),
      { nil: undefined, freq: 4 },
    ),
  })
  const loadSpecArb = fc.record({
    quarterWatts: fc.integer({ min: 0, max: Math.round(maxLoadW * 4) }),
    priority: fc.constantFrom(...loadPriorities),
    firstBus: fc.nat(),
    secondBus: fc.nat(),
    dual: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x < dualCordedShare),
  })

  return fc
    .record({
      supplies: fc.array(supplySpecArb, { minLength: minSupplies, maxLength: maxSupplies }),
      buses: fc.array(busSpecArb, { minLength: minBuses, maxLength: maxBuses }),
      loads: fc.array(loadSpecArb, { minLength: minLoads, maxLength: maxLoads }),
      policy: varyPolicy ? policyArb : fc.constant(defaultPolicy),
      feedCount: fc.integer({ min: 0, max: Math.max(0, maxFeeds) }),
    })
    .map(({ supplies: supplySpecs, buses: busSpecs, loads: loadSpecs, policy, feedCount }) => {
      const busIds = busSpecs.map((_, i) => busName(i))
      const buses: Bus[] = busSpecs.map((spec, i) =>
        spec.maxW === undefined
          ? { id: busName(i), priority: spec.priority }
          : { id: busName(i), priority: spec.priority, maxW: spec.maxW },
      )
      const supplies: Supply[] = supplySpecs.map((spec, i) => {
        const base = { id: `psu${i}`, capacityW: spec.capacityW, state: spec.state }
        const risky = spec.failureRisk === undefined ? base : { ...base, failureRisk: spec.failureRisk }
        return feedCount === 0 || spec.feed % 4 === 3
          ? risky
          : { ...risky, feed: `feed${spec.feed % feedCount}` }
      })
      const switches: Switch[] = supplySpecs.flatMap((spec, i) => {
        const wired = fullyWired ? busIds : busIds.filter((_, b) => (spec.wiring >> b) % 2 === 1)
        const chosen = spec.current === 0 || wired.length === 0 ? 0 : 1 + ((spec.current - 1) % wired.length) // 0 = open
        return wired.map((bus, j) => ({
          supply: `psu${i}`,
          bus,
          kind: spec.kinds[busIds.indexOf(bus) % spec.kinds.length] ?? 'fet',
          closed: spec.bridged || chosen === j + 1,
        }))
      })
      // With no bus, no load can be wired: a rack of supplies only.
      const loads: Load[] = (busIds.length === 0 ? [] : loadSpecs).map((spec, i) => {
        const first = spec.firstBus % busIds.length
        const second = (first + 1 + (spec.secondBus % Math.max(1, busIds.length - 1))) % busIds.length
        const loadBuses =
          spec.dual && busIds.length > 1 ? [busIds[first]!, busIds[second]!] : [busIds[first]!]
        return { id: `srv${i}`, powerW: spec.quarterWatts / 4, priority: spec.priority, buses: loadBuses }
      })
      return { supplies, buses, loads, switches, policy }
    })
}

/** Small enough for the brute-force reference: up to 4 supplies, 3 buses, 5 loads. */
export const smallRackArb = (options: RackArbOptions = {}): fc.Arbitrary<RackInput> =>
  rackInputArb({ maxSupplies: 4, maxBuses: 3, maxLoads: 5, ...options })

/**
 * A/B shelves as deployed: two buses (A more important, or equal), every supply wired to both,
 * mixed 800 W - 3 kW supplies, mostly dual-corded servers of 200-1200 W.
 */
export const realisticRackArb = (options: RackArbOptions = {}): fc.Arbitrary<RackInput> =>
  rackInputArb({
    minSupplies: 4,
    maxSupplies: 12,
    minBuses: 2,
    maxBuses: 2,
    minLoads: 4,
    maxLoads: 24,
    fullyWired: true,
    dualCordedShare: 0.8,
    busPriorities: [1, 1, 2],
    maxLoadW: 1200,
    healthyWeight: 12,
    ...options,
  })

/** The largest racks the spec names for admissibility: 192 supplies, 16 buses, 400 loads. */
export const largeRackArb = (options: RackArbOptions = {}): fc.Arbitrary<RackInput> =>
  rackInputArb({
    minSupplies: 192,
    maxSupplies: 192,
    minBuses: 16,
    maxBuses: 16,
    minLoads: 400,
    maxLoads: 400,
    maxLoadW: 900,
    healthyWeight: 20,
    ...options,
  })

/** The same rack with every array (and every load's bus list) in another order. */
export const shuffledRackArb = (input: RackInput): fc.Arbitrary<RackInput> =>
  fc
    .record({
      supplies: fc.shuffledSubarray([...input.supplies], { minLength: input.supplies.length }),
      buses: fc.shuffledSubarray([...input.buses], { minLength: input.buses.length }),
      loads: fc.shuffledSubarray([...input.loads], { minLength: input.loads.length }),
      switches: fc.shuffledSubarray([...input.switches], { minLength: input.switches.length }),
      reverseBusLists: fc.array(fc.boolean(), {
        minLength: input.loads.length,
        maxLength: input.loads.length,
      }),
    })
    .map(({ supplies, buses, loads, switches, reverseBusLists }) => ({
      supplies,
      buses,
      loads: loads.map((l) =>
        reverseBusLists[input.loads.indexOf(l)] ? { ...l, buses: [...l.buses].reverse() } : l,
      ),
      switches,
      policy: input.policy,
    }))
