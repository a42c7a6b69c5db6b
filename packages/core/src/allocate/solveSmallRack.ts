/**
 * Pure. The exact optimum (levels 1-5) of a rack of at most 3 buses naming no feed, when some
 * admissible configuration serves every load; null otherwise (the caller then runs the general search).
 *
 * Why this is exact and small: serving every load maximises level 1 outright, so when any
 * configuration does, the optimum is among those that do, and then the loads are fixed by the up set
 * U alone. For a fixed U every bus b has a fixed load L(b), and each bus-loss scenario a asks every
 * other up bus b for one fixed threshold T_a(b) = L(b) + (the half-shares moved from a). So levels 2-3
 * depend only on, per bus, which of its few thresholds its capacity reaches and whether its redundant
 * capacity reaches L(b): a "profile" (per bus: a capacity need and maybe a redundancy need). Levels 2-3
 * only grow with the needs met, so:
 * 1. the best value v is the highest value of a profile some assignment meets (witnessOf: supplies
 *    grouped into interchangeable classes, largest first, none left open since adding a supply never
 *    lowers a bus's capacity or redundant capacity);
 * 2. the optimum is the assignment with the fewest switch changes, then first in the level-5 order,
 *    meeting one of the profiles of value v (fewestChanges: depth first over supplies in id order,
 *    open then buses in id order, which is the level-5 order, from the cheapest witness, with capacity
 *    bounds and a change bound: each supply's cheapest position, plus per bus the cheapest way to bring
 *    in what those positions leave short, as a fractional cover).
 */
import { changesFor, type RackIndex } from './indexRack.js'

/** Most buses this solver takes (profiles and class splits are written for up to three). */
export const smallRackMaxBuses = 3

/** Interchangeable supplies, as far as meeting a profile goes. */
interface SupplyClass {
  readonly capacity: number
  readonly nonRisk: boolean
  /** Bit mask of the buses of U it may go to. */
  readonly mask: number
  /** Its supplies, ascending. */
  readonly members: number[]
}

/** One up set: its bus loads and scenario thresholds, and what the searches share. */
interface UpSet {
  readonly mask: number
  /**
   * Per ((i * B + b) * 6 + field), over supplies from i on: the capacity, non-risk capacity and count
   * of those that may go to b (SUF_CAP, SUF_NON_RISK, SUF_COUNT), and the same over those whose
   * cheapest positions include b (FREE_CAP, FREE_NON_RISK, FREE_COUNT). Interleaved: one view, not six.
   */
  readonly perBus: Float64Array
  /**
   * Per (i * 3 + field): capacity of supplies from i on that may go to some bus of U (ANY_CAP), the sum
   * of their cheapest change counts (MIN_COST), and where supply i's choices start (CHOICES_AT).
   */
  readonly perSupply: Float64Array
  /** Supply i's choices (-1 open, then its buses in U ascending) from perSupply's CHOICES_AT. */
  readonly choices: Float64Array
  /** Per ((i * B + b) * k + t): the t-th largest non-risk capacity among the free ones (0 when fewer). */
  readonly freeTop: Float64Array
  /**
   * Per bus b, the supplies that may go to b but not at their cheapest, by capacity per extra change
   * (descending): supply at arrivals[2 * (b * S + j)], its extra changes at the next index.
   */
  readonly arrivals: Float64Array
  readonly arrivalCount: number[]
  readonly classes: SupplyClass[]
}

const SUF_CAP = 0
const SUF_NON_RISK = 1
const SUF_COUNT = 2
const FREE_CAP = 3
const FREE_NON_RISK = 4
const FREE_COUNT = 5
const ANY_CAP = 0
const MIN_COST = 1
const CHOICES_AT = 2

/** Limits above the root bound tried before asking whether a profile is met at all. */
const optimisticLimits = 2

const bit = (mask: number, b: number): boolean => b >= 0 && (mask & (1 << b)) !== 0

/** Zeroed views carved in turn from one buffer: typed arrays over 64 bytes live off the heap, and one
 * such allocation per call costs less than several. */
type Take = (length: number) => Float64Array
const slab = (size: number): Take => {
  const buffer = new Float64Array(size)
  let at = 0
  return (length) => buffer.subarray(at, (at += length))
}

