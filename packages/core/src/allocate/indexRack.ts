/**
 * Pure. RackInput in, an integer-indexed canonical view out (ids sorted, watts in integer units).
 *
 * Everything the search touches is an integer index into typed arrays, so the inner loops allocate
 * nothing. Canonical order is ascending id by UTF-16 code units (JS `<`), which is also the order of
 * the level-5 tie-break, so the result does not depend on the order of the input arrays.
 *
 * Watts are compared as integers in quanta of 2^-20 W (about a microwatt): a load of `powerW` is
 * `q = ceil(powerW * 2^20)` quanta; its full share on one bus is `2q` units (units are half quanta) and
 * its half share on each of two up buses is `q` units; a supply's usable capacity is
 * `2 * floor(capacityW * derate * 2^20)` units and a bus rating `2 * floor(maxW * 2^20)`. Scaling by a
 * power of two is exact, so dyadic watts (quarter watts, derates like 0.875) are represented exactly and
 * every sum is an exact integer; other values are rounded the safe way (loads up, capacities down), so
 * a configuration judged powered here is powered in exact arithmetic too.
 */
import type { Bus, Load, RackInput, Supply } from '../model/rack.js'

/** Id order: UTF-16 code units (JS `<`), never localeCompare. */
export const compareIds = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Kinds as small integers: index into `switchKinds`. -1 = no switch. */
export const switchKinds = ['fet', 'relay', 'breaker'] as const

/** The rack as typed arrays over integer indexes, in id order. */
export interface RackIndex {
  readonly supplyIds: readonly string[]
  readonly busIds: readonly string[]
  readonly loadIds: readonly string[]
  readonly supplyCount: number
  readonly busCount: number
  readonly loadCount: number
  /** Usable capacity per supply, in units (half quanta). */
  readonly capacityU: Float64Array
  /** 1 when the supply may be connected (not failed or absent). */
  readonly usable: Uint8Array
  /** 1 when the supply is at risk (warning or failureRisk >= preemptRisk). */
  readonly atRisk: Uint8Array
  /**
   * The input's supplies in id order, for what only the reasons read (state, failure risk): not
   * copied per supply, since most plans never read them.
   */
  readonly supplies: readonly Supply[]
  /** Switch kind per (supply * busCount + bus): index into switchKinds, -1 when no switch. */
  readonly switchKind: Int8Array
  /** Current state per (supply * busCount + bus): 1 when closed. */
  readonly currentClosed: Uint8Array
  /**
   * Per supply: the buses it may be closed onto (switch exists, supply usable), ascending. Read only:
   * supplies (and racks) with the same buses share one array.
   */
  readonly options: readonly Int32Array[]
  /** Per supply: how many of its switches are closed now. */
  readonly currentClosedCount: Int32Array
  /**
   * Switch changes (level 4) per (supply * (busCount + 1) + 1 + bus), bus -1 = open: changesFor's
   * table, which the solvers read in their inner loops.
   */
  readonly changeCount: Int32Array
  /** Per supply: the bus it currently sits on when that is a valid single option, else -2 (none valid), -1 open. */
  readonly currentOption: Int32Array
  /** Load consumption in quanta (integer). */
  readonly loadQ: Float64Array
  /** The input's own numbers, for reports: usable watts per supply, watts per load. */
  readonly usableW: Float64Array
  readonly loadW: Float64Array
  /** First and second bus of each load (-1 when single-corded), second > first. */
  readonly loadBusA: Int32Array
  readonly loadBusB: Int32Array
  /** Rank of the load's priority among distinct load priorities, 0 = highest. */
  readonly loadPriorityRank: Int32Array
  /** Distinct load priorities, highest first. */
  readonly loadPriorities: readonly number[]
  /** Rank of the bus's priority among distinct bus priorities, 0 = highest. */
  readonly busPriorityRank: Int32Array
  readonly busPriorities: readonly number[]
  /** 1 when at least one load is wired to the bus. */
  readonly busWired: Uint8Array
  /** Bus rating in units, Infinity when unset. */
  readonly maxU: Float64Array
  readonly redundancyK: number
  readonly busRedundancy: boolean
  /** AC feeds named by some supply, in id order (empty when none is: level 3 is then as without feeds). */
  readonly feedIds: readonly string[]
  readonly feedCount: number
  /** Per supply: index into feedIds, -1 when it names no feed. */
  readonly supplyFeed: Int32Array
  /** Length of a service vector (see compareServiceVectors). */
  readonly vectorLength: number
}

