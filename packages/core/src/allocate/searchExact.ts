/**
 * Pure (mutates only the incumbent it is handed). Branch and bound over the supplies' assignments, each
 * leaf solved exactly by chooseSheddingExact. Returns true when the search finished within the work
 * budget, i.e. the incumbent is proven optimal.
 *
 * Supplies are branched in id order (so a prefix decides the supply part of the tie-break), the current
 * bus first (a good incumbent comes early). At every node an optimistic service vector bounds what any
 * completion can reach; the node is cut when it is below the incumbent (or equal on levels 1-4 with a
 * worse supply prefix):
 * - level 1: loads that some still possible bus could carry (its rating, and the capacity of every
 *   supply that could still join it), cut lexicographically by the capacity that can still be connected;
 *   on every bus that must be up (already up, or the only possible bus of a load a rival must serve), a
 *   knapsack over the loads wired to it, each putting at least half its watts there; and, for up to 4
 *   buses, the exact best shedding over every up set with the largest possible limits, computed once at
 *   the root (levelOneBound);
 * - "must serve": at the priorities where the incumbent serves every candidate, a rival must serve them
 *   all too, which fixes a least load per bus; a bus that could not carry it must stay down (cut if up);
 * - level 2: buses that can still meet N+k, sharing one pool of remaining non-risk supplies (capacity
 *   and count, the k largest of each bus removed); and over all buses at once: of the non-risk supplies
 *   that can still count, the k largest are never kept and each further loaded bus drops k more;
 * - level 3: scenarios that can still be survived, each on its own (no must-serve load lost, the other
 *   up buses able to reach the moved load), and for up to 4 buses as sets sharing the remaining
 *   capacity (a bus needs the largest of the demands of the scenarios it backs up);
 *   and, for racks with two wired buses, once per search: whether any split of the non-risk supplies
 *   lets both meet N+k with the loads a rival must serve (bothWiredCanMeetNPlusK); and the pooled
 *   redundant capacity must cover the incumbent's served watts when every wired bus is to meet N+k;
 * - level 3 for racks with two wired buses: only scenarios that some supply split can survive while
 *   keeping the incumbent's N+k counts (survivableScenarios, redone when the incumbent's levels 1-2
 *   change);
 * - level 3, feed-loss scenarios (racks naming feeds): feeds that can still be counted (a closed
 *   supply on a bus some load could be fed through, or a remaining supply on the feed), and whose loss
 *   leaves enough capacity: every served watt must land on a bus that keeps supplies off the feed, so
 *   the capacity off the feed that can still be closed must cover the incumbent's served watts;
 * - level 4: changes so far plus the least each remaining supply must change, plus, for each bus that
 *   must be up, powered or N+k and cannot be with the supplies free on it, the fewest other supplies
 *   that could cover what it lacks times their least extra change (forcedExtraChanges);
 * - below a node whose bound on levels 1-3 was no better than the incumbent, the subtree first tries
 *   the O(i) level-4 and tie-break test alone (cheaplyPruned).
 * Identical supplies (same capacity, risk, switches and current state) take non-decreasing options in id
 * order: any optimum can be permuted into that form without losing on levels 1-4, and the tie-break
 * prefers it.
 */
import {
  chooseSheddingExact,
  createIncumbent,
  type Incumbent,
  type SheddingWorkspace,
} from './chooseShedding.js'
import { redundantOf } from './switchSide.js'
import { changesFor, type RackIndex } from './indexRack.js'
import { carveFloat64, carveInt32 } from './carve.js'

/** Per-rack tables for the branch and bound: change costs, what the remaining supplies can still add. */
export interface SearchContext {
  readonly ix: RackIndex
  readonly ws: SheddingWorkspace
  /** changeCost[s][j+1]: changes when supply s takes option j (index 0 = open). */
  readonly changeCost: readonly Float64Array[]
  readonly minChangesFrom: Float64Array
  /** Per (i * B + b): capacity of supplies i.. that could be closed onto b. */
  readonly remCap: Float64Array
  readonly remNonRiskCap: Float64Array
  readonly remReach: Int32Array
  /** Per i: total capacity of supplies i.. that could be closed onto some bus. */
  readonly remTotalCap: Float64Array
  /** Previous identical supply, or -1. */
  readonly supplyTwin: Int32Array
  /** Per i: non-risk capacity, count and smallest capacity of supplies i.. that can be closed somewhere. */
  readonly remPool: Float64Array
  readonly remPoolCount: Int32Array
  readonly remPoolMin: Float64Array
  /** Per (i * B + b): non-risk supplies i.. that could be closed onto b. */
  readonly remNonRiskReach: Int32Array
  /** Per (i * k + j): the j-th largest capacity among non-risk supplies i.. that can be closed somewhere. */
  readonly remTop: Float64Array
  /**
   * Per (i * B + b), over supplies i.. that reach b at their least change cost ("free" on b): their
   * capacity, count, non-risk capacity, and (per (i * B + b) * k + j) the j-th largest non-risk one.
   */
  readonly freeCap: Float64Array
  readonly freeCount: Int32Array
  readonly freeNonRiskCap: Float64Array
  readonly freeTop: Float64Array
  /** Per (i * B + b): the least extra change (over its least) of a supply i.. that could join b but not free; Infinity if none. */
  readonly minExtra: Float64Array
  /** Per (b * P + r): watts (quanta) of the loads of priority rank r wired to bus b. */
  readonly wiredQ: Float64Array
  /** Per bus: the supplies that could be closed onto it, largest capacity first (then id). */
  readonly reachByCap: readonly Int32Array[]
  /** Per (s * B + b): the extra change (over its least) of supply s joining bus b; 0 when free there. */
  readonly extraOn: Float64Array
  /** Per (i * F + f): supplies i.. on feed f that can be closed somewhere. */
  readonly remFeedReach: Int32Array
  /** Per (i * F + f): capacity of supplies i.. not on feed f that can be closed somewhere. */
  readonly remOffFeedCap: Float64Array
}

/** Whether supplies s and t are interchangeable: same capacity, risk, feed, options and current switches. */
const sameSupply = (ix: RackIndex, s: number, t: number): boolean => {
  if (ix.capacityU[s] !== ix.capacityU[t] || ix.atRisk[s] !== ix.atRisk[t]) return false
  // Supplies on different feeds are not interchangeable (feed-loss scenarios tell them apart).
  if (ix.supplyFeed[s] !== ix.supplyFeed[t]) return false
  const a = ix.options[s] ?? new Int32Array(0)
  const b = ix.options[t] ?? new Int32Array(0)
  if (a.length !== b.length) return false
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false
  // A supply's closed switches are among its options (those are every switch of a usable supply).
  const B = ix.busCount
  for (let j = 0; j < a.length; j++) {
    const b = a[j] ?? 0
    if (ix.currentClosed[s * B + b] !== ix.currentClosed[t * B + b]) return false
  }
  return true
}

/**
 * Per supply with an option, the previous supply identical to it (sameSupply), or -1: a hash table of
 * the last supply seen per class (numbers, not string keys, which cost more than the rest of the
 * search tables together).
 */
const twinSupplies = (ix: RackIndex): Int32Array => {
  const S = ix.supplyCount
  const B = ix.busCount
  const twin = new Int32Array(S).fill(-1)
  let size = 16
  while (size < 2 * S) size *= 2
  const last = new Int32Array(size).fill(-1)
  for (let s = 0; s < S; s++) {
    const opts = ix.options[s] ?? new Int32Array(0)
    if (opts.length === 0) continue
    const cap = ix.capacityU[s] ?? 0
    let h = Math.imul((cap % 4294967296) | 0, 0x9e3779b1) ^ ((cap / 4294967296) | 0)
    h = Math.imul(h ^ (ix.atRisk[s] ?? 0), 0x85ebca6b) ^ (ix.supplyFeed[s] ?? -1)
    for (let j = 0; j < opts.length; j++) h = Math.imul(h ^ (opts[j] ?? 0), 0xc2b2ae35)
    for (let j = 0; j < opts.length; j++) {
      const b = opts[j] ?? 0
      if (ix.currentClosed[s * B + b] === 1) h = Math.imul(h ^ (b + 1000), 0x27d4eb2f)
    }
    let at = (h ^ (h >>> 15)) & (size - 1)
    for (;;) {
      const t = last[at] ?? -1
      if (t < 0) break
      if (sameSupply(ix, s, t)) {
        twin[s] = t
        break
      }
      at = (at + 1) & (size - 1)
    }
    last[at] = s
  }
  return twin
}