/** Numbers an up set's search data takes (see buildUpSet). */
const upSetSize = (S: number, B: number, K: number): number => {
  const R = (S + 1) * B
  return 6 * R + 3 * (S + 1) + S * (B + 1) + R * K + 2 * B * S
}

const buildUpSet = (ix: RackIndex, mask: number, take: Take): UpSet => {
  const S = ix.supplyCount
  const B = ix.busCount
  const K = ix.redundancyK
  const R = (S + 1) * B
  const perBus = take(6 * R)
  const perSupply = take(3 * (S + 1))
  const choices = take(S * (B + 1))
  const freeTop = take(R * K)
  const arrivals = take(2 * B * S)
  const arrivalCount = [0, 0, 0]
  const minCost: number[] = []
  const freeMask: number[] = []
  const anyMask: number[] = []
  const classes: SupplyClass[] = []
  let n = 0
  for (let s = 0; s < S; s++) {
    perSupply[3 * s + CHOICES_AT] = n
    const openCost = changesFor(ix, s, -1)
    let cheapest = openCost
    let any = 0
    const opts = ix.options[s] ?? []
    // Open first (level-5 order), unless some bus is cheaper: a supply added to a bus never lowers a
    // need met, so opening it then costs more for nothing and is in no optimum.
    choices[n++] = -1
    for (let j = 0; j < opts.length; j++) {
      const b = opts[j] ?? 0
      if (!bit(mask, b)) continue
      choices[n++] = b
      any |= 1 << b
      cheapest = Math.min(cheapest, changesFor(ix, s, b))
    }
    if (cheapest < openCost) {
      const first = perSupply[3 * s + CHOICES_AT] ?? 0
      for (let j = first; j < n - 1; j++) choices[j] = choices[j + 1] ?? 0
      n--
    }
    let free = 0
    for (let b = 0; b < B; b++) if (bit(any, b) && changesFor(ix, s, b) === cheapest) free |= 1 << b
    minCost.push(cheapest)
    freeMask.push(free)
    anyMask.push(any)
    if (any === 0) continue
    const capacity = ix.capacityU[s] ?? 0
    const nonRisk = ix.atRisk[s] === 0
    let same: SupplyClass | undefined
    for (const c of classes) if (c.capacity === capacity && c.nonRisk === nonRisk && c.mask === any) same = c
    if (same !== undefined) same.members.push(s)
    else {
      // Capacity descending (insertion keeps it sorted).
      let at = classes.length
      while (at > 0 && (classes[at - 1]?.capacity ?? 0) < capacity) at--
      classes.splice(at, 0, { capacity, nonRisk, mask: any, members: [s] })
    }
  }
  perSupply[3 * S + CHOICES_AT] = n

  for (let s = S - 1; s >= 0; s--) {
    const c = ix.capacityU[s] ?? 0
    const nr = ix.atRisk[s] === 1 ? 0 : c
    const any = anyMask[s] ?? 0
    const free = freeMask[s] ?? 0
    perSupply[3 * s + ANY_CAP] = (perSupply[3 * s + 3 + ANY_CAP] ?? 0) + (any !== 0 ? c : 0)
    perSupply[3 * s + MIN_COST] = (perSupply[3 * s + 3 + MIN_COST] ?? 0) + (minCost[s] ?? 0)
    for (let b = 0; b < B; b++) {
      const i = s * B + b
      const next = i + B
      const may = bit(any, b)
      const isFree = bit(free, b)
      perBus[6 * i + SUF_CAP] = (perBus[6 * next + SUF_CAP] ?? 0) + (may ? c : 0)
      perBus[6 * i + SUF_NON_RISK] = (perBus[6 * next + SUF_NON_RISK] ?? 0) + (may ? nr : 0)
      perBus[6 * i + SUF_COUNT] = (perBus[6 * next + SUF_COUNT] ?? 0) + (may ? 1 : 0)
      perBus[6 * i + FREE_CAP] = (perBus[6 * next + FREE_CAP] ?? 0) + (isFree ? c : 0)
      perBus[6 * i + FREE_NON_RISK] = (perBus[6 * next + FREE_NON_RISK] ?? 0) + (isFree ? nr : 0)
      perBus[6 * i + FREE_COUNT] = (perBus[6 * next + FREE_COUNT] ?? 0) + (isFree ? 1 : 0)
      let carry = isFree && nr > 0 ? nr : 0
      for (let t = 0; t < K; t++) {
        const x = freeTop[next * K + t] ?? 0
        if (carry > x) {
          freeTop[i * K + t] = carry
          carry = x
        } else freeTop[i * K + t] = x
      }
    }
  }

  // Per bus, the supplies that may arrive at extra changes, by capacity per extra change (insertion
  // sort, ties by index).
  for (let b = 0; b < B; b++) {
    let m = 0
    for (let s = 0; s < S; s++) {
      if (!bit(anyMask[s] ?? 0, b) || bit(freeMask[s] ?? 0, b)) continue
      const extra = changesFor(ix, s, b) - (minCost[s] ?? 0)
      const c = ix.capacityU[s] ?? 0
      let j = m++
      for (; j > 0; j--) {
        const p = arrivals[2 * (b * S + j - 1)] ?? 0
        const pe = arrivals[2 * (b * S + j - 1) + 1] ?? 1
        if ((ix.capacityU[p] ?? 0) * extra >= c * pe) break
        arrivals[2 * (b * S + j)] = p
        arrivals[2 * (b * S + j) + 1] = pe
      }
      arrivals[2 * (b * S + j)] = s
      arrivals[2 * (b * S + j) + 1] = extra
    }
    arrivalCount[b] = m
  }

  return { mask, perBus, perSupply, choices, freeTop, arrivals, arrivalCount, classes }
}

