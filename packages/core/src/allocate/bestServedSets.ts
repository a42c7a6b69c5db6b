/**
 * Pure. For a rack of at most 2 buses naming no feed: every (up set, served set) pair that reaches
 * the best level 1 (served loads by priority) of any admissible configuration, or null when this
 * cannot tell within its work limits (the caller then runs the general search).
 *
 * Why this is exact: level 1 depends only on the served set, and a served set S is possible with up
 * set U exactly when each bus of U can get a supply and the capacity its share of S needs (within its
 * rating), supplies going where their switches allow (more supplies never hurt). With two buses
 * that is one interval test: the capacity X of the supplies that may go to either bus and go to the
 * first must lie in [L1 - only1, all - L2 + only2], and X ranges over the subset sums of those
 * supplies. Level 1 compares priorities from the highest, so the best is found rank by rank: the
 * most loads, then the most watts, of one priority given the choice for the higher ones (ties kept:
 * each is followed on), by depth first search over that priority's loads (smallest first, serve
 * before shed), bounded by how many of the rest fit in the spare pooled capacity.
 *
 * bestSheddingOf runs the same search for fixed switches (each up bus's capacity fixed), for the
 * current state's best shedding that explainChanges compares the target with.
 */
import { evaluateConfiguration, type Evaluation } from './evaluateConfiguration.js'
import type { RackIndex } from './indexRack.js'

/** An up set (bus bit mask) and the loads it serves (1 = served), best on level 1. */
export interface ServedChoice {
  readonly mask: number
  readonly served: Uint8Array
}

/** Search nodes allowed before giving up (each costs about a microsecond at most). */
const workLimit = 20_000
/** Tied best choices allowed before giving up (each costs a profile search in the solver). */
const choiceLimit = 16

/** What a served set S needs on each bus of one up set, and whether it can have it. */
interface Capacity {
  readonly mask: number
  /** Most load any assignment can carry over both buses together (ratings included). */
  readonly pooled: number
  fits(load0: number, load1: number): boolean
}

/** One bus up (bus x): every supply that may go there, within its rating. */
class OneBus implements Capacity {
  readonly pooled: number
  constructor(
    readonly mask: number,
    readonly x: number,
    total: number,
    rating: number,
  ) {
    this.pooled = Math.min(total, rating)
  }

  fits(load0: number, load1: number): boolean {
    return (this.x === 0 ? load0 : load1) <= this.pooled
  }
}

/**
 * Both buses up: supplies only bus 0 may take (capacity only0, count), only bus 1 may take, and those
 * either may take (their subset sums, ascending, distinct).
 */
class TwoBuses implements Capacity {
  readonly mask = 3
  readonly pooled: number
  constructor(
    readonly only0: number,
    readonly count0: number,
    readonly only1: number,
    readonly count1: number,
    readonly either: number,
    readonly sums: readonly number[],
    readonly max0: number,
    readonly max1: number,
  ) {
    this.pooled = Math.min(
      only0 + only1 + either,
      Math.min(max0, only0 + either) + Math.min(max1, only1 + either),
    )
  }

  fits(load0: number, load1: number): boolean {
    if (load0 > this.max0 || load1 > this.max1) return false
    // Bus 0 needs a supply: one of its own, or some of the shared ones (capacities are positive).
    let lo = Math.max(0, load0 - this.only0)
    if (this.count0 === 0) lo = Math.max(lo, 1)
    let hi = this.either + this.only1 - load1
    if (this.count1 === 0) hi = Math.min(hi, this.either - 1)
    if (lo > hi) return false
    // Smallest subset sum >= lo.
    const sums = this.sums
    let a = 0
    let b = sums.length
    while (a < b) {
      const m = (a + b) >> 1
      if ((sums[m] ?? 0) < lo) a = m + 1
      else b = m
    }
    return a < sums.length && (sums[a] ?? 0) <= hi
  }
}

/** Fixed switches: each up bus carries up to its closed capacity, within its rating. */
class FixedSwitches implements Capacity {
  readonly pooled: number
  constructor(
    readonly mask: number,
    readonly limit0: number,
    readonly limit1: number,
  ) {
    this.pooled = limit0 + limit1
  }

