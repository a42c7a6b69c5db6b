/**
 * Pure (its scratch is module-level and reused; nothing of it outlives a call). The exact optimum
 * (levels 1-5) of a rack of at most 3 buses naming no feed, when some admissible configuration serves
 * every load; null otherwise (the caller then runs the general search). solveSmallRackShedding does the
 * same for racks of at most 2 buses that must shed, from the served sets best on level 1.
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
 *    lowers a bus's capacity or redundant capacity; a profile asking N+k of two or more buses must
 *    first fit them at once, each bus holding its need plus its k largest: windowsFit);
 * 2. the optimum is the assignment with the fewest switch changes, then first in the level-5 order,
 *    meeting one of the profiles of value v (fewestChanges: depth first over supplies in id order,
 *    open then buses in id order, which is the level-5 order, from the cheapest witness, with capacity
 *    bounds and a change bound: each supply's cheapest position, plus per bus the cheapest way to bring
 *    in what those positions leave short, as a fractional cover; at the root also in whole supplies,
 *    at least as many as the largest ones that cover it, at the fewest extra changes: wholeBound).
 * With shedding the same holds per (up set, served set) pair among those best on level 1: the loads,
 * and so the profiles, are fixed by the pair.
 */
import { bestServedSets } from './bestServedSets.js'
import { changesFor, type RackIndex } from './indexRack.js'

/** Most buses this solver takes (profiles and class splits are written for up to three). */
export const smallRackMaxBuses = 3

/** Interchangeable supplies, as far as meeting a profile goes (reused: see classesOf). */
interface SupplyClass {
  capacity: number
  nonRisk: boolean
  /** Bit mask of the buses of U it may go to. */
  mask: number
  /** Its supplies, ascending: the first `size` of `members` (the array is reused). */
  readonly members: number[]
  size: number
}

/**
 * One up set: what the searches over its profiles share. Its buffers are module-level and reused (see
 * upSetPool), so every field is set anew by buildUpSet.
 */
class UpSet {
  mask = 0
  /**
   * Per ((i * B + b) * 6 + field), over supplies from i on: the capacity, non-risk capacity and count
   * of those that may go to b (SUF_CAP, SUF_NON_RISK, SUF_COUNT), and the same over those whose
   * cheapest positions include b (FREE_CAP, FREE_NON_RISK, FREE_COUNT). Interleaved: one view, not six.
   */
  perBus: Float64Array = new Float64Array(0)
  /**
   * Per (i * 3 + field): capacity of supplies from i on that may go to some bus of U (ANY_CAP), the sum
   * of their cheapest change counts (MIN_COST), and where supply i's choices start (CHOICES_AT).
   */
  perSupply: Float64Array = new Float64Array(0)
  /** Supply i's choices (-1 open, then its buses in U ascending) from perSupply's CHOICES_AT. */
  choices: Float64Array = new Float64Array(0)
  /** The switch changes of each choice (same index). */
  choiceCost: Float64Array = new Float64Array(0)
  /** Per ((i * B + b) * k + t): the t-th largest non-risk capacity among the free ones (0 when fewer). */
  freeTop: Float64Array = new Float64Array(0)
  /**
   * Per bus b, the supplies that may go to b but not at their cheapest, by capacity per extra change
   * (descending): supply at arrivals[2 * (b * S + j)], its extra changes at the next index.
   */
  arrivals: Float64Array = new Float64Array(0)
  /**
   * Per (b * 4 + x): how many of them bring their supply in at one extra change (x = 0), at two (1),
   * and the same over the non-risk ones (2, 3).
   */
  readonly arrivalExtras: number[] = []
  /** Per bus b, from b * S: the capacities of those supplies, descending, negated when at risk. */
  arrivalCapacities: Float64Array = new Float64Array(0)
  /** Whether arrivalExtras and arrivalCapacities are built for this mask (see wholeBound). */
  wholeBuilt = false
  readonly arrivalCount: number[] = [0, 0, 0]
  /** Per supply: bit mask of the buses of U it may go to. */
  readonly anyMask: number[] = []
  /** Per supply: its cheapest change count, and the buses of U where it costs that. */
  readonly minCost: number[] = []
  readonly freeMask: number[] = []
  /** Non-risk capacity of the supplies that may go to some bus of U. */
  nonRiskAny = 0
  /** Whether `classes` and the class sums are built for this mask (only the witness search needs them). */
  classesBuilt = false
  /** Capacity descending (see classesOf); the first classes.length of classPool, in that order. */
  readonly classes: SupplyClass[] = []
  readonly classPool: SupplyClass[] = []
  /**
   * Per (c * B + b), over classes from c on: capacity, non-risk capacity and count of those that may go
   * to b; per c in classAny: capacity of them all.
   */
  classCap: Float64Array = new Float64Array(0)
  classNonRisk: Float64Array = new Float64Array(0)
  classCount: Float64Array = new Float64Array(0)
  classAny: Float64Array = new Float64Array(0)
}

/** `buffer` if it holds `length` numbers, else a new one that does (old contents are not kept). */
const atLeast = (buffer: Float64Array, length: number): Float64Array =>
  buffer.length >= length ? buffer : new Float64Array(length)

/**
 * The up sets of the rack being solved, one per bus mask: module-level and reused by every solve, since
 * a typed array over 64 bytes lives off the heap and allocating one costs more than a small solve's
 * search. A solve builds each up set it reads first (SmallRackSolver.upSetOf), and a solve runs to its
 * end without calling out, so no two solves share one; nothing of them outlives the solve (the result
 * is an array of its own). Buffers grow to the largest rack seen.
 */
const upSetPool: UpSet[] = []

/**
 * The up set's supplies grouped into classes (capacity descending; insertion keeps it sorted, equal
 * capacities in order of first member), and the sums over classes. The class records are the up set's
 * own and reused (the up set is: see upSetPool).
 */