/**
 * Profiles, flat: per profile [up mask, value, capacity need per bus, redundancy need per bus (-1:
 * none)]. `value` is levels 2-3 as one number (base-4 digits: N+k counts by bus priority, highest
 * first, then survived bus-loss scenarios).
 */
const profileWidth = (B: number): number => 2 + 2 * B

/** Append the profiles of up set `mask` (every load has a bus in it); none when a rating is below its bus's load. */
const addProfiles = (ix: RackIndex, mask: number, out: number[]): void => {
  const B = ix.busCount
  const load = [0, 0, 0]
  const moved = [0, 0, 0, 0, 0, 0, 0, 0, 0]
  const loses = [false, false, false]
  const carries = [false, false, false]
  for (let l = 0; l < ix.loadCount; l++) {
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    const q = ix.loadQ[l] ?? 0
    if (bit(mask, a) && bit(mask, c)) {
      load[a] = (load[a] ?? 0) + q
      load[c] = (load[c] ?? 0) + q
      moved[a * 3 + c] = (moved[a * 3 + c] ?? 0) + q
      moved[c * 3 + a] = (moved[c * 3 + a] ?? 0) + q
      carries[a] = true
      carries[c] = true
    } else {
      const only = bit(mask, a) ? a : c
      load[only] = (load[only] ?? 0) + 2 * q
      loses[only] = true
      carries[only] = true
    }
  }
  for (let b = 0; b < B; b++) if (bit(mask, b) && (load[b] ?? 0) > (ix.maxU[b] ?? Infinity)) return
  // Scenarios that can count: bus redundancy on, a carries load and loses none.
  const scenario = [false, false, false]
  for (let a = 0; a < B; a++)
    scenario[a] = ix.busRedundancy && bit(mask, a) && carries[a] === true && loses[a] === false
  // Per bus: capacity needs (distinct, ascending, within the rating and within reach of every supply
  // that may go there), and redundancy options (likewise within reach: redundant capacity only grows
  // with supplies, so its most is with all of them).
  const capOptions: number[][] = []
  const redOptions: number[][] = []
  const K = ix.redundancyK
  for (let b = 0; b < B; b++) {
    if (!bit(mask, b)) {
      capOptions.push([0])
      redOptions.push([-1])
      continue
    }
    let reach = 0
    let nonRisk = 0
    const largest = [0, 0, 0]
    for (let s = 0; s < ix.supplyCount; s++) {
      if (ix.usable[s] === 0 || (ix.switchKind[s * B + b] ?? -1) < 0) continue
      const c = ix.capacityU[s] ?? 0
      reach += c
      if (ix.atRisk[s] === 1) continue
      nonRisk += c
      // The k largest (k <= 3 kept exactly; a larger k only weakens this bound).
      let carry = c
      for (let t = 0; t < Math.min(K, 3); t++) {
        const x = largest[t] ?? 0
        if (carry > x) {
          largest[t] = carry
          carry = x
        }
      }
    }
    let redReach = nonRisk
    for (let t = 0; t < Math.min(K, 3); t++) redReach -= largest[t] ?? 0
    const limit = Math.min(reach, ix.maxU[b] ?? Infinity)
    if ((load[b] ?? 0) > limit) return
    const needs = [load[b] ?? 0]
    for (let a = 0; a < B; a++) {
      if (a === b || !scenario[a]) continue
      const t = (load[b] ?? 0) + (moved[a * 3 + b] ?? 0)
      if (t <= limit && !needs.includes(t)) needs.push(t)
    }
    capOptions.push(needs.sort((x, y) => x - y))
    const wantsRed = ix.busWired[b] === 1 && (load[b] ?? 0) > 0 && (load[b] ?? 0) <= redReach
    redOptions.push(wantsRed ? [-1, load[b] ?? 0] : [-1])
  }
  const BP = ix.busPriorities.length
  const W = profileWidth(B)
  const pick = [0, 0, 0, 0, 0, 0]
  const nk = [0, 0, 0]
  for (;;) {
    const at = out.length
    out.push(mask, 0)
    for (let b = 0; b < B; b++) out.push(capOptions[b]?.[pick[2 * b] ?? 0] ?? 0)
    for (let b = 0; b < B; b++) out.push(redOptions[b]?.[pick[2 * b + 1] ?? 0] ?? -1)
    nk.fill(0)
    for (let b = 0; b < B; b++) {
      // A wired up bus with no load meets N+k whatever its supplies.
      if (
        bit(mask, b) &&
        ix.busWired[b] === 1 &&
        ((out[at + 2 + B + b] ?? -1) >= 0 || (load[b] ?? 0) === 0)
      ) {
        const r = ix.busPriorityRank[b] ?? 0
        nk[r] = (nk[r] ?? 0) + 1
      }
    }
    let survived = 0
    for (let a = 0; a < B; a++) {
      if (!scenario[a]) continue
      let ok = true
      for (let b = 0; ok && b < B; b++)
        if (b !== a && bit(mask, b) && (load[b] ?? 0) + (moved[a * 3 + b] ?? 0) > (out[at + 2 + b] ?? 0))
          ok = false
      if (ok) survived++
    }
    let value = 0
    for (let r = 0; r < BP; r++) value = value * 4 + (nk[r] ?? 0)
    out[at + 1] = value * 4 + survived
    let j = 0
    for (; j < 2 * B; j++) {
      const len = (j % 2 === 0 ? capOptions[j >> 1]?.length : redOptions[j >> 1]?.length) ?? 1
      pick[j] = (pick[j] ?? 0) + 1
      if ((pick[j] ?? 0) < len) break
      pick[j] = 0
    }
    if (j === 2 * B) break
  }
}