/**
 * Supplies by capacity, largest first, then id: the engine's numeric sort on exact keys (the search
 * tables are built once per call, mostly before the optimising compiler reaches them), a comparator
 * sort only where those would not be exact.
 */
const suppliesByCapacity = (ix: RackIndex): Int32Array => {
  const S = ix.supplyCount
  let span = 1
  while (span < S) span *= 2
  let maxCap = 0
  for (let s = 0; s < S; s++) maxCap = Math.max(maxCap, ix.capacityU[s] ?? 0)
  if ((maxCap + 1) * span > 2 ** 53) {
    return Int32Array.from({ length: S }, (_, s) => s).sort(
      (x, y) => (ix.capacityU[y] ?? 0) - (ix.capacityU[x] ?? 0) || x - y,
    )
  }
  const keys = new Float64Array(S)
  for (let s = 0; s < S; s++) keys[s] = (maxCap - (ix.capacityU[s] ?? 0)) * span + s
  keys.sort()
  const order = new Int32Array(S)
  for (let i = 0; i < S; i++) order[i] = (keys[i] ?? 0) % span
  return order
}

/** Build the search tables for a rack. */
export const createSearchContext = (ix: RackIndex, ws: SheddingWorkspace): SearchContext => {
  const S = ix.supplyCount
  const B = ix.busCount
  const k = ix.redundancyK
  const SB = (S + 1) * B
  const [
    leastChange,
    minChangesFrom,
    remCap,
    remNonRiskCap,
    remTotalCap,
    remPool,
    remPoolMin,
    remTop,
    freeCap,
    freeNonRiskCap,
    freeTop,
    minExtra,
  ] = carveFloat64(
    S,
    S + 1,
    SB,
    SB,
    S + 1,
    S + 1,
    S + 1,
    (S + 1) * Math.max(1, k),
    SB,
    SB,
    SB * Math.max(1, k),
    SB,
  )
  remPoolMin.fill(Infinity)
  minExtra.fill(Infinity)
  const [remReach, remPoolCount, remNonRiskReach, freeCount] = carveInt32(SB, S + 1, SB, SB)
  const changeCost: Float64Array[] = []
  /** Per supply: its least change cost over its options (leastChange). */
  for (let s = 0; s < S; s++) {
    const opts = ix.options[s] ?? new Int32Array(0)
    const c = new Float64Array(opts.length + 1)
    let least = (c[0] = changesFor(ix, s, -1))
    for (let j = 0; j < opts.length; j++) {
      const x = (c[j + 1] = changesFor(ix, s, opts[j] ?? -1))
      if (x < least) least = x
    }
    changeCost.push(c)
    leastChange[s] = least
  }
  for (let s = S - 1; s >= 0; s--) {
    const least = leastChange[s] ?? 0
    minChangesFrom[s] = (minChangesFrom[s + 1] ?? 0) + least
    // Row s starts as row s + 1: whole rows copied by the engine (these tables are most of the setup,
    // which runs once per call, often before the optimising compiler has reached it).
    const row = s * B
    freeCap.copyWithin(row, row + B, row + 2 * B)
    freeCount.copyWithin(row, row + B, row + 2 * B)
    freeNonRiskCap.copyWithin(row, row + B, row + 2 * B)
    minExtra.copyWithin(row, row + B, row + 2 * B)
    freeTop.copyWithin(row * k, (row + B) * k, (row + 2 * B) * k)
    const sOpts = ix.options[s] ?? new Int32Array(0)
    for (let j = 0; j < sOpts.length; j++) {
      const here = s * B + (sOpts[j] ?? 0)
      const extra = (changeCost[s]?.[j + 1] ?? 0) - least
      const c = ix.capacityU[s] ?? 0
      if (extra > 0) {
        minExtra[here] = Math.min(minExtra[here] ?? Infinity, extra)
        continue
      }
      freeCap[here] = (freeCap[here] ?? 0) + c
      freeCount[here] = (freeCount[here] ?? 0) + 1
      if (ix.atRisk[s] === 1) continue
      freeNonRiskCap[here] = (freeNonRiskCap[here] ?? 0) + c
      let carry = c
      for (let t = 0; t < k; t++) {
        const x = freeTop[here * k + t] ?? 0
        if (carry > x) {
          freeTop[here * k + t] = carry
          carry = x
        }
      }
    }
    const opts = ix.options[s] ?? new Int32Array(0)
    const cap = ix.capacityU[s] ?? 0
    remTotalCap[s] = (remTotalCap[s + 1] ?? 0) + (opts.length > 0 ? cap : 0)
    const pooled = opts.length > 0 && ix.atRisk[s] === 0
    remPool[s] = (remPool[s + 1] ?? 0) + (pooled ? cap : 0)
    remPoolCount[s] = (remPoolCount[s + 1] ?? 0) + (pooled ? 1 : 0)
    remPoolMin[s] = pooled ? Math.min(cap, remPoolMin[s + 1] ?? Infinity) : (remPoolMin[s + 1] ?? Infinity)
    let carry = pooled ? cap : 0
    for (let j = 0; j < k; j++) {
      const t = remTop[(s + 1) * k + j] ?? 0
      if (carry > t) {
        remTop[s * k + j] = carry
        carry = t
      } else remTop[s * k + j] = t
    }
    remNonRiskReach.copyWithin(row, row + B, row + 2 * B)
    remCap.copyWithin(row, row + B, row + 2 * B)
    remNonRiskCap.copyWithin(row, row + B, row + 2 * B)
    remReach.copyWithin(row, row + B, row + 2 * B)
    for (let j = 0; j < opts.length; j++) {
      const b = opts[j] ?? 0
      remCap[s * B + b] = (remCap[s * B + b] ?? 0) + cap
      if (ix.atRisk[s] === 0) {
        remNonRiskCap[s * B + b] = (remNonRiskCap[s * B + b] ?? 0) + cap
        remNonRiskReach[s * B + b] = (remNonRiskReach[s * B + b] ?? 0) + 1
      }
      remReach[s * B + b] = (remReach[s * B + b] ?? 0) + 1
    }
  }
  const F = ix.feedCount
  const remFeedReach = new Int32Array((S + 1) * F)
  const remOffFeedCap = new Float64Array((S + 1) * F)
  for (let s = S - 1; s >= 0; s--) {
    const reaches = (ix.options[s]?.length ?? 0) > 0
    const feed = ix.supplyFeed[s] ?? -1
    for (let f = 0; f < F; f++) {
      const here = s * F + f
      const next = (s + 1) * F + f
      remFeedReach[here] = (remFeedReach[next] ?? 0) + (reaches && feed === f ? 1 : 0)
      remOffFeedCap[here] = (remOffFeedCap[next] ?? 0) + (reaches && feed !== f ? (ix.capacityU[s] ?? 0) : 0)
    }
  }
  const supplyTwin = twinSupplies(ix)
  const P = ix.loadPriorities.length
  const wiredQ = new Float64Array(B * P)
  for (let l = 0; l < ix.loadCount; l++) {
    const r = ix.loadPriorityRank[l] ?? 0
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    if (a >= 0) wiredQ[a * P + r] = (wiredQ[a * P + r] ?? 0) + (ix.loadQ[l] ?? 0)
    if (c >= 0 && c !== a) wiredQ[c * P + r] = (wiredQ[c * P + r] ?? 0) + (ix.loadQ[l] ?? 0)
  }
  const reachCount = new Int32Array(B)
  const extraOn = new Float64Array(S * B)
  for (let s = 0; s < S; s++) {
    const opts = ix.options[s] ?? new Int32Array(0)
    const costs = changeCost[s] ?? new Float64Array(1)
    for (let j = 0; j < opts.length; j++) {
      const b = opts[j] ?? 0
      reachCount[b] = (reachCount[b] ?? 0) + 1
      extraOn[s * B + b] = (costs[j + 1] ?? 0) - (leastChange[s] ?? 0)
    }
  }
  // Each bus's list in the order of all supplies by capacity, largest first (then id).
  const byCap = suppliesByCapacity(ix)
  const reachByCap = Array.from(reachCount, (n) => new Int32Array(n))
  const filled = new Int32Array(B)
  for (let i = 0; i < S; i++) {
    const s = byCap[i] ?? 0
    const opts = ix.options[s] ?? new Int32Array(0)
    for (let j = 0; j < opts.length; j++) {
      const b = opts[j] ?? 0
      const list = reachByCap[b]
      if (list === undefined) continue
      list[filled[b] ?? 0] = s
      filled[b] = (filled[b] ?? 0) + 1
    }
  }
  return {
    ix,
    ws,
    changeCost,
    minChangesFrom,
    remCap,
    remNonRiskCap,
    remReach,
    remTotalCap,
    supplyTwin,
    remPool,
    remPoolCount,
    remPoolMin,
    remNonRiskReach,
    remTop,
    freeCap,
    freeCount,
    freeNonRiskCap,
    freeTop,
    minExtra,
    wiredQ,
    reachByCap,
    extraOn,
    remFeedReach,
    remOffFeedCap,
  }
}