/** Quanta per watt (2^20): loads are whole quanta. */
export const quantaPerWatt = 2 ** 20
/** Units per watt (2^21): bus loads and capacities are whole units (half quanta). */
export const unitsPerWatt = 2 * quantaPerWatt
const capacityUnits = (watts: number): number => 2 * Math.floor(watts * quantaPerWatt)

/**
 * The distinct priorities of `items`, highest first. A handful of items (the usual racks) are
 * inserted in place: no Set, no sort comparator; many go through a Set and one sort.
 */
const distinctPriorities = (items: readonly { readonly priority: number }[]): number[] => {
  if (items.length > 32) return Array.from(new Set(items.map((x) => x.priority))).sort((a, b) => b - a)
  const out: number[] = []
  for (let k = 0; k < items.length; k++) {
    const v = (items[k] as { readonly priority: number }).priority
    let i = 0
    while (i < out.length && (out[i] ?? 0) > v) i++
    if (i < out.length && out[i] === v) continue
    out.push(v)
    for (let j = out.length - 1; j > i; j--) out[j] = out[j - 1] ?? 0
    out[i] = v
  }
  return out
}

/** Position of `id` in a short list (a plain loop: cheaper than indexOf's call for a few items), or -1. */
const positionOf = (ids: readonly string[], id: string): number => {
  for (let i = 0; i < ids.length; i++) if (ids[i] === id) return i
  return -1
}

/** `items` in ascending id order: the array itself when already so (common), else a sorted copy. */
const byId = <T extends { readonly id: string }>(items: readonly T[]): readonly T[] => {
  // One string comparison per neighbour pair (each id read once): strings compare char by char.
  let prev = items.length > 0 ? (items[0] as T).id : ''
  for (let i = 1; i < items.length; i++) {
    const id = (items[i] as T).id
    if (id < prev) return [...items].sort((a, b) => compareIds(a.id, b.id))
    prev = id
  }
  return items
}

/**
 * Option lists (ascending bus indexes) by bus bit mask, for racks of up to 8 buses: every rack's
 * supplies share them, since a list depends only on which buses a supply may go to, and making one
 * per supply was the costliest part of indexing a small rack. They are never written to.
 */
const sharedOptionBuses = 8
const sharedOptions: (Int32Array | undefined)[] = []

/** The typed-array fields of an index, all views of one buffer. */
interface IndexViews {
  readonly supplyCount: number
  readonly loadCount: number
  readonly busCount: number
  readonly capacityU: Float64Array
  readonly usableW: Float64Array
  readonly loadQ: Float64Array
  readonly loadW: Float64Array
  readonly maxU: Float64Array
  readonly currentOption: Int32Array
  readonly currentClosedCount: Int32Array
  readonly changeCount: Int32Array
  readonly supplyFeed: Int32Array
  readonly loadBusA: Int32Array
  readonly loadBusB: Int32Array
  readonly loadPriorityRank: Int32Array
  readonly busPriorityRank: Int32Array
  readonly usable: Uint8Array
  readonly atRisk: Uint8Array
  readonly currentClosed: Uint8Array
  readonly busWired: Uint8Array
  readonly switchKind: Int8Array
  /** The byte fields written only where set (usable .. busWired), to zero on reuse. */
  readonly setOnly: Uint8Array
}