/**
 * Whether the profile at `pa` adds no assignment to the others of `group` (same up set, same value):
 * some other one's needs are all at most its own (the first of equal ones is kept).
 */
const dominated = (profiles: readonly number[], W: number, group: readonly number[], pa: number): boolean => {
  for (const oa of group) {
    if (oa === pa || profiles[oa] !== profiles[pa]) continue
    let below = true
    let equal = true
    for (let x = 2; below && x < W; x++) {
      const o = profiles[oa + x] ?? 0
      const p = profiles[pa + x] ?? 0
      if (o > p) below = false
      else if (o < p) equal = false
    }
    if (below && (!equal || oa < pa)) return true
  }
  return false
}

/** Scratch for witnessOf, sized for one rack. */
interface WitnessScratch {
  readonly sufCap: Float64Array
  readonly sufNonRisk: Float64Array
  readonly sufCount: Float64Array
  readonly sufAny: Float64Array
  readonly cap: Float64Array
  readonly count: Float64Array
  readonly nonRisk: Float64Array
  readonly windowCount: Float64Array
  readonly windowSum: Float64Array
  /** Per (class * B + bus): how many of the class's supplies go to the bus. */
  readonly share: Float64Array
}

/** Numbers the witness scratch takes. */
const witnessSize = (S: number, B: number): number => 3 * (S + 1) * B + (S + 1) + 5 * B + S * B

const createWitnessScratch = (S: number, B: number, take: Take): WitnessScratch => ({
  sufCap: take((S + 1) * B),
  sufNonRisk: take((S + 1) * B),
  sufCount: take((S + 1) * B),
  sufAny: take(S + 1),
  cap: take(B),
  count: take(B),
  nonRisk: take(B),
  windowCount: take(B),
  windowSum: take(B),
  share: take(S * B),
})