  fits(load0: number, load1: number): boolean {
    return load0 <= this.limit0 && load1 <= this.limit1
  }
}

/** Subset sums of `caps`, ascending and distinct. */
const subsetSums = (caps: readonly number[]): number[] => {
  let sums = [0]
  for (const c of caps) {
    const merged: number[] = []
    let i = 0
    let j = 0
    while (i < sums.length || j < sums.length) {
      const x = i < sums.length ? (sums[i] ?? 0) : Infinity
      const y = j < sums.length ? (sums[j] ?? 0) + c : Infinity
      const v = Math.min(x, y)
      if (x === v) i++
      if (y === v) j++
      merged.push(v)
    }
    sums = merged
  }
  return sums
}

/** The capacity model of up set `mask`, or null when some bus of it can get no supply. */
const capacityOf = (ix: RackIndex, mask: number): Capacity | null => {
  const B = ix.busCount
  let only0 = 0
  let count0 = 0
  let only1 = 0
  let count1 = 0
  const either: number[] = []
  for (let s = 0; s < ix.supplyCount; s++) {
    if (ix.usable[s] === 0) continue
    const to0 = (mask & 1) !== 0 && (ix.switchKind[s * B] ?? -1) >= 0
    const to1 = (mask & 2) !== 0 && B > 1 && (ix.switchKind[s * B + 1] ?? -1) >= 0
    const c = ix.capacityU[s] ?? 0
    if (to0 && to1) either.push(c)
    else if (to0) {
      only0 += c
      count0++
    } else if (to1) {
      only1 += c
      count1++
    }
  }
  if (mask === 3) {
    let total = 0
    for (const c of either) total += c
    const cap = new TwoBuses(
      only0,
      count0,
      only1,
      count1,
      total,
      subsetSums(either),
      ix.maxU[0] ?? Infinity,
      ix.maxU[1] ?? Infinity,
    )
    // Both buses up at all (a supply each) with no load.
    return cap.fits(0, 0) ? cap : null
  }
  const x = mask === 1 ? 0 : 1
  let total = x === 0 ? only0 : only1
  for (const c of either) total += c
  if ((x === 0 ? count0 : count1) + either.length === 0) return null
  return new OneBus(mask, x, total, ix.maxU[x] ?? Infinity)
}

/** The search over one up set's served sets, priority by priority. */
class ServedSearch {
  readonly P: number
  /** Per priority rank: its loads with a bus in the up set, by watts ascending (then id). */
  readonly byRank: number[][] = []
  /** Per load: what serving it adds to bus 0 and bus 1 (units; plain arrays: typed ones of a rack's
   * loads would be allocated off the heap, at more than this search's usual cost). */
  readonly add0: number[] = []
  readonly add1: number[] = []
  readonly served: Uint8Array
  /** The served sets reaching the best vector so far, and that vector ([count, quanta] per rank). */
  results: Uint8Array[] = []
  bestVector: number[] | null = null
  work = 0
  aborted = false
  /** Within one rank: the best [count, quanta] so far and the subsets (load lists) reaching it. */
  rankBestCount = -1
  rankBestQuanta = -1
  rankTies: number[][] = []
  readonly path: number[] = []
  loads: number[] = []
  /** Suffix sums of 2q (pooled use) and q over `loads`. */
  sufUse: number[] = []
  sufQ: number[] = []