/** Ascending insertion sort of a[0..n) in place (n is at most the bus count). */
const sortPrefix = (a: Float64Array, n: number): void => {
  for (let i = 1; i < n; i++) {
    const x = a[i] ?? 0
    let j = i - 1
    while (j >= 0 && (a[j] ?? 0) > x) {
      a[j + 1] = a[j] ?? 0
      j--
    }
    a[j + 1] = x
  }
}

/**
 * An upper bound on level 1 over every configuration: for each set of up buses (few buses only), the
 * exact best shedding when each bus may carry up to its rating and the capacity of every supply that
 * can reach it. Shares are fixed by the up set and a larger limit never serves less, so the best over
 * up sets bounds every configuration. Null when there are too many buses to enumerate their subsets.
 */
export const levelOneBound = (
  ix: RackIndex,
  ws: SheddingWorkspace,
  workLimit: number,
): Float64Array | null => {
  const B = ix.busCount
  const P = ix.loadPriorities.length
  if (B > 4) return null
  const reach = new Float64Array(B)
  const reachable = new Uint8Array(B)
  for (let s = 0; s < ix.supplyCount; s++) {
    for (const b of ix.options[s] ?? []) {
      reach[b] = (reach[b] ?? 0) + (ix.capacityU[s] ?? 0)
      reachable[b] = 1
    }
  }
  // Every load with a reachable bus served: nothing can beat that on level 1.
  const everything = new Float64Array(2 * P)
  for (let l = 0; l < ix.loadCount; l++) {
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    if ((a < 0 || reachable[a] === 0) && (c < 0 || reachable[c] === 0)) continue
    const r = ix.loadPriorityRank[l] ?? 0
    everything[2 * r] = (everything[2 * r] ?? 0) + 1
    everything[2 * r + 1] = (everything[2 * r + 1] ?? 0) + (ix.loadQ[l] ?? 0)
  }
  let reachMask = 0
  for (let b = 0; b < B; b++) if (reachable[b] === 1) reachMask |= 1 << b
  let best: Float64Array | null = null
  const assign = new Int32Array(ix.supplyCount).fill(-1)
  // The up set of every reachable bus first: when it serves everything, the other sets cannot beat it.
  for (let t = 0; t < 1 << B; t++) {
    const mask = t === 0 ? reachMask : t
    if (mask === 0 || (t !== 0 && mask === reachMask)) continue
    if (t === 1 && best !== null && best.every((x, j) => x === everything[j])) break
    const up = new Uint8Array(B)
    const limitU = new Float64Array(B)
    let ok = true
    for (let b = 0; b < B; b++) {
      if ((mask & (1 << b)) === 0) continue
      if (reachable[b] === 0) ok = false
      up[b] = 1
      limitU[b] = Math.min(ix.maxU[b] ?? Infinity, reach[b] ?? 0)
    }
    if (!ok) continue
    const inc = createIncumbent(ix)
    chooseSheddingExact(
      ix,
      ws,
      { assign, up, limitU, redundantU: new Float64Array(B), changes: 0 },
      inc,
      workLimit,
    )
    if (ws.work > workLimit) return null
    const v = inc.vector
    if (v === null) continue
    if (best === null) best = v.slice(0, 2 * P)
    else {
      for (let j = 0; j < 2 * P; j++) {
        const x = v[j] ?? 0
        const y = best[j] ?? 0
        if (x === y) continue
        if (x > y) best = v.slice(0, 2 * P)
        break
      }
    }
  }
  return best ?? new Float64Array(2 * P)
}

/**
 * Once per search, for racks with exactly two wired buses: the loads a rival must serve. A rival equal
 * to the incumbent (or any better one) on level 1 serves every candidate load of the priorities where
 * the incumbent serves all of them (as in `pruned`, with the root's candidates). Null when unknown.
 */
const mustServeLoads = (
  ix: RackIndex,
  ctx: SearchContext,
  inc: Incumbent,
): { wired: [number, number]; loads: number[] } | null => {
  const vecInc = inc.vector
  const B = ix.busCount
  const P = ix.loadPriorities.length
  if (vecInc === null) return null
  const wired: number[] = []
  for (let b = 0; b < B; b++) if (ix.busWired[b] === 1) wired.push(b)
  if (wired.length !== 2) return null
  const limit = new Float64Array(B)
  for (let b = 0; b < B; b++)
    limit[b] = (ctx.remReach[b] ?? 0) > 0 ? Math.min(ix.maxU[b] ?? Infinity, ctx.remCap[b] ?? 0) : -1
  const candCount = new Float64Array(P)
  const candQ = new Float64Array(P)
  const servable = new Uint8Array(ix.loadCount)
  for (let l = 0; l < ix.loadCount; l++) {
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    const q = ix.loadQ[l] ?? 0
    const limA = a >= 0 ? (limit[a] ?? -1) : -1
    const limC = c >= 0 ? (limit[c] ?? -1) : -1
    if (!(limA >= 2 * q || limC >= 2 * q || (limA >= q && limC >= q))) continue
    servable[l] = 1
    const r = ix.loadPriorityRank[l] ?? 0
    candCount[r] = (candCount[r] ?? 0) + 1
    candQ[r] = (candQ[r] ?? 0) + q
  }
  let mustRanks = 0
  while (
    mustRanks < P &&
    (vecInc[2 * mustRanks] ?? 0) === candCount[mustRanks] &&
    (vecInc[2 * mustRanks + 1] ?? 0) === candQ[mustRanks]
  )
    mustRanks++
  const loads: number[] = []
  for (let l = 0; l < ix.loadCount; l++)
    if (servable[l] === 1 && (ix.loadPriorityRank[l] ?? 0) < mustRanks) loads.push(l)
  return { wired: [wired[0] ?? 0, wired[1] ?? 0], loads }
}

/** Least capacity and redundant capacity a split must give each of the two wired buses. */
interface SplitNeeds {
  readonly cap0: number
  readonly cap1: number
  readonly red0: number
  readonly red1: number
  /** Whether each bus needs at least one supply (both up). */
  readonly bothUp: boolean
}

/**
 * Whether some split between the two wired buses of the supplies that can reach them (non-risk ones
 * only unless `withAtRisk`) gives each bus the capacity and redundant capacity (non-risk, k largest
 * out) in `needs`; those reaching one bus only always go there (adding a supply never lowers either
 * value). Supplies of equal capacity and risk are interchangeable, so only how many of each such class
 * go to the first bus is chosen, largest class first (so each bus's first k non-risk supplies are its
 * k largest), by a depth-first search cut where even the remaining supplies cannot cover what the two
 * buses still lack. Null when it gives up (more than 4096 splits and 4096 nodes per item searched).
 */