/**
 * Whether some assignment meets the profile at `profiles[at]`: fills ws.share (supplies per class and
 * bus) and returns true, or false when none does. Classes go largest first, so the first k non-risk
 * supplies a bus receives are its k largest (its N+k window).
 */
const witnessOf = (
  ix: RackIndex,
  u: UpSet,
  profiles: readonly number[],
  at: number,
  ws: WitnessScratch,
): boolean => {
  const B = ix.busCount
  const K = ix.redundancyK
  const classes = u.classes
  const C = classes.length
  const { sufCap, sufNonRisk, sufCount, sufAny, cap, count, nonRisk, windowCount, windowSum, share } = ws
  for (let b = 0; b < B; b++) {
    sufCap[C * B + b] = 0
    sufNonRisk[C * B + b] = 0
    sufCount[C * B + b] = 0
    cap[b] = 0
    count[b] = 0
    nonRisk[b] = 0
    windowCount[b] = 0
    windowSum[b] = 0
  }
  sufAny[C] = 0
  for (let c = C - 1; c >= 0; c--) {
    const cl = classes[c] as SupplyClass
    const n = cl.members.length
    sufAny[c] = (sufAny[c + 1] ?? 0) + n * cl.capacity
    for (let b = 0; b < B; b++) {
      const may = bit(cl.mask, b)
      sufCap[c * B + b] = (sufCap[(c + 1) * B + b] ?? 0) + (may ? n * cl.capacity : 0)
      sufNonRisk[c * B + b] = (sufNonRisk[(c + 1) * B + b] ?? 0) + (may && cl.nonRisk ? n * cl.capacity : 0)
      sufCount[c * B + b] = (sufCount[(c + 1) * B + b] ?? 0) + (may ? n : 0)
      share[c * B + b] = 0
    }
  }
  const upMask = profiles[at] ?? 0

  /** Could the classes from c on still meet every need? */
  const possible = (c: number): boolean => {
    let pooled = 0
    for (let b = 0; b < B; b++) {
      if (!bit(upMask, b)) continue
      const capShort = (profiles[at + 2 + b] ?? 0) - (cap[b] ?? 0)
      if (capShort > (sufCap[c * B + b] ?? 0)) return false
      if ((count[b] ?? 0) === 0 && (sufCount[c * B + b] ?? 0) === 0) return false
      const need = profiles[at + 2 + B + b] ?? -1
      let redShort = 0
      if (need >= 0) {
        redShort = need - ((nonRisk[b] ?? 0) - (windowSum[b] ?? 0))
        // All its eligible non-risk supplies from here on, less the largest of them filling the window.
        let reach = sufNonRisk[c * B + b] ?? 0
        let free = K - (windowCount[b] ?? 0)
        for (let d = c; free > 0 && d < C; d++) {
          const cl = classes[d] as SupplyClass
          if (!cl.nonRisk || !bit(cl.mask, b)) continue
          const m = Math.min(free, cl.members.length)
          reach -= m * cl.capacity
          free -= m
        }
        if (redShort > reach) return false
      }
      pooled += Math.max(0, capShort, redShort)
    }
    return pooled <= (sufAny[c] ?? 0)
  }

  const put = (cl: SupplyClass, b: number, m: number): void => {
    cap[b] = (cap[b] ?? 0) + m * cl.capacity
    count[b] = (count[b] ?? 0) + m
    if (!cl.nonRisk) return
    nonRisk[b] = (nonRisk[b] ?? 0) + m * cl.capacity
    const fill = Math.min(m, K - (windowCount[b] ?? 0))
    windowCount[b] = (windowCount[b] ?? 0) + fill
    windowSum[b] = (windowSum[b] ?? 0) + fill * cl.capacity
  }
  /** Undo put(cl, b, m) given the window count before it. */
  const take = (cl: SupplyClass, b: number, m: number, windowBefore: number): void => {
    cap[b] = (cap[b] ?? 0) - m * cl.capacity
    count[b] = (count[b] ?? 0) - m
    if (!cl.nonRisk) return
    nonRisk[b] = (nonRisk[b] ?? 0) - m * cl.capacity
    windowSum[b] = (windowSum[b] ?? 0) - ((windowCount[b] ?? 0) - windowBefore) * cl.capacity
    windowCount[b] = windowBefore
  }

  const search = (c: number): boolean => {
    if (c === C) return true
    const cl = classes[c] as SupplyClass
    const n = cl.members.length
    let b0 = -1
    let b1 = -1
    let b2 = -1
    for (let b = 0; b < B; b++) {
      if (!bit(cl.mask, b)) continue
      if (b0 < 0) b0 = b
      else if (b1 < 0) b1 = b
      else b2 = b
    }
    // Split the class over its buses: x on b0, y on b1, the rest on b2.
    for (let x = n; x >= 0; x--) {
      if (b1 < 0 && x < n) break
      for (let y = n - x; y >= 0; y--) {
        const z = n - x - y
        if (b2 < 0 && z > 0) break
        const w0 = windowCount[b0] ?? 0
        const w1 = b1 >= 0 ? (windowCount[b1] ?? 0) : 0
        const w2 = b2 >= 0 ? (windowCount[b2] ?? 0) : 0
        if (x > 0) put(cl, b0, x)
        if (y > 0) put(cl, b1, y)
        if (z > 0) put(cl, b2, z)
        if (possible(c + 1) && search(c + 1)) {
          share[c * B + b0] = x
          if (b1 >= 0) share[c * B + b1] = y
          if (b2 >= 0) share[c * B + b2] = z
          return true
        }
        if (x > 0) take(cl, b0, x, w0)
        if (y > 0) take(cl, b1, y, w1)
        if (z > 0) take(cl, b2, z, w2)
      }
    }
    return false
  }

  return possible(0) && search(0)
}