  constructor(
    readonly ix: RackIndex,
    readonly cap: Capacity,
  ) {
    const L = ix.loadCount
    this.P = ix.loadPriorities.length
    this.served = new Uint8Array(L)
    for (let r = 0; r < this.P; r++) this.byRank.push([])
    const mask = cap.mask
    for (let l = 0; l < L; l++) {
      this.add0.push(0)
      this.add1.push(0)
    }
    for (let l = 0; l < L; l++) {
      const a = ix.loadBusA[l] ?? -1
      const c = ix.loadBusB[l] ?? -1
      const aUp = a >= 0 && (mask & (1 << a)) !== 0
      const cUp = c >= 0 && (mask & (1 << c)) !== 0
      if (!aUp && !cUp) continue
      const q = ix.loadQ[l] ?? 0
      // Dual-corded with both buses up: half on each (q units each); else all on the one up bus.
      if (aUp && cUp) {
        this.add0[l] = q
        this.add1[l] = q
      } else if ((aUp ? a : c) === 0) this.add0[l] = 2 * q
      else this.add1[l] = 2 * q
      this.byRank[ix.loadPriorityRank[l] ?? 0]?.push(l)
    }
    for (const loads of this.byRank) loads.sort((x, y) => (ix.loadQ[x] ?? 0) - (ix.loadQ[y] ?? 0) || x - y)
  }

  /** Follow every tie of ranks r.. given the loads served so far (vector: the higher ranks' values). */
  rank(r: number, load0: number, load1: number, vector: number[]): void {
    if (this.aborted) return
    if (r === this.P) {
      this.offer(vector)
      return
    }
    const loads = this.byRank[r] ?? []
    this.loads = loads
    const n = loads.length
    this.sufUse = new Array<number>(n + 1).fill(0)
    this.sufQ = new Array<number>(n + 1).fill(0)
    for (let j = n - 1; j >= 0; j--) {
      const q = this.ix.loadQ[loads[j] ?? 0] ?? 0
      this.sufUse[j] = (this.sufUse[j + 1] ?? 0) + 2 * q
      this.sufQ[j] = (this.sufQ[j + 1] ?? 0) + q
    }
    this.rankBestCount = -1
    this.rankBestQuanta = -1
    this.rankTies = []
    this.path.length = 0
    this.dfs(0, 0, 0, load0, load1)
    if (this.aborted) return
    const ties = this.rankTies
    const count = this.rankBestCount
    const quanta = this.rankBestQuanta
    for (const tie of ties) {
      let l0 = load0
      let l1 = load1
      for (const l of tie) {
        this.served[l] = 1
        l0 += this.add0[l] ?? 0
        l1 += this.add1[l] ?? 0
      }
      this.rank(r + 1, l0, l1, [...vector, count, quanta])
      for (const l of tie) this.served[l] = 0
      if (this.aborted) return
    }
  }

  dfs(j: number, count: number, quanta: number, load0: number, load1: number): void {
    if (++this.work > workLimit) {
      this.aborted = true
      return
    }
    const loads = this.loads
    const n = loads.length
    // Bound: the smallest of the rest that fit the spare pooled capacity (each served load uses 2q).
    const spare = this.cap.pooled - load0 - load1
    let fit = 0
    if ((this.sufUse[j] ?? 0) <= spare) fit = n - j
    else {
      let used = 0
      for (let i = j; i < n; i++) {
        used += 2 * (this.ix.loadQ[loads[i] ?? 0] ?? 0)
        if (used > spare) break
        fit++
      }
    }
    const most = count + fit
    if (most < this.rankBestCount) return
    if (most === this.rankBestCount && quanta + Math.min(this.sufQ[j] ?? 0, spare / 2) < this.rankBestQuanta)
      return
    if (j === n) {
      if (count > this.rankBestCount || (count === this.rankBestCount && quanta > this.rankBestQuanta)) {
        this.rankBestCount = count
        this.rankBestQuanta = quanta
        this.rankTies = [this.path.slice()]
      } else if (count === this.rankBestCount && quanta === this.rankBestQuanta) {
        this.rankTies.push(this.path.slice())
        if (this.rankTies.length > choiceLimit) this.aborted = true
      }
      return
    }
    const l = loads[j] ?? 0
    const l0 = load0 + (this.add0[l] ?? 0)
    const l1 = load1 + (this.add1[l] ?? 0)
    if (this.cap.fits(l0, l1)) {
      this.path.push(l)
      this.dfs(j + 1, count + 1, quanta + (this.ix.loadQ[l] ?? 0), l0, l1)
      this.path.pop()
      if (this.aborted) return
    }
    this.dfs(j + 1, count, quanta, load0, load1)
  }