const classesOf = (ix: RackIndex, u: UpSet): SupplyClass[] => {
  const classes = u.classes
  if (u.classesBuilt) return classes
  classes.length = 0
  for (let s = 0; s < ix.supplyCount; s++) {
    const any = u.anyMask[s] ?? 0
    if (any === 0) continue
    const capacity = ix.capacityU[s] ?? 0
    const nonRisk = ix.atRisk[s] === 0
    let same: SupplyClass | undefined
    for (const c of classes) if (c.capacity === capacity && c.nonRisk === nonRisk && c.mask === any) same = c
    if (same === undefined) {
      let record = u.classPool[classes.length]
      if (record === undefined)
        u.classPool.push((record = { capacity, nonRisk, mask: any, members: [], size: 0 }))
      record.capacity = capacity
      record.nonRisk = nonRisk
      record.mask = any
      record.size = 0
      let at = classes.length
      classes.push(record)
      for (; at > 0 && (classes[at - 1]?.capacity ?? 0) < capacity; at--)
        classes[at] = classes[at - 1] as SupplyClass
      classes[at] = record
      same = record
    }
    same.members[same.size++] = s
  }
  const B = ix.busCount
  const C = classes.length
  const sufCap = (u.classCap = atLeast(u.classCap, (C + 1) * B))
  const sufNonRisk = (u.classNonRisk = atLeast(u.classNonRisk, (C + 1) * B))
  const sufCount = (u.classCount = atLeast(u.classCount, (C + 1) * B))
  const sufAny = (u.classAny = atLeast(u.classAny, C + 1))
  for (let b = 0; b < B; b++) {
    sufCap[C * B + b] = 0
    sufNonRisk[C * B + b] = 0
    sufCount[C * B + b] = 0
  }
  sufAny[C] = 0
  for (let c = C - 1; c >= 0; c--) {
    const cl = classes[c] as SupplyClass
    const n = cl.size
    sufAny[c] = (sufAny[c + 1] ?? 0) + n * cl.capacity
    for (let b = 0; b < B; b++) {
      const may = bit(cl.mask, b)
      sufCap[c * B + b] = (sufCap[(c + 1) * B + b] ?? 0) + (may ? n * cl.capacity : 0)
      sufNonRisk[c * B + b] = (sufNonRisk[(c + 1) * B + b] ?? 0) + (may && cl.nonRisk ? n * cl.capacity : 0)
      sufCount[c * B + b] = (sufCount[(c + 1) * B + b] ?? 0) + (may ? n : 0)
    }
  }
  u.classesBuilt = true
  return classes
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

/**
 * The root bound from which the first value searched asks whether its profiles are met at all before
 * searching at that bound: the highest value is the one most often out of reach, and a search at a
 * bound of 2 or more that fails costs more than the witness search that tells (below it the search
 * is close to one dive, cheaper than the witness).
 */
const witnessFirstFrom = 2

const bit = (mask: number, b: number): boolean => b >= 0 && (mask & (1 << b)) !== 0

/** Fill `u` for up set `mask` of `ix`. */
const buildUpSet = (ix: RackIndex, mask: number, u: UpSet): void => {
  const S = ix.supplyCount
  const B = ix.busCount
  const K = ix.redundancyK
  const R = (S + 1) * B
  u.mask = mask
  u.classesBuilt = false
  const perBus = (u.perBus = atLeast(u.perBus, 6 * R))
  const perSupply = (u.perSupply = atLeast(u.perSupply, 3 * (S + 1)))
  const choices = (u.choices = atLeast(u.choices, S * (B + 1)))
  const choiceCost = (u.choiceCost = atLeast(u.choiceCost, S * (B + 1)))
  const freeTop = (u.freeTop = atLeast(u.freeTop, R * K))
  const arrivals = (u.arrivals = atLeast(u.arrivals, 2 * B * S))
  const { arrivalCount, minCost, freeMask, anyMask } = u
  // The sums over no supplies (every other number read is written below first).
  for (let x = 6 * S * B; x < 6 * R; x++) perBus[x] = 0
  for (let x = S * B * K; x < R * K; x++) freeTop[x] = 0
  perSupply[3 * S + ANY_CAP] = 0
  perSupply[3 * S + MIN_COST] = 0
  let nonRiskAny = 0
  let n = 0
  for (let s = 0; s < S; s++) {
    perSupply[3 * s + CHOICES_AT] = n
    const openCost = changesFor(ix, s, -1)
    let cheapest = openCost
    let any = 0
    const opts = ix.options[s] ?? []
    // Open first (level-5 order), unless some bus is cheaper: a supply added to a bus never lowers a
    // need met, so opening it then costs more for nothing and is in no optimum.
    choiceCost[n] = openCost
    choices[n++] = -1
    let free = 0
    for (let j = 0; j < opts.length; j++) {
      const b = opts[j] ?? 0
      if (!bit(mask, b)) continue
      const cost = changesFor(ix, s, b)
      choiceCost[n] = cost
      choices[n++] = b
      any |= 1 << b
      if (cost < cheapest) {
        cheapest = cost
        free = 0
      }
      if (cost === cheapest) free |= 1 << b
    }
    if (cheapest < openCost) {
      const first = perSupply[3 * s + CHOICES_AT] ?? 0
      for (let j = first; j < n - 1; j++) {
        choices[j] = choices[j + 1] ?? 0
        choiceCost[j] = choiceCost[j + 1] ?? 0
      }
      n--
    }
    minCost[s] = cheapest
    freeMask[s] = free
    anyMask[s] = any
  }
  perSupply[3 * S + CHOICES_AT] = n

  for (let s = S - 1; s >= 0; s--) {
    const c = ix.capacityU[s] ?? 0
    const nr = ix.atRisk[s] === 1 ? 0 : c
    const any = anyMask[s] ?? 0
    const free = freeMask[s] ?? 0
    perSupply[3 * s + ANY_CAP] = (perSupply[3 * s + 3 + ANY_CAP] ?? 0) + (any !== 0 ? c : 0)
    if (any !== 0) nonRiskAny += nr
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
  u.wholeBuilt = false
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
  u.nonRiskAny = nonRiskAny
}

/**
 * The least value the k-th largest non-risk capacity on bus b can have when its redundant capacity
 * (all but the k largest) reaches `need` > 0: the smallest w among the capacities that may go there
 * whose capacities up to w, less w itself (the k-th largest is among them), reach `need` (they grow
 * with w); Infinity when none does. The k largest then hold at least k * w, so the bus holds at least
 * need + k * w of non-risk capacity.
 */
const windowFloor = (ix: RackIndex, u: UpSet, b: number, need: number): number => {
  // The classes from the smallest capacity up (equal capacities are adjacent).
  const classes = classesOf(ix, u)
  let upTo = 0
  for (let c = classes.length - 1; c >= 0; c--) {
    const cl = classes[c] as SupplyClass
    if (!cl.nonRisk || !bit(cl.mask, b)) continue
    upTo += cl.size * cl.capacity
    if (upTo - cl.capacity >= need) return cl.capacity
  }
  return Infinity
}

/**
 * Profiles, flat: per profile [up mask, value, capacity need per bus, redundancy need per bus (-1:
 * none), entry (the index of its up set and served set, see Entry)]. `value` is levels 2-3 as one
 * number (base-4 digits: N+k counts by bus priority, highest first, then survived bus-loss scenarios).
 */
const profileWidth = (B: number): number => 3 + 2 * B

/**
 * An up set with the loads it serves (null: every load), whose profiles the solver considers; `bound`
 * is the most value they can have (valueBound).
 */
interface Entry {
  readonly mask: number
  readonly served: Uint8Array | null
  readonly bound: number
}

/**
 * Scratch of addProfiles, per bus (at most smallRackMaxBuses): reused by every call, since the
 * profiles are built anew for each rack and nothing here outlives the call.
 */
const profileLoad = new Float64Array(smallRackMaxBuses)
/** Per (a * 3 + b): half-shares that move onto b when a is lost. */
const profileMoved = new Float64Array(smallRackMaxBuses * smallRackMaxBuses)
const profileLoses = new Uint8Array(smallRackMaxBuses)
const profileCarries = new Uint8Array(smallRackMaxBuses)
const profileScenario = new Uint8Array(smallRackMaxBuses)
/** Per (b * 3 + j): bus b's j-th capacity need (ascending, distinct), and how many it has. */
const profileNeeds = new Float64Array(smallRackMaxBuses * smallRackMaxBuses)
const profileNeedCount = new Uint8Array(smallRackMaxBuses)
/** Per bus: 1 when a redundancy need (its load) is within reach, so profiles with and without it exist. */
const profileWantsRed = new Uint8Array(smallRackMaxBuses)
const profilePick = new Uint8Array(2 * smallRackMaxBuses)
const profileNk = new Uint8Array(smallRackMaxBuses)
// The k largest non-risk capacities of a bus, k <= 3 kept exactly.
const profileLargest = new Float64Array(3)

/**
 * The profiles of the rack being solved, flat (see profileWidth), in a module-level buffer reused by
 * every solve (grown when a rack needs more): one growing array of large numbers per call cost more
 * than building them.
 */
let profileBuffer = new Float64Array(1024)
let profileLength = 0

const pushProfile = (x: number): void => {
  if (profileLength === profileBuffer.length) {
    const grown = new Float64Array(2 * profileBuffer.length)
    grown.set(profileBuffer)
    profileBuffer = grown
  }
  profileBuffer[profileLength++] = x
}

/**
 * Append the profiles of entry `entry`: up set `mask` serving the loads `served` marks (null: every
 * load; each served load has a bus in the mask); none when a rating is below its bus's load.
 */
const addProfiles = (ix: RackIndex, mask: number, served: Uint8Array | null, entry: number): void => {
  const B = ix.busCount
  const load = profileLoad.fill(0)
  const moved = profileMoved.fill(0)
  const loses = profileLoses.fill(0)
  const carries = profileCarries.fill(0)
  for (let l = 0; l < ix.loadCount; l++) {
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    const q = ix.loadQ[l] ?? 0
    if (served !== null && served[l] === 0) continue
    if (bit(mask, a) && bit(mask, c)) {
      load[a] = (load[a] ?? 0) + q
      load[c] = (load[c] ?? 0) + q
      moved[a * 3 + c] = (moved[a * 3 + c] ?? 0) + q
      moved[c * 3 + a] = (moved[c * 3 + a] ?? 0) + q
      carries[a] = 1
      carries[c] = 1
    } else {
      const only = bit(mask, a) ? a : c
      load[only] = (load[only] ?? 0) + 2 * q
      loses[only] = 1
      carries[only] = 1
    }
  }
  for (let b = 0; b < B; b++) if (bit(mask, b) && (load[b] ?? 0) > (ix.maxU[b] ?? Infinity)) return
  // Scenarios that can count: bus redundancy on, a carries load and loses none.
  const scenario = profileScenario
  for (let a = 0; a < B; a++)
    scenario[a] = ix.busRedundancy && bit(mask, a) && carries[a] === 1 && loses[a] === 0 ? 1 : 0
  // Per bus: capacity needs (distinct, ascending, within the rating and within reach of every supply
  // that may go there), and redundancy options (likewise within reach: redundant capacity only grows
  // with supplies, so its most is with all of them).
  const needs = profileNeeds
  const needCount = profileNeedCount
  const wantsRed = profileWantsRed
  const K = ix.redundancyK
  for (let b = 0; b < B; b++) {
    if (!bit(mask, b)) {
      needs[b * 3] = 0
      needCount[b] = 1
      wantsRed[b] = 0
      continue
    }
    let reach = 0
    let nonRisk = 0
    const largest = profileLargest.fill(0)
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
    const own = load[b] ?? 0
    if (own > limit) return
    // Insertion keeps them ascending and distinct.
    let n = 1
    needs[b * 3] = own
    for (let a = 0; a < B; a++) {
      if (a === b || scenario[a] === 0) continue
      const t = own + (moved[a * 3 + b] ?? 0)
      if (t > limit) continue
      let j = n
      let dup = false
      for (let i = 0; i < n; i++) if (needs[b * 3 + i] === t) dup = true
      if (dup) continue
      while (j > 0 && (needs[b * 3 + j - 1] ?? 0) > t) {
        needs[b * 3 + j] = needs[b * 3 + j - 1] ?? 0
        j--
      }
      needs[b * 3 + j] = t
      n++
    }
    needCount[b] = n
    wantsRed[b] = ix.busWired[b] === 1 && own > 0 && own <= redReach ? 1 : 0
  }
  const BP = ix.busPriorities.length
  const pick = profilePick.fill(0)
  const nk = profileNk
  for (;;) {
    const at = profileLength
    pushProfile(mask)
    pushProfile(0)
    for (let b = 0; b < B; b++) pushProfile(needs[b * 3 + (pick[2 * b] ?? 0)] ?? 0)
    for (let b = 0; b < B; b++) pushProfile((pick[2 * b + 1] ?? 0) === 1 ? (load[b] ?? 0) : -1)
    for (let r = 0; r < smallRackMaxBuses; r++) nk[r] = 0
    for (let b = 0; b < B; b++) {
      // A wired up bus with no load meets N+k whatever its supplies.
      if (
        bit(mask, b) &&
        ix.busWired[b] === 1 &&
        ((profileBuffer[at + 2 + B + b] ?? -1) >= 0 || (load[b] ?? 0) === 0)
      ) {
        const r = ix.busPriorityRank[b] ?? 0
        nk[r] = (nk[r] ?? 0) + 1
      }
    }
    let survived = 0
    for (let a = 0; a < B; a++) {
      if (scenario[a] === 0) continue
      let ok = true
      for (let b = 0; ok && b < B; b++)
        if (
          b !== a &&
          bit(mask, b) &&
          (load[b] ?? 0) + (moved[a * 3 + b] ?? 0) > (profileBuffer[at + 2 + b] ?? 0)
        )
          ok = false
      if (ok) survived++
    }
    let value = 0
    for (let r = 0; r < BP; r++) value = value * 4 + (nk[r] ?? 0)
    profileBuffer[at + 1] = value * 4 + survived
    pushProfile(entry)
    let j = 0
    for (; j < 2 * B; j++) {
      const len = j % 2 === 0 ? (needCount[j >> 1] ?? 1) : (wantsRed[j >> 1] ?? 0) + 1
      pick[j] = (pick[j] ?? 0) + 1
      if ((pick[j] ?? 0) < len) break
      pick[j] = 0
    }
    if (j === 2 * B) break
  }
}

/**
 * Whether the profile at `pa` adds no assignment to the others of `group` (same entry, same value):
 * some other one's needs are all at most its own (the first of equal ones is kept).
 */
const dominated = (profiles: Float64Array, W: number, group: readonly number[], pa: number): boolean => {
  for (const oa of group) {
    if (oa === pa || profiles[oa + W - 1] !== profiles[pa + W - 1]) continue
    let below = true
    let equal = true
    for (let x = 2; below && x < W - 1; x++) {
      const o = profiles[oa + x] ?? 0
      const p = profiles[pa + x] ?? 0
      if (o > p) below = false
      else if (o < p) equal = false
    }
    if (below && (!equal || oa < pa)) return true
  }
  return false
}

/**
 * Scratch and state of witnessOf, sized for one rack (a class, not closures: see SmallRackSolver).
 * Classes go largest first, so the first k non-risk supplies a bus receives are its k largest (its N+k
 * window).
 */
class WitnessSearch {
  sufCap: Float64Array = new Float64Array(0)
  sufNonRisk: Float64Array = new Float64Array(0)
  sufCount: Float64Array = new Float64Array(0)
  sufAny: Float64Array = new Float64Array(0)
  readonly cap: Float64Array
  readonly count: Float64Array
  readonly nonRisk: Float64Array
  readonly windowCount: Float64Array
  readonly windowSum: Float64Array
  /** Per (class * B + bus): how many of the class's supplies go to the bus. */
  readonly share: Float64Array
  B = 0
  K = 0
  classes: SupplyClass[] = []
  profiles: Float64Array = profileBuffer
  at = 0
  /** The rack being solved (witnessFor hands the scratch on to racks of at most `room` supplies). */
  ix: RackIndex | undefined

  constructor(
    readonly room: number,
    take: (length: number) => Float64Array,
  ) {
    const S = room
    const B = smallRackMaxBuses
    this.cap = take(B)
    this.count = take(B)
    this.nonRisk = take(B)
    this.windowCount = take(B)
    this.windowSum = take(B)
    this.share = take(S * B)
  }

  /**
   * Whether some assignment meets the profile at `profiles[at]`: fills share (supplies per class and
   * bus) and returns true, or false when none does.
   */
  witnessOf(ix: RackIndex, u: UpSet, profiles: Float64Array, at: number): boolean {
    const B = ix.busCount
    this.ix = ix
    this.B = B
    this.K = ix.redundancyK
    const classes = classesOf(ix, u)
    this.classes = classes
    this.sufCap = u.classCap
    this.sufNonRisk = u.classNonRisk
    this.sufCount = u.classCount
    this.sufAny = u.classAny
    this.profiles = profiles
    this.at = at
    for (let b = 0; b < B; b++) {
      this.cap[b] = 0
      this.count[b] = 0
      this.nonRisk[b] = 0
      this.windowCount[b] = 0
      this.windowSum[b] = 0
    }
    this.share.fill(0, 0, classes.length * B)
    return this.possible(0) && this.search(0)
  }

  /** Could the classes from c on still meet every need? */
  possible(c: number): boolean {
    const B = this.B
    const K = this.K
    const profiles = this.profiles
    const at = this.at
    const classes = this.classes
    const C = classes.length
    const upMask = profiles[at] ?? 0
    let pooled = 0
    for (let b = 0; b < B; b++) {
      if (!bit(upMask, b)) continue
      const capShort = (profiles[at + 2 + b] ?? 0) - (this.cap[b] ?? 0)
      if (capShort > (this.sufCap[c * B + b] ?? 0)) return false
      if ((this.count[b] ?? 0) === 0 && (this.sufCount[c * B + b] ?? 0) === 0) return false
      const need = profiles[at + 2 + B + b] ?? -1
      let redShort = 0
      if (need >= 0) {
        redShort = need - ((this.nonRisk[b] ?? 0) - (this.windowSum[b] ?? 0))
        // All its eligible non-risk supplies from here on, less the largest of them filling the window.
        let reach = this.sufNonRisk[c * B + b] ?? 0
        let free = K - (this.windowCount[b] ?? 0)
        for (let d = c; free > 0 && d < C; d++) {
          const cl = classes[d] as SupplyClass
          if (!cl.nonRisk || !bit(cl.mask, b)) continue
          const m = Math.min(free, cl.size)
          reach -= m * cl.capacity
          free -= m
        }
        if (redShort > reach) return false
      }
      pooled += Math.max(0, capShort, redShort)
    }
    return pooled <= (this.sufAny[c] ?? 0)
  }

  put(cl: SupplyClass, b: number, m: number): void {
    this.cap[b] = (this.cap[b] ?? 0) + m * cl.capacity
    this.count[b] = (this.count[b] ?? 0) + m
    if (!cl.nonRisk) return
    this.nonRisk[b] = (this.nonRisk[b] ?? 0) + m * cl.capacity
    const fill = Math.min(m, this.K - (this.windowCount[b] ?? 0))
    this.windowCount[b] = (this.windowCount[b] ?? 0) + fill
    this.windowSum[b] = (this.windowSum[b] ?? 0) + fill * cl.capacity
  }

  /** Undo put(cl, b, m) given the window count before it. */
  unput(cl: SupplyClass, b: number, m: number, windowBefore: number): void {
    this.cap[b] = (this.cap[b] ?? 0) - m * cl.capacity
    this.count[b] = (this.count[b] ?? 0) - m
    if (!cl.nonRisk) return
    this.nonRisk[b] = (this.nonRisk[b] ?? 0) - m * cl.capacity
    this.windowSum[b] = (this.windowSum[b] ?? 0) - ((this.windowCount[b] ?? 0) - windowBefore) * cl.capacity
    this.windowCount[b] = windowBefore
  }

  search(c: number): boolean {
    const B = this.B
    if (c === this.classes.length) return true
    const cl = this.classes[c] as SupplyClass
    const n = cl.size
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
        const w0 = this.windowCount[b0] ?? 0
        const w1 = b1 >= 0 ? (this.windowCount[b1] ?? 0) : 0
        const w2 = b2 >= 0 ? (this.windowCount[b2] ?? 0) : 0
        if (x > 0) this.put(cl, b0, x)
        if (y > 0) this.put(cl, b1, y)
        if (z > 0) this.put(cl, b2, z)
        if (this.possible(c + 1) && this.search(c + 1)) {
          this.share[c * B + b0] = x
          if (b1 >= 0) this.share[c * B + b1] = y
          if (b2 >= 0) this.share[c * B + b2] = z
          return true
        }
        if (x > 0) this.unput(cl, b0, x, w0)
        if (y > 0) this.unput(cl, b1, y, w1)
        if (z > 0) this.unput(cl, b2, z, w2)
      }
    }
    return false
  }
}