/** The witness ws.share describes, as an assignment: each bus gets first the class members already on it. */
const witnessAssign = (ix: RackIndex, u: UpSet, ws: WitnessScratch, out: Int32Array): void => {
  const B = ix.busCount
  out.fill(-1)
  u.classes.forEach((cl, c) => {
    for (const s of cl.members) {
      const now = ix.currentOption[s] ?? -1
      if (now >= 0 && (ws.share[c * B + now] ?? 0) > 0) {
        out[s] = now
        ws.share[c * B + now] = (ws.share[c * B + now] ?? 0) - 1
      }
    }
    for (const s of cl.members) {
      if ((out[s] ?? -1) >= 0) continue
      for (let b = 0; b < B; b++) {
        if ((ws.share[c * B + b] ?? 0) === 0) continue
        out[s] = b
        ws.share[c * B + b] = (ws.share[c * B + b] ?? 0) - 1
        break
      }
    }
  })
}

/**
 * The exact optimum's assignment (a bus per supply, -1 open; every load served), or null when no
 * configuration serves every load or the rack is outside this solver's range (feeds, more than 3 buses).
 */
export const solveSmallRack = (ix: RackIndex): Int32Array | null => {
  const S = ix.supplyCount
  const B = ix.busCount
  const K = ix.redundancyK
  if (B > smallRackMaxBuses || ix.feedCount > 0) return null
  const W = profileWidth(B)

  const profiles: number[] = []
  const upSets: (UpSet | undefined)[] = []
  for (let mask = 0; mask < 1 << B; mask++) {
    let everyLoad = true
    for (let l = 0; everyLoad && l < ix.loadCount; l++)
      everyLoad = bit(mask, ix.loadBusA[l] ?? -1) || bit(mask, ix.loadBusB[l] ?? -1)
    if (!everyLoad) continue
    addProfiles(ix, mask, profiles)
  }
  const P = profiles.length / W
  if (P === 0) return null

  // Search state (the first up set shares one buffer with it; a further up set, rare, and the witness
  // scratch, needed only when the first limits fail, take their own).
  const first = slab(S * K + upSetSize(S, B, K))
  const saved = first(S * K)
  let take: Take | null = first
  let ws: WitnessScratch | null = null
  const upSetOf = (mask: number): UpSet => {
    let u = upSets[mask]
    if (u === undefined) {
      u = buildUpSet(ix, mask, take ?? slab(upSetSize(S, B, K)))
      upSets[mask] = u
      take = null
    }
    return u
  }
  const best = new Int32Array(S).fill(-1)
  const candidate = new Int32Array(S)
  const assign = new Int32Array(S).fill(-1)
  const cap = new Float64Array(B)
  const count = new Int32Array(B)
  const nonRisk = new Float64Array(B)
  const top = new Float64Array(Math.max(1, B * K))
  // The up set of a highest-valued profile gets the shared buffer.
  let firstMask = profiles[0] ?? 0
  for (let p = 0, top = -1; p < P; p++) {
    if ((profiles[p * W + 1] ?? 0) <= top) continue
    top = profiles[p * W + 1] ?? 0
    firstMask = profiles[p * W] ?? 0
  }
  let u = upSetOf(firstMask)
  let at = 0
  let limit = 0
  let found = false
  let done = false

  /** Redundant capacity of bus b if every supply from i on sat at its cheapest position there. */
  const redundantWithFree = (i: number, b: number): number => {
    const x = (i * B + b) * K
    let r = (nonRisk[b] ?? 0) + (u.perBus[6 * (i * B + b) + FREE_NON_RISK] ?? 0)
    // The k largest of both windows (each descending).
    let p = 0
    let q = 0
    for (let t = 0; t < K; t++) {
      const y = top[b * K + p] ?? 0
      const z = u.freeTop[x + q] ?? 0
      if (y >= z) {
        r -= y
        p++
      } else {
        r -= z
        q++
      }
    }
    return r
  }

  /** Fewest extra changes that bring `short` units onto bus b from supplies i.. not there at their cheapest. */
  const arrivalBound = (i: number, b: number, short: number, nonRiskOnly: boolean): number => {
    let left = short
    let cost = 0
    const n = u.arrivalCount[b] ?? 0
    for (let j = 0; j < n; j++) {
      const s = u.arrivals[2 * (b * S + j)] ?? 0
      if (s < i || (nonRiskOnly && ix.atRisk[s] === 1)) continue
      const c = ix.capacityU[s] ?? 0
      const extra = u.arrivals[2 * (b * S + j) + 1] ?? 1
      if (c >= left) return cost + Math.ceil((extra * left) / c - 1e-9)
      left -= c
      cost += extra
    }
    return Infinity
  }

  /** False when no completion from supply i on meets the profile within the limit (and before `best`). */
  const promising = (i: number, cost: number, lex: number): boolean => {
    if (found && lex > 0) return false
    let pooled = 0
    let bound = cost + (u.perSupply[3 * i + MIN_COST] ?? 0)
    if (bound > limit) return false
    for (let b = 0; b < B; b++) {
      if (!bit(u.mask, b)) continue
      const x = i * B + b
      const capShort = (profiles[at + 2 + b] ?? 0) - (cap[b] ?? 0)
      if (capShort > (u.perBus[6 * x + SUF_CAP] ?? 0)) return false
      if ((count[b] ?? 0) === 0 && (u.perBus[6 * x + SUF_COUNT] ?? 0) === 0) return false
      const need = profiles[at + 2 + B + b] ?? -1
      let extra = 0
      if (need >= 0) {
        const redShort = need - redundant(b)
        if (redShort > (u.perBus[6 * x + SUF_NON_RISK] ?? 0)) return false
        pooled += Math.max(0, capShort, redShort)
        const redLeft = need - redundantWithFree(i, b)
        if (redLeft > 0) extra = arrivalBound(i, b, redLeft, true)
      } else pooled += Math.max(0, capShort)
      // What the supplies left at their cheapest positions leave short, brought in at extra changes.
      const capLeft = capShort - (u.perBus[6 * x + FREE_CAP] ?? 0)
      if (capLeft > 0) extra = Math.max(extra, arrivalBound(i, b, capLeft, false))
      if (extra === 0 && (count[b] ?? 0) === 0 && (u.perBus[6 * x + FREE_COUNT] ?? 0) === 0) extra = 1
      bound += extra
      if (bound > limit || bound === Infinity) return false
    }
    return pooled <= (u.perSupply[3 * i + ANY_CAP] ?? 0)
  }

  const redundant = (b: number): number => {
    let r = nonRisk[b] ?? 0
    for (let j = 0; j < K; j++) r -= top[b * K + j] ?? 0
    return r
  }

  const dfs = (s: number, cost: number, lex: number): void => {
    if (s === S) {
      if (!found || lex < 0) {
        best.set(assign)
        found = true
      }
      done = true
      return
    }
    const end = u.perSupply[3 * s + 3 + CHOICES_AT] ?? 0
    const c = ix.capacityU[s] ?? 0
    const counted = ix.atRisk[s] === 0
    for (let j = u.perSupply[3 * s + CHOICES_AT] ?? 0; j < end && !done; j++) {
      const b = u.choices[j] ?? -1
      const nextCost = cost + changesFor(ix, s, b)
      const nextLex = lex !== 0 || !found ? lex : Math.sign(b - (best[s] ?? -1))
      assign[s] = b
      if (b >= 0) {
        cap[b] = (cap[b] ?? 0) + c
        count[b] = (count[b] ?? 0) + 1
        if (counted) {
          nonRisk[b] = (nonRisk[b] ?? 0) + c
          // Bus b's k largest non-risk capacities (descending), saved to undo.
          let carry = c
          for (let t = 0; t < K; t++) {
            const x = top[b * K + t] ?? 0
            saved[s * K + t] = x
            if (carry > x) {
              top[b * K + t] = carry
              carry = x
            }
          }
        }
      }
      if (promising(s + 1, nextCost, nextLex)) dfs(s + 1, nextCost, nextLex)
      if (b >= 0) {
        cap[b] = (cap[b] ?? 0) - c
        count[b] = (count[b] ?? 0) - 1
        if (counted) {
          nonRisk[b] = (nonRisk[b] ?? 0) - c
          for (let t = 0; t < K; t++) top[b * K + t] = saved[s * K + t] ?? 0
        }
      }
      assign[s] = -1
    }
  }

  /** Depth first over `profiles` under limit L: true when an assignment is found (then in `best`). */
  const searchAt = (candidates: readonly number[], L: number): boolean => {
    limit = L
    for (const p of candidates) {
      at = p
      u = upSetOf(profiles[p] ?? 0)
      done = false
      if (promising(0, 0, 0)) dfs(0, 0, 0)
    }
    return found
  }
  /** The smallest limit the root bound of profile p allows (Infinity when its needs are out of reach). */
  const rootBound = (p: number): number => {
    at = p
    u = upSetOf(profiles[p] ?? 0)
    limit = Infinity
    if (!promising(0, 0, 0)) return Infinity
    // No assignment changes more than two switches per supply (plus a bridging supply's extra ones).
    for (limit = 0; limit <= 2 * S + 2 * ix.busCount * S; limit++) if (promising(0, 0, 0)) return limit
    return Infinity
  }

  // Values from the highest: the fewest changes, then level 5, over the value's minimal profiles, by a
  // rising limit on changes, so the first assignment found is the answer. A few limits above the root
  // bound are tried first; past them, only the profiles some assignment meets (witnessOf) go on, up
  // to the cheapest witness's changes, where one is found for sure. A value none of whose profiles is
  // met gives way to the next.
  const group: number[] = []
  const candidates: number[] = []
  for (let ceiling = Infinity; ;) {
    let value = -1
    for (let p = 0; p < P; p++) {
      const v = profiles[p * W + 1] ?? 0
      if (v < ceiling && v > value) value = v
    }
    if (value < 0) return null
    ceiling = value
    group.length = 0
    for (let p = 0; p < P; p++) if (profiles[p * W + 1] === value) group.push(p * W)
    candidates.length = 0
    let low = Infinity
    for (const p of group) {
      if (dominated(profiles, W, group, p)) continue
      const bound = rootBound(p)
      if (bound === Infinity) continue
      candidates.push(p)
      low = Math.min(low, bound)
    }
    if (candidates.length === 0) continue
    const optimistic = low + optimisticLimits
    for (let L = low; L <= optimistic; L++) if (searchAt(candidates, L)) return best
    let witnessCost = Infinity
    const met: number[] = []
    for (const p of candidates) {
      const mask = profiles[p] ?? 0
      const up = upSetOf(mask)
      ws ??= createWitnessScratch(S, B, slab(witnessSize(S, B)))
      if (!witnessOf(ix, up, profiles, p, ws)) continue
      met.push(p)
      witnessAssign(ix, up, ws, candidate)
      let cost = 0
      for (let s = 0; s < S; s++) cost += changesFor(ix, s, candidate[s] ?? -1)
      witnessCost = Math.min(witnessCost, cost)
    }
    if (met.length === 0) continue
    // The cheapest witness is found at its own limit at the latest.
    for (let L = optimistic + 1; L <= witnessCost; L++) if (searchAt(met, L)) return best
  }
}