/**
 * One buffer, viewed as the fields: a typed array beyond 64 bytes is allocated off the heap, and each
 * such allocation costs more than indexing a 12-supply rack.
 */
const viewsOf = (S: number, L: number, B: number, buffer: ArrayBuffer): IndexViews => {
  const floats = 2 * S + 2 * L + B
  const ints = 3 * S + 3 * L + B + S * (B + 1)
  const intsAt = 8 * floats
  const bytesAt = intsAt + 4 * ints
  const setOnlyBytes = 2 * S + S * B + B
  return {
    supplyCount: S,
    loadCount: L,
    busCount: B,
    capacityU: new Float64Array(buffer, 0, S),
    usableW: new Float64Array(buffer, 8 * S, S),
    loadQ: new Float64Array(buffer, 16 * S, L),
    loadW: new Float64Array(buffer, 16 * S + 8 * L, L),
    maxU: new Float64Array(buffer, 16 * S + 16 * L, B),
    currentOption: new Int32Array(buffer, intsAt, S),
    currentClosedCount: new Int32Array(buffer, intsAt + 4 * S, S),
    supplyFeed: new Int32Array(buffer, intsAt + 8 * S, S),
    loadBusA: new Int32Array(buffer, intsAt + 12 * S, L),
    loadBusB: new Int32Array(buffer, intsAt + 12 * S + 4 * L, L),
    loadPriorityRank: new Int32Array(buffer, intsAt + 12 * S + 8 * L, L),
    busPriorityRank: new Int32Array(buffer, intsAt + 12 * S + 12 * L, B),
    changeCount: new Int32Array(buffer, intsAt + 12 * S + 12 * L + 4 * B, S * (B + 1)),
    usable: new Uint8Array(buffer, bytesAt, S),
    atRisk: new Uint8Array(buffer, bytesAt + S, S),
    currentClosed: new Uint8Array(buffer, bytesAt + 2 * S, S * B),
    busWired: new Uint8Array(buffer, bytesAt + 2 * S + S * B, B),
    switchKind: new Int8Array(buffer, bytesAt + setOnlyBytes, S * B),
    setOnly: new Uint8Array(buffer, bytesAt, setOnlyBytes),
  }
}

/** Bytes of the buffer viewsOf lays out. */
const bufferSize = (S: number, L: number, B: number): number =>
  8 * (2 * S + 2 * L + B) + 4 * (3 * S + 3 * L + B + S * (B + 1)) + 2 * S + 2 * S * B + B

/**
 * The buffer `indexRack(input, true)` reuses (allocate's own index, which never outlives the call:
 * a fresh buffer of this size lives off the heap and costs a tenth of a small rack's whole plan), and
 * its views for the last shape indexed (making the twenty views costs more than filling them).
 */
let reusedBuffer = new ArrayBuffer(4096)
let reusedViews: IndexViews | undefined

/** Views of the reused buffer for this shape: the last ones when the shape is the same. */
const reusedViewsFor = (S: number, L: number, B: number): IndexViews => {
  const last = reusedViews
  if (last !== undefined && last.supplyCount === S && last.loadCount === L && last.busCount === B) {
    // Written only where set: zeroed here (a fresh buffer is zeroed already).
    last.setOnly.fill(0)
    return last
  }
  const size = bufferSize(S, L, B)
  if (reusedBuffer.byteLength < size)
    reusedBuffer = new ArrayBuffer(Math.max(size, 2 * reusedBuffer.byteLength))
  const views = viewsOf(S, L, B, reusedBuffer)
  views.setOnly.fill(0)
  reusedViews = views
  return views
}

/**
 * Canonicalise and index a decoded rack. With `reuse`, the typed arrays are views of one module-level
 * buffer that the next such call overwrites: only for a caller that is done with the index before it
 * returns (allocate); everyone else gets arrays of their own.
 */