/**
 * The witness scratch for `ix`: one module-level instance, reused while racks have at most as many
 * supplies as it has room for (witnessOf sets every number it reads), with buffers of its own.
 */
let sharedWitness: WitnessSearch | undefined
const witnessFor = (ix: RackIndex): WitnessSearch => {
  const w = sharedWitness
  if (w !== undefined && w.room >= ix.supplyCount) return w
  const S = ix.supplyCount
  const B = smallRackMaxBuses
  const own = new Float64Array(5 * B + S * B)
  let at = 0
  sharedWitness = new WitnessSearch(S, (n) => own.subarray(at, (at += n)))
  return sharedWitness
}

/** The witness ws.share describes, as an assignment: each bus gets first the class members already on it. */
const witnessAssign = (ix: RackIndex, u: UpSet, ws: WitnessSearch, out: Int32Array): void => {
  const B = ix.busCount
  out.fill(-1)
  const classes = classesOf(ix, u)
  for (let c = 0; c < classes.length; c++) {
    const cl = classes[c] as SupplyClass
    for (let j = 0; j < cl.size; j++) {
      const s = cl.members[j] ?? 0
      const now = ix.currentOption[s] ?? -1
      if (now >= 0 && (ws.share[c * B + now] ?? 0) > 0) {
        out[s] = now
        ws.share[c * B + now] = (ws.share[c * B + now] ?? 0) - 1
      }
    }
    for (let j = 0; j < cl.size; j++) {
      const s = cl.members[j] ?? 0
      if ((out[s] ?? -1) >= 0) continue
      for (let b = 0; b < B; b++) {
        if ((ws.share[c * B + b] ?? 0) === 0) continue
        out[s] = b
        ws.share[c * B + b] = (ws.share[c * B + b] ?? 0) - 1
        break
      }
    }
  }
}