const splitMeets = (
  ix: RackIndex,
  [w0, w1]: [number, number],
  withAtRisk: boolean,
  needs: SplitNeeds,
): boolean | null => {
  // Items: a fixed supply (side 0 or 1, count 1) or a class of interchangeable supplies (side -1).
  const items: { cap: number; risky: number; side: number; count: number }[] = []
  for (let s = 0; s < ix.supplyCount; s++) {
    if (!withAtRisk && ix.atRisk[s] === 1) continue
    const opts = ix.options[s] ?? new Int32Array(0)
    const to0 = opts.includes(w0)
    const to1 = opts.includes(w1)
    if (!to0 && !to1) continue
    const cap = ix.capacityU[s] ?? 0
    const risky = ix.atRisk[s] ?? 0
    const side = to0 && to1 ? -1 : to0 ? 0 : 1
    const same =
      side === -1 ? items.find((it) => it.side === -1 && it.cap === cap && it.risky === risky) : undefined
    if (same !== undefined) same.count++
    else items.push({ cap, risky, side, count: 1 })
  }
  items.sort((x, y) => y.cap - x.cap)
  const n = items.length
  // Suffix sums from item t on: capacity (all, non-risk) of the items fixed on each side and of the free ones.
  const rest = new Float64Array((n + 1) * 6)
  for (let t = n - 1; t >= 0; t--) {
    const it = items[t]
    for (let j = 0; j < 6; j++) rest[t * 6 + j] = rest[(t + 1) * 6 + j] ?? 0
    if (it === undefined) continue
    const col = it.side === 0 ? 0 : it.side === 1 ? 1 : 2
    rest[t * 6 + col] = (rest[t * 6 + col] ?? 0) + it.count * it.cap
    if (it.risky === 0) rest[t * 6 + 3 + col] = (rest[t * 6 + 3 + col] ?? 0) + it.count * it.cap
  }
  const k = ix.redundancyK
  // Up to 4096 splits the whole tree is searched (never giving up where enumerating them would not);
  // beyond, at most 4096 nodes per item.
  let combos = 1
  for (const it of items) if (it.side === -1) combos *= it.count + 1
  const nodeLimit = combos <= 4096 ? Infinity : 4096 * (n + 1)
  let nodes = 0
  const search = (
    t: number,
    cap0: number,
    cap1: number,
    red0: number,
    red1: number,
    safe0: number,
    safe1: number,
    count0: number,
    count1: number,
  ): boolean | null => {
    if (++nodes > nodeLimit) return null
    const at = t * 6
    // What each bus still lacks beyond the items fixed on it; the free items must cover both.
    const lackCap0 = Math.max(0, needs.cap0 - cap0 - (rest[at] ?? 0))
    const lackCap1 = Math.max(0, needs.cap1 - cap1 - (rest[at + 1] ?? 0))
    if (lackCap0 + lackCap1 > (rest[at + 2] ?? 0)) return false
    const lackRed0 = Math.max(0, needs.red0 - red0 - (rest[at + 3] ?? 0))
    const lackRed1 = Math.max(0, needs.red1 - red1 - (rest[at + 4] ?? 0))
    if (lackRed0 + lackRed1 > (rest[at + 5] ?? 0)) return false
    const it = items[t]
    if (it === undefined) return !needs.bothUp || (count0 > 0 && count1 > 0)
    const lo = it.side === 1 ? 0 : it.side === 0 ? it.count : 0
    const hi = it.side === 1 ? 0 : it.count
    for (let x = hi; x >= lo; x--) {
      const y = it.count - x
      let r0 = red0
      let r1 = red1
      if (it.risky === 0) {
        r0 += (x - Math.max(0, Math.min(x, k - safe0))) * it.cap
        r1 += (y - Math.max(0, Math.min(y, k - safe1))) * it.cap
      }
      const got = search(
        t + 1,
        cap0 + x * it.cap,
        cap1 + y * it.cap,
        r0,
        r1,
        safe0 + (it.risky === 0 ? x : 0),
        safe1 + (it.risky === 0 ? y : 0),
        count0 + x,
        count1 + y,
      )
      if (got !== false) return got
    }
    return false
  }
  return search(0, 0, 0, 0, 0, 0, 0, 0, 0)
}

/**
 * Level 2, once per search: can both wired buses meet N+k at once? With both up, each load a rival
 * must serve puts exactly its share on them, a least load per bus; false when no split of the non-risk
 * supplies covers both (then at most one of them meets N+k in any configuration that matters).
 */
const bothWiredCanMeetNPlusK = (
  ix: RackIndex,
  must: ReturnType<typeof mustServeLoads>,
  vecInc: Float64Array | null,
): boolean => {
  if (must === null || vecInc === null) return true
  // The incumbent already has them both: nothing to bound.
  let met = 0
  const P = ix.loadPriorities.length
  for (let r = 0; r < ix.busPriorities.length; r++) met += vecInc[2 * P + r] ?? 0
  if (met >= 2) return true
  const [w0, w1] = must.wired
  let need0 = 0
  let need1 = 0
  for (const l of must.loads) {
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    const q = ix.loadQ[l] ?? 0
    const share = a >= 0 && c >= 0 ? q : 2 * q
    if (a === w0 || c === w0) need0 += share
    if (a === w1 || c === w1) need1 += share
  }
  if (need0 <= 0 || need1 <= 0) return true
  return (
    splitMeets(ix, must.wired, false, { cap0: 0, cap1: 0, red0: need0, red1: need1, bothUp: false }) ?? true
  )
}

/**
 * Level 3 for racks with two wired buses: how many bus-loss scenarios a configuration equal to the
 * incumbent on levels 1-2 can survive at most. Losing bus a is survived only when the other bus o is
 * up and carries every load a rival must serve through it in full (within its rating and capacity),
 * both buses carry their shares of those loads before the loss, no such load is on a alone, and, to stay equal on level 2, the buses the incumbent's N+k counts
 * require still meet N+k with their least loads; each scenario is tried over every split of the
 * supplies. Returns the number of scenarios that some split allows (2 when unknown).
 */
const survivableScenarios = (
  ix: RackIndex,
  must: ReturnType<typeof mustServeLoads>,
  vecInc: Float64Array,
): number => {
  if (must === null) return ix.busCount
  const [w0, w1] = must.wired
  const P = ix.loadPriorities.length
  const share = [0, 0]
  const full = [0, 0]
  const alone = [false, false]
  for (const l of must.loads) {
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    const q = ix.loadQ[l] ?? 0
    const dual = a >= 0 && c >= 0
    for (const [j, w] of [w0, w1].entries()) {
      if (a !== w && c !== w) continue
      share[j] = (share[j] ?? 0) + (dual ? q : 2 * q)
      full[j] = (full[j] ?? 0) + 2 * q
      if (!dual) alone[j] = true
    }
  }
  // Which buses must meet N+k: sets of the two consistent with the incumbent's count per bus priority.
  const meetSets: [boolean, boolean][] = []
  for (const set of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as [boolean, boolean][]) {
    const perRank = new Map<number, number>()
    set.forEach((on, j) => {
      if (!on) return
      const r = ix.busPriorityRank[j === 0 ? w0 : w1] ?? 0
      perRank.set(r, (perRank.get(r) ?? 0) + 1)
    })
    let consistent = true
    for (let r = 0; r < ix.busPriorities.length; r++)
      if ((perRank.get(r) ?? 0) !== (vecInc[2 * P + r] ?? 0)) consistent = false
    if (consistent) meetSets.push(set)
  }
  const feasible = [false, false] // per lost bus index (0: w0 lost, 1: w1 lost)
  for (const lost of [0, 1]) {
    if (alone[lost]) continue
    const o = 1 - lost
    // Both up, each carrying its share now; the other bus can carry the whole of the moved loads.
    const need = [share[0] ?? 0, share[1] ?? 0]
    need[o] = Math.max(need[o] ?? 0, full[o] ?? 0)
    if ((need[0] ?? 0) > (ix.maxU[w0] ?? Infinity) || (need[1] ?? 0) > (ix.maxU[w1] ?? Infinity)) continue
    for (const [m0, m1] of meetSets) {
      const got = splitMeets(ix, must.wired, true, {
        cap0: need[0] ?? 0,
        cap1: need[1] ?? 0,
        red0: m0 ? (share[0] ?? 0) : 0,
        red1: m1 ? (share[1] ?? 0) : 0,
        bothUp: true,
      })
      if (got === null) return ix.busCount
      if (got) {
        feasible[lost] = true
        break
      }
    }
  }
  return (feasible[0] ? 1 : 0) + (feasible[1] ? 1 : 0)
}

/**
 * What a search node derives from the loads: its candidates (servable loads, per rank count and watts,
 * and per (bus * P + rank) the watts of candidates wired to the bus), and per number of must-serve ranks
 * the buses forced up and, per set of possibly-up buses, the levels view. It depends on the node only
 * through its per-bus limits; when every possibly-up bus could carry each of its loads alone, only
 * through which buses are possibly up, so the search memoises it by that set.
 */