export const indexRack = (input: RackInput, reuse = false): RackIndex => {
  const supplies = byId(input.supplies)
  const buses = byId(input.buses)
  const loads = byId(input.loads)
  const supplyCount = supplies.length
  const busCount = buses.length
  const loadCount = loads.length
  const busIds: string[] = []
  for (const bus of buses) busIds.push(bus.id)
  // Few buses: a scan beats a map. (No inner helper functions here: the benchmark's transpiler wraps
  // each one made per call in a naming call that costs more than the scan it does.)
  const busMap = busCount > 8 ? new Map(busIds.map((id, i) => [id, i])) : undefined
  const policy = input.policy

  const S = supplyCount
  const L = loadCount
  const views = reuse
    ? reusedViewsFor(S, L, busCount)
    : viewsOf(S, L, busCount, new ArrayBuffer(bufferSize(S, L, busCount)))
  const { capacityU, usableW, loadQ, loadW, maxU, currentOption, currentClosedCount, changeCount } = views
  const supplyFeed = views.supplyFeed
  const { loadBusA, loadBusB, loadPriorityRank, busPriorityRank, usable, atRisk, currentClosed, busWired } =
    views
  const switchKind = views.switchKind
  switchKind.fill(-1)
  const supplyIds: string[] = []
  const derate = policy.derate
  const preemptRisk = policy.preemptRisk
  let anyFeed = false
  for (let i = 0; i < supplyCount; i++) {
    // Each input property read once (supplies with and without optional fields differ in shape).
    const s = supplies[i] as Supply
    const usableWatts = s.capacityW * derate
    const state = s.state
    const risk = s.failureRisk
    capacityU[i] = Math.max(0, capacityUnits(usableWatts))
    usableW[i] = usableWatts
    usable[i] = state === 'failed' || state === 'absent' ? 0 : 1
    atRisk[i] = state === 'warning' || (risk !== undefined && risk >= preemptRisk) ? 1 : 0
    supplyIds.push(s.id)
    supplyFeed[i] = -1 // set below when some supply names a feed
    if (s.feed !== undefined) anyFeed = true
  }

  // Switches usually come grouped by supply in supply order: try the last position and the next one
  // before a map (built on the first miss).
  let supplyMap: Map<string, number> | undefined
  let lastSupply = 0
  for (const sw of input.switches) {
    let s: number | undefined
    if (supplies[lastSupply]?.id === sw.supply) s = lastSupply
    else if (supplies[lastSupply + 1]?.id === sw.supply) s = ++lastSupply
    else {
      if (supplyMap === undefined) {
        supplyMap = new Map()
        for (let i = 0; i < supplyCount; i++) supplyMap.set((supplies[i] as Supply).id, i)
      }
      s = supplyMap.get(sw.supply)
      if (s !== undefined) lastSupply = s
    }
    const b = busMap === undefined ? positionOf(busIds, sw.bus) : (busMap.get(sw.bus) ?? -1)
    if (s === undefined || b < 0) continue // decode rejects these; stay total anyway
    const kind = sw.kind
    switchKind[s * busCount + b] = kind === 'fet' ? 0 : kind === 'relay' ? 1 : kind === 'breaker' ? 2 : -1
    if (sw.closed) currentClosed[s * busCount + b] = 1
  }

  const options: Int32Array[] = []
  for (let s = 0; s < supplyCount; s++) {
    let closedCount = 0
    let closedBus = -1
    let mask = 0
    let n = 0
    for (let b = 0; b < busCount; b++) {
      if (usable[s] === 1 && (switchKind[s * busCount + b] ?? -1) >= 0) {
        n++
        if (b < sharedOptionBuses) mask |= 1 << b
      }
      if (currentClosed[s * busCount + b] === 1) {
        closedCount++
        closedBus = b
      }
    }
    // Up to 8 buses the list is one of a few, shared (nobody writes to it); else its own small array.
    let opts = busCount <= sharedOptionBuses ? sharedOptions[mask] : undefined
    if (opts === undefined) {
      opts = new Int32Array(n)
      for (let b = 0, j = 0; b < busCount; b++)
        if (usable[s] === 1 && (switchKind[s * busCount + b] ?? -1) >= 0) opts[j++] = b
      if (busCount <= sharedOptionBuses) sharedOptions[mask] = opts
    }
    options.push(opts)
    currentClosedCount[s] = closedCount
    const row = s * (busCount + 1)
    changeCount[row] = closedCount
    for (let b = 0; b < busCount; b++)
      changeCount[row + 1 + b] = currentClosed[s * busCount + b] === 1 ? closedCount - 1 : closedCount + 1
    currentOption[s] = closedCount === 0 ? -1 : closedCount === 1 && usable[s] === 1 ? closedBus : -2
  }

  const loadPriorities = distinctPriorities(loads)
  const busPriorities = distinctPriorities(buses)
  const loadIds: string[] = []
  const loadRank = loadPriorities.length > 8 ? new Map(loadPriorities.map((p, r) => [p, r])) : undefined
  for (let i = 0; i < loadCount; i++) {
    // Each input property read once.
    const l = loads[i] as Load
    const powerW = l.powerW
    const priority = l.priority
    const wired = l.buses
    loadIds.push(l.id)
    loadQ[i] = Math.ceil(powerW * quantaPerWatt)
    loadW[i] = powerW
    let rank = -1
    if (loadRank !== undefined) rank = loadRank.get(priority) ?? -1
    else
      for (let r = 0; rank < 0 && r < loadPriorities.length; r++) if (loadPriorities[r] === priority) rank = r
    loadPriorityRank[i] = rank
    // Its known buses, distinct, ascending: the first two (decoding allows at most two).
    let a = -1
    let c = -1
    for (let k = 0; k < wired.length; k++) {
      const id = wired[k] ?? ''
      const b = busMap === undefined ? positionOf(busIds, id) : (busMap.get(id) ?? -1)
      if (b < 0 || b === a || b === c) continue
      if (a < 0 || b < a) {
        if (a >= 0 && (c < 0 || a < c)) c = a
        a = b
      } else if (c < 0 || b < c) c = b
      busWired[b] = 1
    }
    loadBusA[i] = a
    loadBusB[i] = c
  }

  for (let i = 0; i < busCount; i++) {
    const b = buses[i] as Bus
    busPriorityRank[i] = busPriorities.indexOf(b.priority)
    maxU[i] = b.maxW === undefined ? Infinity : capacityUnits(b.maxW)
  }

  const feedIds: string[] = []
  if (anyFeed) {
    for (const s of supplies) if (s.feed !== undefined && !feedIds.includes(s.feed)) feedIds.push(s.feed)
    feedIds.sort(compareIds)
    for (let i = 0; i < supplyCount; i++) {
      const f = (supplies[i] as Supply).feed
      if (f !== undefined) supplyFeed[i] = feedIds.indexOf(f)
    }
  }

  return {
    supplyIds,
    busIds,
    loadIds,
    supplyCount,
    busCount,
    loadCount,
    capacityU,
    usable,
    atRisk,
    supplies,
    switchKind,
    currentClosed,
    options,
    currentClosedCount,
    changeCount,
    currentOption,
    loadQ,
    usableW,
    loadW,
    loadBusA,
    loadBusB,
    loadPriorityRank,
    loadPriorities,
    busPriorityRank,
    busPriorities,
    busWired,
    maxU,
    redundancyK: Math.max(0, Math.floor(policy.supplyRedundancy)),
    busRedundancy: policy.busRedundancy,
    feedIds,
    feedCount: feedIds.length,
    supplyFeed,
    vectorLength: 2 * loadPriorities.length + busPriorities.length + 2,
  }
}

/** Switch changes (level 4) if supply `s` ends on `bus` (-1 = open), against the current state. */
export const changesFor = (ix: RackIndex, s: number, bus: number): number =>
  ix.changeCount[s * (ix.busCount + 1) + 1 + bus] ?? 0