/**
 * The search's working arrays, module-level and reused by every solve for the reasons upSetPool gives
 * (typed arrays cost more to make than a small search), grown to the largest rack seen. The answer is
 * copied out of `best`. Per (supply * K + t) in `saved`: bus b's k largest before the supply joined
 * it, for the undo.
 */
const scratch = {
  saved: new Float64Array(64) as Float64Array,
  best: new Int32Array(16) as Int32Array,
  candidate: new Int32Array(16) as Int32Array,
  assign: new Int32Array(16) as Int32Array,
  cap: new Float64Array(smallRackMaxBuses),
  count: new Int32Array(smallRackMaxBuses),
  nonRisk: new Float64Array(smallRackMaxBuses),
  top: new Float64Array(16) as Float64Array,
}
const atLeastInts = (buffer: Int32Array, length: number): Int32Array =>
  buffer.length >= length ? buffer : new Int32Array(length)

/**
 * The search state of one solve. A class, not closures: the benchmark runs under a transpiler that
 * wraps every function made per call in a naming call (~0.25 us each), more than a small solve's
 * whole search.
 */
class SmallRackSolver {
  readonly S: number
  readonly B: number
  readonly K: number
  readonly W: number
  /** Bit mask of the masks whose up sets this solve has built. */
  built = 0
  ws: WitnessSearch | null = null
  readonly saved: Float64Array
  readonly best: Int32Array
  readonly candidate: Int32Array
  readonly assign: Int32Array
  readonly cap: Float64Array
  readonly count: Int32Array
  readonly nonRisk: Float64Array
  readonly top: Float64Array
  u!: UpSet
  at = 0
  limit = 0
  found = false
  done = false
  /** The change bound of the last promising call that returned true. */
  lastBound = 0
  /** The entry of the profile `best` was found for. */
  bestEntry = -1