interface LoadView {
  readonly servable: Uint8Array
  servableCount: number
  readonly candCount: Float64Array
  readonly candQ: Float64Array
  readonly wiredQ: Float64Array
  readonly must: ({ readonly forcedUp: Uint8Array; readonly levels: Map<number, LevelsView> } | undefined)[]
}

interface LevelsView {
  readonly mandatory: Float64Array
  readonly pairQ: Float64Array
  readonly loses: Uint8Array
  readonly through: Uint8Array
  mustLost: boolean
}

/** Branch and bound from the incumbent; true when finished within `workLimit` (the incumbent is optimal). */
export const searchExact = (ctx: SearchContext, inc: Incumbent, workLimit: number): boolean => {
  const { ix, ws } = ctx
  const rootLevelOne = levelOneBound(ix, ws, workLimit)
  const mustServe = mustServeLoads(ix, ctx, inc)
  const bothCanMeet = bothWiredCanMeetNPlusK(ix, mustServe, inc.vector)
  const S = ix.supplyCount
  const B = ix.busCount
  const P = ix.loadPriorities.length
  const BP = ix.busPriorities.length
  const k = ix.redundancyK
  const assign = new Int32Array(S).fill(-1)
  // survivableScenarios for the incumbent's levels 1-2 in `scenarioKey` (recomputed when they change).
  const scenarioKey = new Float64Array(2 * P + BP).fill(NaN)
  let scenarioCap = B
  const busCap = new Float64Array(B)
  const busNonRisk = new Float64Array(B)
  const busCount = new Int32Array(B)
  const topK = new Float64Array(Math.max(1, B * k))
  const possiblyUp = new Uint8Array(B)
  let mandatory: Float64Array = new Float64Array(B)
  const limitMax = new Float64Array(B)
  const mustUp = new Uint8Array(B)
  let pairQ: Float64Array = new Float64Array(B * B)
  const nonRiskCount = new Int32Array(B)
  const needCap = new Float64Array(B)
  const needCount = new Float64Array(B)
  const wiredUp = new Int32Array(Math.max(1, BP))
  const topX = new Float64Array(Math.max(1, k))
  let loses: Uint8Array = new Uint8Array(B)
  let through: Uint8Array = new Uint8Array(B)
  const opt = new Float64Array(ix.vectorLength)
  const up = new Uint8Array(B)
  const limitU = new Float64Array(B)
  const redundantU = new Float64Array(B)
  // Feed-loss scenarios: per (f * B + b) closed supplies of feed f on bus b, per f their capacity.
  const F = ix.feedCount
  const feedOnBus = new Int32Array(F * B)
  const feedClosedCap = new Float64Array(F)
  // Running sums live in a typed array: mutable doubles captured by closures would be boxed.
  const sums = new Float64Array(2) // [capacity closed so far, changes so far]
  let exhausted = false
  /** Set by `pruned`: the node's bound on levels 1-3 is no better than the incumbent's. */
  let capFlag = false

  // Per-node views of the loads (candidates, and the least loads that must-serve loads put on each
  // bus), memoised by the set of possibly-up buses; see LoadView.
  /** The most any one load puts on each bus (its full watts), so a limit at least this serves each alone. */
  const fullMax = new Float64Array(B)
  for (let l = 0; l < ix.loadCount; l++) {
    const q2 = 2 * (ix.loadQ[l] ?? 0)
    const a = ix.loadBusA[l] ?? -1
    const b = ix.loadBusB[l] ?? -1
    if (a >= 0 && q2 > (fullMax[a] ?? 0)) fullMax[a] = q2
    if (b >= 0 && q2 > (fullMax[b] ?? 0)) fullMax[b] = q2
  }
  const memoLimit = B <= 30 ? 4096 : 0
  const views = new Map<number, LoadView>()
  const newLoadView = (): LoadView => ({
    servable: new Uint8Array(ix.loadCount),
    servableCount: 0,
    candCount: new Float64Array(P),
    candQ: new Float64Array(P),
    wiredQ: new Float64Array(B * P),
    must: [],
  })
  const newLevelsView = (): LevelsView => ({
    mandatory: new Float64Array(B),
    pairQ: new Float64Array(B * B),
    loses: new Uint8Array(B),
    through: new Uint8Array(B),
    mustLost: false,
  })
  const scratchView = newLoadView()
  const scratchLevels = newLevelsView()
  /** Candidates for the node's limitMax: loads some still possible up set and capacity could serve. */
  const fillLoadView = (v: LoadView): void => {
    v.candCount.fill(0)
    v.candQ.fill(0)
    v.wiredQ.fill(0)
    v.must.length = 0
    let servableCount = 0
    for (let l = 0; l < ix.loadCount; l++) {
      const a = ix.loadBusA[l] ?? -1
      const b = ix.loadBusB[l] ?? -1
      const q = ix.loadQ[l] ?? 0
      const limA = a >= 0 ? (limitMax[a] ?? -1) : -1
      const limB = b >= 0 ? (limitMax[b] ?? -1) : -1
      const ok = limA >= 2 * q || limB >= 2 * q || (limA >= q && limB >= q)
      v.servable[l] = ok ? 1 : 0
      if (ok) {
        servableCount++
        const r = ix.loadPriorityRank[l] ?? 0
        v.candCount[r] = (v.candCount[r] ?? 0) + 1
        v.candQ[r] = (v.candQ[r] ?? 0) + q
        if (a >= 0) v.wiredQ[a * P + r] = (v.wiredQ[a * P + r] ?? 0) + q
        if (b >= 0 && b !== a) v.wiredQ[b * P + r] = (v.wiredQ[b * P + r] ?? 0) + q
      }
    }
    v.servableCount = servableCount
  }
  /** Buses that are the only possibly-up bus of a load of the first `mustRanks` ranks. */
  const fillForcedUp = (v: LoadView, mustRanks: number, forcedUp: Uint8Array): void => {
    forcedUp.fill(0)
    for (let l = 0; l < ix.loadCount; l++) {
      if (v.servable[l] === 0 || (ix.loadPriorityRank[l] ?? 0) >= mustRanks) continue
      const a = ix.loadBusA[l] ?? -1
      const c = ix.loadBusB[l] ?? -1
      const aP = a >= 0 && possiblyUp[a] === 1
      const cP = c >= 0 && possiblyUp[c] === 1
      if (aP && !cP) forcedUp[a] = 1
      else if (cP && !aP) forcedUp[c] = 1
    }
  }
  /**
   * For the current possibly-up buses: the least load each bus must carry (the must-serve loads'
   * shares), the must-serve load moved between each pair on a loss, the buses a must-serve load has
   * alone (loses) or any candidate passes through, and whether a must-serve load has no bus left.
   */
  const fillLevelsView = (v: LoadView, mustRanks: number, lv: LevelsView): void => {
    lv.mandatory.fill(0)
    lv.pairQ.fill(0)
    lv.loses.fill(0)
    lv.through.fill(0)
    lv.mustLost = false
    for (let l = 0; l < ix.loadCount; l++) {
      if (v.servable[l] === 0) continue
      const a = ix.loadBusA[l] ?? -1
      const b = ix.loadBusB[l] ?? -1
      const aP = a >= 0 && possiblyUp[a] === 1
      const bP = b >= 0 && possiblyUp[b] === 1
      const must = (ix.loadPriorityRank[l] ?? 0) < mustRanks
      if (!aP && !bP) {
        if (must) {
          lv.mustLost = true
          return
        }
        continue
      }
      const q = must ? (ix.loadQ[l] ?? 0) : -1
      if (aP && bP) {
        lv.through[a] = 1
        lv.through[b] = 1
        if (q < 0) continue
        lv.mandatory[a] = (lv.mandatory[a] ?? 0) + q
        lv.mandatory[b] = (lv.mandatory[b] ?? 0) + q
        lv.pairQ[a * B + b] = (lv.pairQ[a * B + b] ?? 0) + q
        lv.pairQ[b * B + a] = (lv.pairQ[b * B + a] ?? 0) + q
      } else {
        const only = aP ? a : b
        lv.through[only] = 1
        if (q < 0) continue
        lv.mandatory[only] = (lv.mandatory[only] ?? 0) + 2 * q
        lv.loses[only] = 1
      }
    }
  }

  /**
   * Under a node whose bound on levels 1-3 was no better than the incumbent, only level 4 and the
   * tie-break can still make a completion better: prune in O(i) when they cannot.
   */
  const cheaplyPruned = (i: number, vecInc: Float64Array): boolean => {
    const changes = -((sums[1] ?? 0) + (ctx.minChangesFrom[i] ?? 0))
    const incChanges = vecInc[2 * P + BP + 1] ?? 0
    if (changes !== incChanges) return changes < incChanges
    for (let s = 0; s < i; s++) {
      const x = assign[s] ?? -1
      const y = inc.assign[s] ?? -1
      if (x !== y) return x > y
    }
    return false
  }

  /**
   * Level 4 is compared only for completions equal to the incumbent on levels 1-3. Such a completion
   * keeps every bus that must be up (already up, or the only bus of a must-serve load) up and powered
   * for its least load, and when the incumbent's N+k count of a bus priority equals the number of wired
   * buses of that priority that could be up, meets N+k on each of them. When even every remaining
   * supply that is free on a bus (joins it at its least change cost) cannot give it that, other
   * supplies must join it at an extra cost, at least as many as the largest of them needed to cover
   * the gap; each supply joins one bus, so the extras of different buses add up.
   * Uses mandatory, loses, possiblyUp and topK as computed for this node.
   */
  const forcedExtraChanges = (i: number, vecInc: Float64Array): number => {
    wiredUp.fill(0)
    for (let b = 0; b < B; b++) {
      if (possiblyUp[b] === 1 && ix.busWired[b] === 1) {
        const r = ix.busPriorityRank[b] ?? 0
        wiredUp[r] = (wiredUp[r] ?? 0) + 1
      }
    }
    let extra = 0
    for (let b = 0; b < B; b++) {
      if (possiblyUp[b] === 0) continue
      const r = ix.busPriorityRank[b] ?? 0
      const mustMeet = ix.busWired[b] === 1 && (vecInc[2 * P + r] ?? 0) === (wiredUp[r] ?? 0)
      if (!mustMeet && (busCount[b] ?? 0) === 0 && loses[b] === 0) continue
      const at = i * B + b
      const mand = mandatory[b] ?? 0
      // How many supplies must join at an extra change: at least one for a bus that must be up and
      // has none, and enough of the largest to cover what it lacks in capacity and, when it must meet
      // N+k, in redundant capacity (a supply of capacity c adds at most c to either).
      let needed = (busCount[b] ?? 0) === 0 && (ctx.freeCount[at] ?? 0) === 0 ? 1 : 0
      needed = Math.max(
        needed,
        suppliesToCover(i, b, mand - (busCap[b] ?? 0) - (ctx.freeCap[at] ?? 0), false),
      )
      if (mustMeet && mand > 0) {
        // Redundant capacity of the bus's non-risk supplies plus the free ones (the most it can reach
        // without an extra change: adding a supply never lowers it): the k largest of both lists out.
        let x = 0
        let y = 0
        let top = 0
        for (let t = 0; t < k; t++) {
          const own = topK[b * k + x] ?? 0
          const free = ctx.freeTop[at * k + y] ?? 0
          if (x < k && (y >= k || own >= free)) {
            top += own
            x++
          } else {
            top += free
            y++
          }
        }
        const lacks = mand - ((busNonRisk[b] ?? 0) + (ctx.freeNonRiskCap[at] ?? 0) - top)
        needed = Math.max(needed, suppliesToCover(i, b, lacks, true))
      }
      if (needed > 0) extra += needed * (ctx.minExtra[at] ?? Infinity)
    }
    return extra
  }

  /**
   * The fewest supplies i.. that are not free on bus b (non-risk ones only when `nonRisk`) whose
   * capacities together reach `lacking`: 0 when nothing lacks, Infinity when all of them fall short.
   */
  const suppliesToCover = (i: number, b: number, lacking: number, nonRisk: boolean): number => {
    if (lacking <= 0) return 0
    const list = ctx.reachByCap[b] ?? new Int32Array(0)
    ws.work += list.length
    let acc = 0
    let n = 0
    for (let j = 0; j < list.length; j++) {
      const s = list[j] ?? 0
      if (s < i || (ctx.extraOn[s * B + b] ?? 0) === 0 || (nonRisk && ix.atRisk[s] === 1)) continue
      acc += ix.capacityU[s] ?? 0
      n++
      if (acc >= lacking) return n
    }
    return Infinity
  }

  /**
   * Level 3, feed-loss part, for completions equal to the incumbent on levels 1-2: feeds that can still
   * be counted (a closed supply on a bus some load could be fed through, or a remaining supply on the
   * feed) and survived. Surviving feed f puts every served watt on buses that stay up, each within
   * its capacity off f; a rival equal on level 1 serves the incumbent's watts, so the capacity off f
   * closed or still closable must cover them. Uses `through` as computed for this node.
   */
  const feedScenarioBound = (i: number, vecInc: Float64Array): number => {
    ws.work += F * B
    let servedU = 0
    for (let r = 0; r < P; r++) servedU += 2 * (vecInc[2 * r + 1] ?? 0)
    let n = 0
    for (let f = 0; f < F; f++) {
      let countable = (ctx.remFeedReach[i * F + f] ?? 0) > 0
      for (let b = 0; !countable && b < B; b++)
        countable = (feedOnBus[f * B + b] ?? 0) > 0 && through[b] === 1
      if (!countable) continue
      const offFeed = (sums[0] ?? 0) - (feedClosedCap[f] ?? 0) + (ctx.remOffFeedCap[i * F + f] ?? 0)
      if (offFeed >= servedU) n++
    }
    return n
  }

  /** True when no completion of assign[0..i) can beat the incumbent. */
  const pruned = (i: number, capped: boolean): boolean => {
    capFlag = false
    const vecInc = inc.vector
    if (vecInc === null) return false
    if (capped && cheaplyPruned(i, vecInc)) return true
    ws.work += 2 * ix.loadCount + B * B + i * k
    for (let b = 0; b < B; b++)
      possiblyUp[b] = (busCount[b] ?? 0) > 0 || (ctx.remReach[i * B + b] ?? 0) > 0 ? 1 : 0
    // Candidates: loads that some still possible up-set and capacity could serve (each bus limited by
    // its rating and by every supply that could still join it).
    let limSum = 0
    for (let b = 0; b < B; b++) {
      limitMax[b] =
        possiblyUp[b] === 1
          ? Math.min(ix.maxU[b] ?? Infinity, (busCap[b] ?? 0) + (ctx.remCap[i * B + b] ?? 0))
          : -1
      if (possiblyUp[b] === 1) limSum += limitMax[b] ?? 0
    }
    // When every possibly-up bus could carry any one of its loads in full, the candidates depend on
    // the set of possibly-up buses alone: memoised per set (most nodes), else computed here.
    let upMask = 0
    let memo = memoLimit > 0
    for (let b = 0; b < B && memo; b++) {
      if (possiblyUp[b] === 0) continue
      upMask |= 1 << b
      if ((limitMax[b] ?? 0) < (fullMax[b] ?? 0)) memo = false
    }
    let view: LoadView
    if (memo) {
      const known = views.get(upMask)
      if (known !== undefined) view = known
      else {
        if (views.size >= memoLimit) views.clear()
        view = newLoadView()
        fillLoadView(view)
        views.set(upMask, view)
      }
    } else {
      view = scratchView
      fillLoadView(view)
    }
    const { servable, candCount, candQ, servableCount } = view
    // Ranks where the incumbent serves every candidate (and so at every higher rank): a rival must
    // serve all those candidates too, or lose on level 1.
    let mustRanks = 0
    while (
      mustRanks < P &&
      (vecInc[2 * mustRanks] ?? 0) === candCount[mustRanks] &&
      (vecInc[2 * mustRanks + 1] ?? 0) === candQ[mustRanks]
    )
      mustRanks++
    // Buses that must be up: already up, or the only possible bus of a load a rival must serve.
    let must = view.must[mustRanks]
    if (must === undefined) {
      must = { forcedUp: new Uint8Array(B), levels: new Map() }
      fillForcedUp(view, mustRanks, must.forcedUp)
      if (view !== scratchView) view.must[mustRanks] = must
    }
    for (let b = 0; b < B; b++) mustUp[b] = (busCount[b] ?? 0) > 0 ? 1 : (must.forcedUp[b] ?? 0)
    // Level 1 on each bus that must be up: every served load wired to it puts at least half its watts
    // on it, so those loads pass through its limit like a knapsack (smallest first bounds the count);
    // loads not wired to it are counted in full. Prune when that bound is below the incumbent.
    for (let b = 0; b < B; b++) {
      if (mustUp[b] === 0) continue
      let room = limitMax[b] ?? 0
      let cutDone = false
      let verdict = 0 // -1: bound below incumbent, 1: above
      for (let r = 0; r < P && verdict === 0; r++) {
        let wiredQ = 0
        let count = candCount[r] ?? 0
        let watts = candQ[r] ?? 0
        if (!cutDone) {
          wiredQ =
            servableCount === ix.loadCount ? (ctx.wiredQ[b * P + r] ?? 0) : (view.wiredQ[b * P + r] ?? 0)
          if (wiredQ <= room) room -= wiredQ
          else {
            // Keep the smallest wired loads that fit; drop the rest from the count.
            let used = 0
            let droppedQ = 0
            for (let j = 0; j < ws.orderBySize.length; j++) {
              const l = ws.orderBySize[j] ?? 0
              if (servable[l] === 0 || (ix.loadPriorityRank[l] ?? 0) !== r) continue
              if (ix.loadBusA[l] !== b && ix.loadBusB[l] !== b) continue
              const q = ix.loadQ[l] ?? 0
              if (used + q <= room) used += q
              else {
                count--
                droppedQ += q
              }
            }
            watts = Math.min(watts, watts - wiredQ + Math.min(wiredQ - droppedQ + room, wiredQ))
            watts = Math.min(watts, (candQ[r] ?? 0) - wiredQ + room)
            cutDone = true
          }
        }
        const x = vecInc[2 * r] ?? 0
        const y = vecInc[2 * r + 1] ?? 0
        if (count !== x) verdict = count < x ? -1 : 1
        else if (watts !== y) verdict = watts < y ? -1 : 1
      }
      ws.work += P * ix.loadCount
      if (verdict < 0) return true
    }
    // Level 1: lexicographic capacity cut.
    opt.fill(0)
    let rem = Math.min((sums[0] ?? 0) + (ctx.remTotalCap[i] ?? 0), limSum)
    let cut = false
    for (let r = 0; r < P; r++) {
      const need = 2 * (candQ[r] ?? 0)
      if (cut || need <= rem) {
        opt[2 * r] = candCount[r] ?? 0
        opt[2 * r + 1] = candQ[r] ?? 0
        if (!cut) rem -= need
        continue
      }
      let c = 0
      let acc = 0
      for (let j = 0; j < ws.orderBySize.length; j++) {
        const l = ws.orderBySize[j] ?? 0
        if ((ix.loadPriorityRank[l] ?? 0) !== r || servable[l] === 0) continue
        const w = 2 * (ix.loadQ[l] ?? 0)
        if (acc + w > rem) break
        acc += w
        c++
      }
      opt[2 * r] = c
      opt[2 * r + 1] = Math.min(candQ[r] ?? 0, Math.floor(rem / 2))
      cut = true
    }
    // The root's exact level-1 bound holds everywhere below it: keep the smaller of the two.
    if (rootLevelOne !== null) {
      for (let j = 0; j < 2 * P; j++) {
        const x = rootLevelOne[j] ?? 0
        const y = opt[j] ?? 0
        if (x === y) continue
        if (x < y) for (let t = 0; t < 2 * P; t++) opt[t] = rootLevelOne[t] ?? 0
        break
      }
    }
    // Lexicographic: decided on level 1 already? (Skip the rest when the bound is above.)
    for (let j = 0; j < 2 * P; j++) {
      const x = opt[j] ?? 0
      const y = vecInc[j] ?? 0
      if (x !== y) return x < y
    }
    // Levels 2 and 3. The loads of the first `mustRanks` ranks must all be served by any rival; each
    // puts at least its share on every bus it can use. A bus whose least load exceeds what it could
    // ever carry must stay down (then its loads lean on their other bus, so repeat): if it is already
    // up, nothing below this node can match the incumbent on level 1.
    for (;;) {
      let nowMask = 0
      for (let b = 0; b < B; b++) if (possiblyUp[b] === 1) nowMask |= 1 << b
      let lv = view === scratchView ? undefined : must.levels.get(nowMask)
      if (lv === undefined) {
        lv = view === scratchView ? scratchLevels : newLevelsView()
        fillLevelsView(view, mustRanks, lv)
        if (view !== scratchView) must.levels.set(nowMask, lv)
      }
      if (lv.mustLost) return true
      ;({ mandatory, pairQ, loses, through } = lv)
      let changed = false
      for (let b = 0; b < B; b++) {
        if (possiblyUp[b] === 0 || (mandatory[b] ?? 0) <= (limitMax[b] ?? 0)) continue
        if ((busCount[b] ?? 0) > 0) return true
        possiblyUp[b] = 0
        changed = true
      }
      if (!changed) break
    }
    topK.fill(0)
    if (k > 0) {
      for (let s = 0; s < i; s++) {
        const b = assign[s] ?? -1
        if (b < 0 || ix.atRisk[s] === 1) continue
        let c = ix.capacityU[s] ?? 0
        for (let j = 0; j < k; j++) {
          const t = topK[b * k + j] ?? 0
          if (c > t) {
            topK[b * k + j] = c
            c = t
          }
        }
      }
    }
    // Level 2: buses that can still meet N+k, sharing one pool of remaining non-risk supplies.
    // Bus b needs added non-risk capacity >= its least load minus what its own supplies already leave
    // after the k largest (plus k - c more supplies, each at least the smallest, when it has c < k), and
    // k + 1 - c more supplies when it must carry load.
    let pool = ctx.remPool[i] ?? 0
    let poolCount = ctx.remPoolCount[i] ?? 0
    const poolMin = ctx.remPoolMin[i] ?? Infinity
    // Globally: of all non-risk supplies that can still count (remaining, or on a bus that could be
    // up), the k largest are never kept (each is among the k largest of its own bus), and every other
    // bus that must carry load drops k more, each at least the smallest. So m loaded buses meeting N+k
    // need the sum of their least loads <= sum - k largest - (m - 1) k smallest.
    let maxBuses = B
    if (k > 0 && k <= 4) {
      let sumX = ctx.remPool[i] ?? 0
      let minX = poolMin
      for (let j = 0; j < k; j++) topX[j] = ctx.remTop[i * k + j] ?? 0
      for (let s = 0; s < i; s++) {
        const b = assign[s] ?? -1
        if (b < 0 || possiblyUp[b] === 0 || ix.atRisk[s] === 1) continue
        let c = ix.capacityU[s] ?? 0
        sumX += c
        if (c < minX) minX = c
        for (let j = 0; j < k; j++) {
          const t = topX[j] ?? 0
          if (c > t) {
            topX[j] = c
            c = t
          }
        }
      }
      let keep = sumX
      for (let j = 0; j < k; j++) keep -= topX[j] ?? 0
      let free = 0
      let n = 0
      for (let b = 0; b < B; b++) {
        if (possiblyUp[b] === 0 || ix.busWired[b] === 0) continue
        const mand = mandatory[b] ?? 0
        if (mand <= 0) free++
        else needCap[n++] = mand
      }
      sortPrefix(needCap, n)
      let m = 0
      let acc = 0
      while (m < n && acc + (needCap[m] ?? 0) <= keep - m * k * (minX === Infinity ? 0 : minX))
        acc += needCap[m++] ?? 0
      maxBuses = free + m
      // All of them meeting N+k: every served load sits on those buses, and a rival equal on level 1
      // serves the incumbent's watts, so their redundant capacity together (at most `keep`) covers it.
      if (maxBuses === free + n) {
        let servedU = 0
        for (let r = 0; r < P; r++) servedU += 2 * (vecInc[2 * r + 1] ?? 0)
        // Each bus also drops the k largest it already has (topK), so that bounds it too.
        let keepOwn = sumX
        for (let b = 0; b < B; b++) {
          if (possiblyUp[b] === 0) continue
          for (let j = 0; j < k; j++) keepOwn -= topK[b * k + j] ?? 0
        }
        if (servedU > Math.min(keep, keepOwn) && maxBuses > 0) maxBuses--
      }
    }
    if (!bothCanMeet) maxBuses = Math.min(maxBuses, 1)
    let claimed = 0
    for (let r = 0; r < BP; r++) {
      let n = 0
      for (let b = 0; b < B; b++) {
        if (possiblyUp[b] === 0 || ix.busWired[b] === 0 || (ix.busPriorityRank[b] ?? 0) !== r) continue
        const mand = mandatory[b] ?? 0
        let capNeed = 0
        let countNeed = 0
        if (mand > 0) {
          const c = nonRiskCount[b] ?? 0
          let own = busNonRisk[b] ?? 0
          for (let j = 0; j < k; j++) own -= topK[b * k + j] ?? 0
          capNeed = Math.max(0, mand - own) + (c < k ? (k - c) * poolMin : 0)
          countNeed = Math.max(0, k + 1 - c)
          if (capNeed > (ctx.remNonRiskCap[i * B + b] ?? 0) && capNeed > 0) continue
          if (countNeed > (ctx.remNonRiskReach[i * B + b] ?? 0)) continue
        }
        needCap[n] = capNeed
        needCount[n] = countNeed
        n++
      }
      // Max buses coverable by capacity alone and by supply count alone; the bound is the smaller.
      sortPrefix(needCap, n)
      sortPrefix(needCount, n)
      const byCap = needCap
      const byCount = needCount
      let c1 = 0
      let acc = 0
      while (c1 < n && acc + (byCap[c1] ?? 0) <= pool) acc += byCap[c1++] ?? 0
      let c2 = 0
      let accN = 0
      while (c2 < n && accN + (byCount[c2] ?? 0) <= poolCount) accN += byCount[c2++] ?? 0
      const got = Math.min(c1, c2, maxBuses - claimed)
      claimed += got
      opt[2 * P + r] = got
      for (let j = 0; j < got; j++) {
        pool -= byCap[j] ?? 0
        poolCount -= byCount[j] ?? 0
      }
    }
    for (let j = 2 * P; j < 2 * P + BP; j++) {
      const x = opt[j] ?? 0
      const y = vecInc[j] ?? 0
      if (x !== y) return x < y
    }
    // Level 3: scenarios that can still be survived, each on its own; then, for up to 4 buses, sets of
    // them together: every bus that must be up in one of them (already up, or the other bus of a load a
    // rival must serve) needs the largest of their demands, all from one pool of remaining capacity.
    let survivable = 0
    if (ix.busRedundancy) {
      const totalRem = ctx.remTotalCap[i] ?? 0
      let alone = 0 // bit mask of scenarios survivable on their own
      for (let a = 0; a < B; a++) {
        if (possiblyUp[a] === 0 || through[a] === 0 || loses[a] === 1) continue
        let deficit = 0
        let ok = true
        for (let b = 0; b < B && ok; b++) {
          if (b === a || (busCount[b] ?? 0) === 0) continue
          const need = (mandatory[b] ?? 0) + (pairQ[a * B + b] ?? 0)
          if (need > (ix.maxU[b] ?? Infinity) || need > (busCap[b] ?? 0) + (ctx.remCap[i * B + b] ?? 0))
            ok = false
          else deficit += Math.max(0, need - (busCap[b] ?? 0))
        }
        if (!ok || deficit > totalRem) continue
        survivable++
        if (a < 30) alone |= 1 << a
      }
      if (B <= 4 && survivable > 1) {
        let best = 0
        for (let mask = alone; mask > 0; mask = (mask - 1) & alone) {
          let size = 0
          for (let a = 0; a < B; a++) if ((mask & (1 << a)) !== 0) size++
          if (size <= best) continue
          let deficit = 0
          let ok = true
          for (let b = 0; b < B && ok; b++) {
            let need = -1
            for (let a = 0; a < B; a++) {
              if (a === b || (mask & (1 << a)) === 0) continue
              const pq = pairQ[a * B + b] ?? 0
              if ((busCount[b] ?? 0) === 0 && pq <= 0) continue
              need = Math.max(need, (mandatory[b] ?? 0) + pq)
            }
            if (need < 0) continue
            if (need > (limitMax[b] ?? 0)) ok = false
            else deficit += Math.max(0, need - (busCap[b] ?? 0))
          }
          if (ok && deficit <= totalRem) best = size
        }
        survivable = best
      }
    }
    if (ix.busRedundancy && mustServe !== null) {
      let same = true
      for (let j = 0; j < 2 * P + BP && same; j++) same = scenarioKey[j] === vecInc[j]
      if (!same) {
        scenarioKey.set(vecInc.subarray(0, 2 * P + BP))
        scenarioCap = survivableScenarios(ix, mustServe, vecInc)
      }
      survivable = Math.min(survivable, scenarioCap)
    }
    if (F > 0) survivable += feedScenarioBound(i, vecInc)
    opt[2 * P + BP] = survivable
    opt[2 * P + BP + 1] = -((sums[1] ?? 0) + (ctx.minChangesFrom[i] ?? 0) + forcedExtraChanges(i, vecInc))
    for (let j = 0; j < opt.length; j++) {
      const x = opt[j] ?? 0
      const y = vecInc[j] ?? 0
      if (x === y) continue
      // Levels 1-3 of the bound equal the incumbent's: no completion below beats it there, whatever
      // the incumbent becomes (it only improves), so the subtree may skip to the level-4 check.
      if (j === 2 * P + BP + 1) capFlag = true
      return x < y
    }
    capFlag = true
    for (let s = 0; s < i; s++) {
      const x = assign[s] ?? -1
      const y = inc.assign[s] ?? -1
      if (x !== y) return x > y
    }
    return false
  }

  const leaf = (): void => {
    up.fill(0)
    for (let b = 0; b < B; b++) {
      up[b] = (busCount[b] ?? 0) > 0 ? 1 : 0
      limitU[b] = Math.min(busCap[b] ?? 0, ix.maxU[b] ?? Infinity)
    }
    redundantOf(ix, assign, redundantU, up)
    chooseSheddingExact(ix, ws, { assign, up, limitU, redundantU, changes: sums[1] ?? 0 }, inc, workLimit)
  }

  const place = (s: number, b: number, sign: 1 | -1): void => {
    if (b < 0) return
    const c = ix.capacityU[s] ?? 0
    busCap[b] = (busCap[b] ?? 0) + sign * c
    busCount[b] = (busCount[b] ?? 0) + sign
    if (ix.atRisk[s] === 0) {
      busNonRisk[b] = (busNonRisk[b] ?? 0) + sign * c
      nonRiskCount[b] = (nonRiskCount[b] ?? 0) + sign
    }
    sums[0] = (sums[0] ?? 0) + sign * c
    const f = F > 0 ? (ix.supplyFeed[s] ?? -1) : -1
    if (f >= 0) {
      feedOnBus[f * B + b] = (feedOnBus[f * B + b] ?? 0) + sign
      feedClosedCap[f] = (feedClosedCap[f] ?? 0) + sign * c
    }
  }

  const dfs = (i: number, capped: boolean): void => {
    ws.work++
    if (ws.work > workLimit) {
      exhausted = true
      return
    }
    if (pruned(i, capped)) return
    const cappedBelow = capped || capFlag
    if (i === S) {
      leaf()
      return
    }
    const opts = ix.options[i] ?? new Int32Array(0)
    const costs = ctx.changeCost[i] ?? new Float64Array(1)
    const tw = ctx.supplyTwin[i] ?? -1
    const floor = tw >= 0 ? (assign[tw] ?? -1) : -1
    const cur = ix.currentOption[i] ?? -2
    // Current option first, then the rest in tie-break order (t = -2 stands for the current one).
    const curJ = cur >= 0 ? opts.indexOf(cur) : cur === -1 ? -1 : -2
    for (let t = -2; t < opts.length; t++) {
      const j = t === -2 ? curJ : t
      if (j < -1 || (t !== -2 && j === curJ)) continue
      const b = j < 0 ? -1 : (opts[j] ?? -1)
      if (b < floor) continue
      assign[i] = b
      place(i, b, 1)
      const c = costs[j + 1] ?? 0
      sums[1] = (sums[1] ?? 0) + c
      dfs(i + 1, cappedBelow)
      sums[1] = (sums[1] ?? 0) - c
      place(i, b, -1)
      assign[i] = -1
      if (exhausted) return
    }
  }
  dfs(0, false)
  return !exhausted && ws.work <= workLimit
}