  /** A complete served set with level-1 vector `vector`: kept when best so far (ties kept too). */
  offer(vector: number[]): void {
    const c = this.bestVector === null ? 1 : compareVectors(vector, this.bestVector)
    if (c < 0) return
    if (c > 0) {
      this.bestVector = vector
      this.results = []
    }
    this.results.push(this.served.slice())
    if (this.results.length > choiceLimit) this.aborted = true
  }
}

const compareVectors = (x: readonly number[], y: readonly number[]): number => {
  for (let i = 0; i < x.length; i++)
    if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0) ? 1 : -1
  return 0
}

/** The level-5 order of served sets: the first load (in id order) that differs, served first. */
const compareTieBreak = (x: Uint8Array, y: Uint8Array): number => {
  for (let l = 0; l < x.length; l++) if (x[l] !== y[l]) return x[l] === 1 ? -1 : 1
  return 0
}

/**
 * The (up set, served set) pairs reaching the best level 1, up sets ascending, each one's served sets
 * in the level-5 order; null outside the range (more than 2 buses, feeds, a usable supply of no
 * capacity) or past the work limits, or when the best serves no load (then an all-open configuration
 * ties on level 1, which these pairs leave out).
 */
export const bestServedSets = (ix: RackIndex): ServedChoice[] | null => {
  const B = ix.busCount
  if (B > 2 || B === 0 || ix.feedCount > 0) return null
  for (let s = 0; s < ix.supplyCount; s++) if (ix.usable[s] === 1 && (ix.capacityU[s] ?? 0) <= 0) return null
  let best: number[] | null = null
  let choices: ServedChoice[] = []
  for (let mask = 1; mask < 1 << B; mask++) {
    const cap = capacityOf(ix, mask)
    if (cap === null) continue
    const search = new ServedSearch(ix, cap)
    search.rank(0, 0, 0, [])
    if (search.aborted) return null
    const vector = search.bestVector
    if (vector === null) continue
    const c = best === null ? 1 : compareVectors(vector, best)
    if (c < 0) continue
    if (c > 0) {
      best = vector
      choices = []
    }
    const mine = search.results.sort(compareTieBreak)
    for (const served of mine) choices.push({ mask, served })
    if (choices.length > choiceLimit) return null
  }
  if (best === null) return null
  let servesAny = false
  for (let r = 0; r < best.length; r += 2) if ((best[r] ?? 0) > 0) servesAny = true
  return servesAny ? choices : null
}

/**
 * The best shedding of fixed switches `assign` (a bus per supply) in a rack of at most 2 buses: the
 * served sets best on level 1 (as above, capacities fixed), the best of them on levels 2-3 (from
 * their evaluations), then first in the tie-break. Null outside that range or past the work limits.
 */
export const bestSheddingOf = (ix: RackIndex, assign: Int32Array): Evaluation | null => {
  const B = ix.busCount
  if (B > 2 || B === 0) return null
  let mask = 0
  const capacity = [0, 0]
  for (let s = 0; s < ix.supplyCount; s++) {
    const b = assign[s] ?? -1
    if (b < 0) continue
    mask |= 1 << b
    capacity[b] = (capacity[b] ?? 0) + (ix.capacityU[s] ?? 0)
  }
  const limit0 = (mask & 1) === 0 ? 0 : Math.min(capacity[0] ?? 0, ix.maxU[0] ?? Infinity)
  const limit1 = (mask & 2) === 0 ? 0 : Math.min(capacity[1] ?? 0, ix.maxU[1] ?? Infinity)
  const search = new ServedSearch(ix, new FixedSwitches(mask, limit0, limit1))
  search.rank(0, 0, 0, [])
  if (search.aborted) return null
  let best: Evaluation | null = null
  let bestServed: Uint8Array | null = null
  for (const served of search.results) {
    const e = evaluateConfiguration(ix, assign, served)
    const c = best === null ? 1 : compareVectors(e.vector, best.vector)
    if (c > 0 || (c === 0 && bestServed !== null && compareTieBreak(served, bestServed) < 0)) {
      best = e
      bestServed = served
    }
  }
  return best
}