  /** The profiles made so far (a view of profileBuffer). */
  profiles: Float64Array = profileBuffer.subarray(0, 0)

  constructor(
    readonly ix: RackIndex,
    readonly entries: readonly Entry[],
  ) {
    const S = ix.supplyCount
    const B = ix.busCount
    const K = ix.redundancyK
    this.S = S
    this.B = B
    this.K = K
    this.W = profileWidth(B)
    this.saved = scratch.saved = atLeast(scratch.saved, S * K)
    this.best = scratch.best = atLeastInts(scratch.best, S).fill(-1)
    this.candidate = scratch.candidate = atLeastInts(scratch.candidate, S)
    this.assign = scratch.assign = atLeastInts(scratch.assign, S).fill(-1)
    // Every search leaves these as it found them (zero); set anyway, so that nothing carries over.
    this.cap = scratch.cap.fill(0)
    this.count = scratch.count.fill(0)
    this.nonRisk = scratch.nonRisk.fill(0)
    this.top = scratch.top = atLeast(scratch.top, B * K).fill(0)
  }

  /** The answer, as an array of its own (`best` is scratch). */
  result(): Int32Array {
    return this.best.slice(0, this.S)
  }

  upSetOf(mask: number): UpSet {
    const u = (upSetPool[mask] ??= new UpSet())
    if ((this.built & (1 << mask)) === 0) {
      buildUpSet(this.ix, mask, u)
      this.built |= 1 << mask
    }
    return u
  }

  /** Redundant capacity of bus b if every supply from i on sat at its cheapest position there. */
  redundantWithFree(i: number, b: number): number {
    const B = this.B
    const K = this.K
    const u = this.u
    const x = (i * B + b) * K
    let r = (this.nonRisk[b] ?? 0) + (u.perBus[6 * (i * B + b) + FREE_NON_RISK] ?? 0)
    // The k largest of both windows (each descending).
    let p = 0
    let q = 0
    for (let t = 0; t < K; t++) {
      const y = this.top[b * K + p] ?? 0
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
  arrivalBound(i: number, b: number, short: number, nonRiskOnly: boolean): number {
    const S = this.S
    const ix = this.ix
    const u = this.u
    let left = short
    let cost = 0
    const n = u.arrivalCount[b] ?? 0
    for (let j = 0; j < n; j++) {
      const s = u.arrivals[2 * (b * S + j)] ?? 0
      if (s < i || (nonRiskOnly && ix.atRisk[s] === 1)) continue
      const c = ix.capacityU[s] ?? 0
      const extra = u.arrivals[2 * (b * S + j) + 1] ?? 1
      if (c >= left) {
        const fractional = cost + Math.ceil((extra * left) / c - 1e-9)
        return fractional
      }
      left -= c
      cost += extra
    }
    return Infinity
  }

  /** promising's change bound at the root, each bus's arrivals counted as whole supplies too. */
  wholeRootBound(p: number): number {
    const { B, u, profiles } = this
    let bound = u.perSupply[MIN_COST] ?? 0
    for (let b = 0; b < B; b++) {
      if (!bit(u.mask, b)) continue
      const need = profiles[p + 2 + B + b] ?? -1
      let extra = 0
      if (need >= 0) {
        const redLeft = need - this.redundantWithFree(0, b)
        if (redLeft > 0) extra = this.wholeBound(b, redLeft, true)
      }
      const capLeft = (profiles[p + 2 + b] ?? 0) - (u.perBus[6 * b + FREE_CAP] ?? 0)
      if (capLeft > 0) extra = Math.max(extra, this.wholeBound(b, capLeft, false))
      if (extra === 0 && (u.perBus[6 * b + FREE_COUNT] ?? 0) === 0) extra = 1
      bound += extra
    }
    return bound
  }

  /** Fill the up set's arrivalExtras and arrivalCapacities from its arrivals. */
  buildWhole(): void {
    const { S, B, ix, u } = this
    const capacities = (u.arrivalCapacities = atLeast(u.arrivalCapacities, B * S))
    const extras = u.arrivalExtras
    for (let b = 0; b < B; b++) {
      for (let x = 0; x < 4; x++) extras[b * 4 + x] = 0
      const n = u.arrivalCount[b] ?? 0
      for (let j = 0; j < n; j++) {
        const s = u.arrivals[2 * (b * S + j)] ?? 0
        const extra = u.arrivals[2 * (b * S + j) + 1] ?? 1
        if (extra <= 2) {
          const x = b * 4 + extra - 1
          extras[x] = (extras[x] ?? 0) + 1
          if (ix.atRisk[s] === 0) extras[x + 2] = (extras[x + 2] ?? 0) + 1
        }
        const c = ix.capacityU[s] ?? 0
        let k = b * S + j
        for (; k > b * S && Math.abs(capacities[k - 1] ?? 0) < c; k--) capacities[k] = capacities[k - 1] ?? 0
        capacities[k] = ix.atRisk[s] === 1 ? -c : c
      }
    }
    u.wholeBuilt = true
  }

  /**
   * arrivalBound at the root, and where one supply in part might not do, the same counting whole
   * supplies: bringing `short` takes at least as many supplies as the largest need, so at least the
   * sum of that many of the smallest extra change counts.
   */
  wholeBound(b: number, short: number, nonRiskOnly: boolean): number {
    const { S, u } = this
    const n = u.arrivalCount[b] ?? 0
    if (!u.wholeBuilt) this.buildWhole()
    // The fewest supplies that bring `short`: the largest first.
    let needed = 0
    let held = 0
    for (let j = b * S; j < b * S + n && held < short; j++) {
      const c = u.arrivalCapacities[j] ?? 0
      // (A supply of no capacity brings nothing: not counted.)
      if (c === 0 || (c < 0 && nonRiskOnly)) continue
      held += Math.abs(c)
      needed++
    }
    if (held < short) return Infinity
    const x = b * 4 + (nonRiskOnly ? 2 : 0)
    const fromOnes = Math.min(needed, u.arrivalExtras[x] ?? 0)
    const fromTwos = Math.min(needed - fromOnes, u.arrivalExtras[x + 1] ?? 0)
    return fromOnes + 2 * fromTwos + 3 * (needed - fromOnes - fromTwos)
  }

  redundant(b: number): number {
    const K = this.K
    let r = this.nonRisk[b] ?? 0
    for (let j = 0; j < K; j++) r -= this.top[b * K + j] ?? 0
    return r
  }

  /** False when no completion from supply i on meets the profile within the limit (and before `best`). */
  promising(i: number, cost: number, lex: number): boolean {
    if (this.found && lex > 0) return false
    const B = this.B
    const u = this.u
    const profiles = this.profiles
    const at = this.at
    const limit = this.limit
    let pooled = 0
    let bound = cost + (u.perSupply[3 * i + MIN_COST] ?? 0)
    if (bound > limit) return false
    for (let b = 0; b < B; b++) {
      if (!bit(u.mask, b)) continue
      const x = i * B + b
      const capShort = (profiles[at + 2 + b] ?? 0) - (this.cap[b] ?? 0)
      if (capShort > (u.perBus[6 * x + SUF_CAP] ?? 0)) return false
      if ((this.count[b] ?? 0) === 0 && (u.perBus[6 * x + SUF_COUNT] ?? 0) === 0) return false
      const need = profiles[at + 2 + B + b] ?? -1
      let extra = 0
      if (need >= 0) {
        const redShort = need - this.redundant(b)
        if (redShort > (u.perBus[6 * x + SUF_NON_RISK] ?? 0)) return false
        pooled += Math.max(0, capShort, redShort)
        const redLeft = need - this.redundantWithFree(i, b)
        if (redLeft > 0) extra = this.arrivalBound(i, b, redLeft, true)
      } else pooled += Math.max(0, capShort)
      // What the supplies left at their cheapest positions leave short, brought in at extra changes.
      const capLeft = capShort - (u.perBus[6 * x + FREE_CAP] ?? 0)
      if (capLeft > 0) extra = Math.max(extra, this.arrivalBound(i, b, capLeft, false))
      if (extra === 0 && (this.count[b] ?? 0) === 0 && (u.perBus[6 * x + FREE_COUNT] ?? 0) === 0) extra = 1
      bound += extra
      if (bound > limit || bound === Infinity) return false
    }
    this.lastBound = bound
    return pooled <= (u.perSupply[3 * i + ANY_CAP] ?? 0)
  }

  dfs(s: number, cost: number, lex: number): void {
    const ix = this.ix
    const K = this.K
    if (s === this.S) {
      // An equal assignment found for a later candidate keeps the first: candidates of one up set come
      // in the order of their served sets' tie-break.
      if (!this.found || lex < 0) {
        this.best.set(this.assign)
        this.bestEntry = this.profiles[this.at + this.W - 1] ?? -1
        this.found = true
      }
      this.done = true
      return
    }
    const u = this.u
    const end = u.perSupply[3 * s + 3 + CHOICES_AT] ?? 0
    const c = ix.capacityU[s] ?? 0
    const counted = ix.atRisk[s] === 0
    const { cap, count, nonRisk, top, saved } = this
    for (let j = u.perSupply[3 * s + CHOICES_AT] ?? 0; j < end && !this.done; j++) {
      const b = u.choices[j] ?? -1
      const nextCost = cost + (u.choiceCost[j] ?? 0)
      const nextLex = lex !== 0 || !this.found ? lex : Math.sign(b - (this.best[s] ?? -1))
      this.assign[s] = b
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
      if (this.promising(s + 1, nextCost, nextLex)) this.dfs(s + 1, nextCost, nextLex)
      if (b >= 0) {
        cap[b] = (cap[b] ?? 0) - c
        count[b] = (count[b] ?? 0) - 1
        if (counted) {
          nonRisk[b] = (nonRisk[b] ?? 0) - c
          for (let t = 0; t < K; t++) top[b * K + t] = saved[s * K + t] ?? 0
        }
      }
      this.assign[s] = -1
    }
  }

  /** Depth first over `candidates` under limit L: true when an assignment is found (then in `best`). */
  searchAt(candidates: readonly number[], L: number): boolean {
    this.limit = L
    for (const p of candidates) {
      this.at = p
      this.u = this.upSetOf(this.profiles[p] ?? 0)
      this.done = false
      if (this.promising(0, 0, 0)) this.dfs(0, 0, 0)
    }
    return this.found
  }

  /**
   * Whether the supplies can hold, on the buses with a redundancy need, that need plus their k largest
   * (see windowFloor), alongside the other buses' capacity needs: a supply goes to one bus only. The
   * per-bus bounds (promising, WitnessSearch.possible) miss this when two or more buses need N+k.
   */
  windowsFit(u: UpSet, p: number): boolean {
    const { ix, B, K, profiles } = this
    let needy = 0
    for (let b = 0; b < B; b++) if ((profiles[p + 2 + B + b] ?? -1) > 0) needy++
    if (needy < 2 || K === 0) return true
    let total = 0
    let nonRisk = 0
    for (let b = 0; b < B; b++) {
      if (!bit(u.mask, b)) continue
      const capNeed = profiles[p + 2 + b] ?? 0
      const need = profiles[p + 2 + B + b] ?? -1
      if (need <= 0) {
        total += capNeed
        continue
      }
      const held = need + K * windowFloor(ix, u, b, need)
      nonRisk += held
      total += Math.max(capNeed, held)
    }
    return nonRisk <= u.nonRiskAny && total <= (u.perSupply[ANY_CAP] ?? 0)
  }

  /** The smallest limit the root bound of profile p allows (Infinity when its needs are out of reach). */
  rootBound(p: number): number {
    this.at = p
    this.u = this.upSetOf(this.profiles[p] ?? 0)
    // The bound checks only compare it with the limit: with none, the bound itself is the answer.
    this.limit = Infinity
    if (!this.promising(0, 0, 0)) return Infinity
    this.lastBound = Math.max(this.lastBound, this.wholeRootBound(p))
    // No assignment changes more than two switches per supply (plus a bridging supply's extra ones).
    return this.lastBound <= 2 * this.S + 2 * this.B * this.S ? this.lastBound : Infinity
  }

  /**
   * Values from the highest: the fewest changes, then level 5, over the value's minimal profiles, by a
   * rising limit on changes, so the first assignment found is the answer. The root bound is tried
   * first (but see witnessFirstFrom); past it, only the profiles some assignment meets (witnessOf) go
   * on, up to the cheapest witness's changes, where one is found for sure. A value none of whose
   * profiles is met gives way to the next.
   */
  solve(): Int32Array | null {
    const { ix, S, W, entries } = this
    // Entries by the most value their profiles could have (descending; the caller's order among
    // equals): an entry's profiles are made only once the values above that bound are spent.
    const order: number[] = []
    for (let e = 0; e < entries.length; e++) {
      const bound = entries[e]?.bound ?? 0
      let at = order.length
      order.push(e)
      for (; at > 0 && (entries[order[at - 1] ?? 0]?.bound ?? 0) < bound; at--) order[at] = order[at - 1] ?? 0
      order[at] = e
    }
    let made = 0
    profileLength = 0
    let profiles = profileBuffer.subarray(0, 0)
    const group: number[] = []
    const candidates: number[] = []
    let first = true
    for (let ceiling = Infinity; ;) {
      let value = -1
      for (let p = 0; p < profiles.length / W; p++) {
        const v = profiles[p * W + 1] ?? 0
        if (v < ceiling && v > value) value = v
      }
      const next = entries[order[made] ?? -1]
      if (next !== undefined && next.bound >= value) {
        addProfiles(ix, next.mask, next.served, order[made++] ?? 0)
        profiles = this.profiles = profileBuffer.subarray(0, profileLength)
        continue
      }
      if (value < 0) return null
      const P = profiles.length / W
      ceiling = value
      group.length = 0
      for (let p = 0; p < P; p++) if (profiles[p * W + 1] === value) group.push(p * W)
      candidates.length = 0
      let low = Infinity
      for (const p of group) {
        if (dominated(profiles, W, group, p)) continue
        const bound = this.rootBound(p)
        if (bound === Infinity) continue
        candidates.push(p)
        low = Math.min(low, bound)
      }
      if (candidates.length === 0) continue
      // The limits searched before the witness: the root bound, or none (see witnessFirstFrom).
      const optimistic = first && low >= witnessFirstFrom ? low - 1 : low
      first = false
      for (let L = low; L <= optimistic; L++) if (this.searchAt(candidates, L)) return this.result()
      let witnessCost = Infinity
      const met: number[] = []
      for (const p of candidates) {
        const up = this.upSetOf(profiles[p] ?? 0)
        this.ws ??= witnessFor(ix)
        if (!this.windowsFit(up, p) || !this.ws.witnessOf(ix, up, profiles, p)) continue
        met.push(p)
        witnessAssign(ix, up, this.ws, this.candidate)
        let cost = 0
        for (let s = 0; s < S; s++) cost += changesFor(ix, s, this.candidate[s] ?? -1)
        witnessCost = Math.min(witnessCost, cost)
      }
      if (met.length === 0) continue
      // The cheapest witness is found at its own limit at the latest.
      for (let L = optimistic + 1; L <= witnessCost; L++) if (this.searchAt(met, L)) return this.result()
    }
  }
}

/**
 * The exact optimum's assignment (a bus per supply, -1 open; every load served), or null when no
 * configuration serves every load or the rack is outside this solver's range (feeds, more than 3 buses).
 */
export const solveSmallRack = (ix: RackIndex): Int32Array | null => {
  const B = ix.busCount
  if (B > smallRackMaxBuses || ix.feedCount > 0) return null
  // The up sets that leave no load without a bus: per distinct set of a load's buses (bit m of
  // loadSets), the up set must meet it.
  let loadSets = 0
  for (let l = 0; l < ix.loadCount; l++) {
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    loadSets |= 1 << ((a >= 0 ? 1 << a : 0) | (c >= 0 ? 1 << c : 0))
  }
  const entries: Entry[] = []
  for (let mask = 0; mask < 1 << B; mask++) {
    let everyLoad = true
    for (let m = 0; everyLoad && m < 1 << B; m++)
      if ((loadSets & (1 << m)) !== 0) everyLoad = (m & mask) !== 0
    if (everyLoad) entries.push({ mask, served: null, bound: valueBound(ix, mask) })
  }
  return new SmallRackSolver(ix, entries).solve()
}

/**
 * The most value (see profileWidth) a profile of up set `mask` can have: every wired up bus meeting
 * N+k, and every up bus's loss survived when bus redundancy counts and two or more buses are up (with
 * one, its loss loses every load through it).
 */
const valueBound = (ix: RackIndex, mask: number): number => {
  let up = 0
  let value = 0
  // Each wired up bus adds one to its priority's base-4 digit (highest priority first).
  const P = ix.busPriorities.length
  for (let b = 0; b < ix.busCount; b++) {
    if (!bit(mask, b)) continue
    up++
    if (ix.busWired[b] === 1) value += 4 ** (P - 1 - (ix.busPriorityRank[b] ?? 0))
  }
  return value * 4 + (ix.busRedundancy && up >= 2 ? up : 0)
}

/**
 * The exact optimum of a rack of at most 2 buses naming no feed where no configuration serves every
 * load (solveSmallRack gave way): a bus per supply and the served loads. The level-1 best served
 * sets come from bestServedSets, each with its up set; levels 2-5 are then solved as above over the
 * profiles of those pairs, one up set's served sets in their level-5 order, so that an assignment
 * meeting the profiles of two of them keeps the first. Null when bestServedSets cannot tell.
 */
export const solveSmallRackShedding = (ix: RackIndex): { assign: Int32Array; served: Uint8Array } | null => {
  const choices = bestServedSets(ix)
  if (choices === null) return null
  const entries: Entry[] = []
  for (const c of choices) entries.push({ mask: c.mask, served: c.served, bound: valueBound(ix, c.mask) })
  const solver = new SmallRackSolver(ix, entries)
  const assign = solver.solve()
  const served = choices[solver.bestEntry]?.served
  return assign === null || served === undefined ? null : { assign, served }
}
