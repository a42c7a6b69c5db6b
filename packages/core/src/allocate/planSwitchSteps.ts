/**
 * Pure. Current switch states and a target in, the ordered switch operations between them out.
 *
 * Order (every prefix keeps rule 2 once the current state does):
 * 1. open every closed switch of a failed/absent supply;
 * 2. close every switch of a supply that has no closed switch (make before break: a close only adds
 *    capacity to its bus or brings a bus up, which takes dual-corded load off the others);
 * 3. the opens that unlock a close (a supply moving from X to Y, possibly from several buses if it
 *    bridges them now), each supply's close right after its last open, in an order that keeps every
 *    protected bus powered after each open when such an order exists (greedy first, then, when greedy
 *    cannot keep them powered and there are at most 12 such opens, exhaustive over orders, memoised on
 *    the set of opens done);
 * 4. the opens that unlock nothing (supplies open in the target, extra switches of a supply bridging
 *    buses that stays on one of them): they only take capacity away, so they come last, when every
 *    target bus is up with at least its target capacity.
 * Since closes only help and the remaining opens only hurt, step 3's order is the only real choice, and
 * the exhaustive search makes it exact: an order that keeps the protected buses powered is found
 * whenever one exists.
 * A bus is protected when it is up and powered both now and in the target. Intermediate bus loads
 * assume the target's shedding is applied before switching and restores after it: the loads counted
 * are those not shed in the target that have an up bus. Failed/absent supplies contribute no capacity.
 */
import type { SwitchStep } from '../model/plan.js'
import type { RackInput, SwitchRef } from '../model/rack.js'
import { indexRack, switchKinds, type RackIndex } from './indexRack.js'

const stepOf = (ix: RackIndex, op: 'open' | 'close', s: number, b: number): SwitchStep => ({
  op,
  supply: ix.supplyIds[s] ?? '',
  bus: ix.busIds[b] ?? '',
  kind: switchKinds[ix.switchKind[s * ix.busCount + b] ?? 0] ?? 'fet',
})

/** Per bus: 1 when up and powered (capacity of usable supplies and rating cover the load). */
const poweredBuses = (ix: RackIndex, closed: Uint8Array, served: Uint8Array): Uint8Array => {
  const B = ix.busCount
  const up = new Uint8Array(B)
  const cap = new Float64Array(B)
  for (let s = 0; s < ix.supplyCount; s++) {
    for (let b = 0; b < B; b++) {
      if (closed[s * B + b] !== 1) continue
      up[b] = 1
      if (ix.usable[s] === 1) cap[b] = (cap[b] ?? 0) + (ix.capacityU[s] ?? 0)
    }
  }
  const load = new Float64Array(B)
  for (let l = 0; l < ix.loadCount; l++) {
    if (served[l] !== 1) continue
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    const aUp = a >= 0 && up[a] === 1
    const cUp = c >= 0 && up[c] === 1
    const q = ix.loadQ[l] ?? 0
    if (aUp && cUp) {
      load[a] = (load[a] ?? 0) + q
      load[c] = (load[c] ?? 0) + q
    } else if (aUp) load[a] = (load[a] ?? 0) + 2 * q
    else if (cUp) load[c] = (load[c] ?? 0) + 2 * q
  }
  const powered = new Uint8Array(B)
  for (let b = 0; b < B; b++) {
    const L = load[b] ?? 0
    powered[b] = up[b] === 1 && L <= (cap[b] ?? 0) && L <= (ix.maxU[b] ?? Infinity) ? 1 : 0
  }
  return powered
}

/** Served loads' shares per bus for each set of up buses met so far (the set as a bit mask, B <= 30). */
type LoadsByUpSet = Map<number, Float64Array>

/** Per-bus load of the served loads when the buses with a closed switch (count > 0) are up. */
const loadsWhenUp = (
  ix: RackIndex,
  count: Int32Array,
  served: Uint8Array,
  scratch: Float64Array,
  cache: LoadsByUpSet,
): Float64Array => {
  const B = ix.busCount
  let mask = 0
  if (B <= 30) {
    for (let b = 0; b < B; b++) if ((count[b] ?? 0) > 0) mask |= 1 << b
    const known = cache.get(mask)
    if (known !== undefined) return known
  }
  const load = B <= 30 ? new Float64Array(B) : scratch.fill(0)
  for (let l = 0; l < ix.loadCount; l++) {
    if (served[l] !== 1) continue
    const a = ix.loadBusA[l] ?? -1
    const c = ix.loadBusB[l] ?? -1
    const aUp = a >= 0 && (count[a] ?? 0) > 0
    const cUp = c >= 0 && (count[c] ?? 0) > 0
    const q = ix.loadQ[l] ?? 0
    if (aUp && cUp) {
      load[a] = (load[a] ?? 0) + q
      load[c] = (load[c] ?? 0) + q
    } else if (aUp) load[a] = (load[a] ?? 0) + 2 * q
    else if (cUp) load[c] = (load[c] ?? 0) + 2 * q
  }
  if (B <= 30) cache.set(mask, load)
  return load
}

/** Protected buses that are not up and powered, given per-bus closed counts and capacity. */
const countUnpowered = (
  ix: RackIndex,
  count: Int32Array,
  cap: Float64Array,
  scratch: Float64Array,
  cache: LoadsByUpSet,
  served: Uint8Array,
  isProtected: Uint8Array,
): number => {
  const B = ix.busCount
  const load = loadsWhenUp(ix, count, served, scratch, cache)
  let n = 0
  for (let b = 0; b < B; b++) {
    if (isProtected[b] !== 1) continue
    const L = load[b] ?? 0
    if ((count[b] ?? 0) === 0 || L > (cap[b] ?? 0) || L > (ix.maxU[b] ?? Infinity)) n++
  }
  return n
}

/**
 * The switching state while the steps are planned. A class rather than closures: the benchmark's
 * transpiler wraps every function made per call in a naming call that costs more than planning the
 * usual handful of steps.
 */
const noBuses = new Uint8Array(0)
const noSupplies = new Int32Array(0)
const noCounts = new Int32Array(0)
const noCapacity = new Float64Array(0)

class StepPlanner {
  readonly state: Uint8Array
  /**
   * Closed switches and usable capacity per bus, kept in step with `state` by setSwitch once step 3
   * starts tracking them (track): steps 1-2 never read them, and most plans end there.
   */
  countOn: Int32Array
  capOn: Float64Array
  tracking = false
  /** Made when step 3 has opens to order (most plans have none): see unpoweredProtected. */
  loadScratch: Float64Array | undefined
  readonly steps: SwitchStep[] = []
  loadsByUpSet: LoadsByUpSet | undefined
  isProtected: Uint8Array
  keepUp: Uint8Array
  /** Step 3's opens, as (supply, bus) pairs. */
  readonly opS: number[] = []
  readonly opB: number[] = []
  /** Per supply, its step-3 opens not done yet (made with them: most plans have none). */
  remainingOpens: Int32Array

  constructor(
    readonly ix: RackIndex,
    readonly target: Uint8Array,
    readonly served: Uint8Array,
  ) {
    this.state = ix.currentClosed.slice()
    this.countOn = noCounts
    this.capOn = noCapacity
    this.loadScratch = undefined
    this.loadsByUpSet = undefined
    this.isProtected = noBuses
    this.keepUp = noBuses
    this.remainingOpens = noSupplies
  }

  /** Count the closed switches and usable capacity per bus of `state`, and keep them counted. */
  track(): void {
    const ix = this.ix
    const S = ix.supplyCount
    const B = ix.busCount
    this.countOn = new Int32Array(B)
    this.capOn = new Float64Array(B)
    for (let s = 0; s < S; s++) {
      for (let b = 0; b < B; b++) {
        if (this.state[s * B + b] !== 1) continue
        this.countOn[b] = (this.countOn[b] ?? 0) + 1
        if (ix.usable[s] === 1) this.capOn[b] = (this.capOn[b] ?? 0) + (ix.capacityU[s] ?? 0)
      }
    }
    this.tracking = true
  }

  setSwitch(s: number, b: number, closed: 0 | 1): void {
    const B = this.ix.busCount
    if (this.state[s * B + b] === closed) return
    this.state[s * B + b] = closed
    if (!this.tracking) return
    const sign = closed === 1 ? 1 : -1
    this.countOn[b] = (this.countOn[b] ?? 0) + sign
    if (this.ix.usable[s] === 1) this.capOn[b] = (this.capOn[b] ?? 0) + sign * (this.ix.capacityU[s] ?? 0)
  }

  open(s: number, b: number): void {
    this.setSwitch(s, b, 0)
    this.steps.push(stepOf(this.ix, 'open', s, b))
  }

  close(s: number, b: number): void {
    this.setSwitch(s, b, 1)
    this.steps.push(stepOf(this.ix, 'close', s, b))
  }

  /**
   * Bus b is to be opened for supply s: closed after step 1 (which opens the switches of failed/absent
   * supplies that the target leaves open), open in the target.
   */
  opens(s: number, b: number): boolean {
    const i = s * this.ix.busCount + b
    return this.ix.currentClosed[i] === 1 && this.ix.usable[s] === 1 && this.target[i] !== 1
  }

  /** Bus b is to be closed for supply s: open after step 1 (so open now), closed in the target. */
  closes(s: number, b: number): boolean {
    const i = s * this.ix.busCount + b
    return this.ix.currentClosed[i] !== 1 && this.target[i] === 1
  }

  closeAll(s: number, setOnly: boolean): void {
    for (let b = 0; b < this.ix.busCount; b++) {
      if (!this.closes(s, b)) continue
      if (setOnly) this.setSwitch(s, b, 1)
      else this.close(s, b)
    }
  }

  unpoweredProtected(): number {
    return countUnpowered(
      this.ix,
      this.countOn,
      this.capOn,
      (this.loadScratch ??= new Float64Array(this.ix.busCount)),
      (this.loadsByUpSet ??= new Map()),
      this.served,
      this.isProtected,
    )
  }

  /** Apply or undo op i: its open, then its supply's closes when it was the supply's last open. */
  apply(i: number, sign: 1 | -1): void {
    const s = this.opS[i]
    const b = this.opB[i]
    if (s === undefined || b === undefined) return
    if (sign === 1) {
      this.setSwitch(s, b, 0)
      this.remainingOpens[s] = (this.remainingOpens[s] ?? 0) - 1
      if (this.remainingOpens[s] === 0) this.closeAll(s, true)
    } else {
      if (this.remainingOpens[s] === 0)
        for (let c = 0; c < this.ix.busCount; c++) if (this.closes(s, c)) this.setSwitch(s, c, 0)
      this.remainingOpens[s] = (this.remainingOpens[s] ?? 0) + 1
      this.setSwitch(s, b, 1)
    }
  }

  badAfterOpen(i: number): number {
    const s = this.opS[i] ?? 0
    const b = this.opB[i] ?? 0
    this.setSwitch(s, b, 0)
    const bad = this.unpoweredProtected()
    this.setSwitch(s, b, 1)
    return bad
  }

  /**
   * Protected buses downed, then unpowered protected buses, then buses downed, as one key (smaller is
   * better). Downed protected buses come first: an open that downs none never blocks a later step, so
   * preferring those keeps every protected bus up whenever some order does, even when none keeps them
   * all powered.
   */
  keyAfterOpen(i: number): number {
    const B = this.ix.busCount
    const s = this.opS[i] ?? 0
    const b = this.opB[i] ?? 0
    this.setSwitch(s, b, 0)
    let downs = 0
    let protectedDowns = 0
    for (let x = 0; x < B; x++) {
      if ((this.countOn[x] ?? 0) !== 0) continue
      if (this.keepUp[x] === 1) downs++
      if (this.isProtected[x] === 1) protectedDowns++
    }
    const key = (protectedDowns * (B + 1) + this.unpoweredProtected()) * (B + 1) + downs
    this.setSwitch(s, b, 1)
    return key
  }

  /**
   * Greedy order of step 3's opens: the first open in order that keeps every protected bus powered,
   * else the one downing fewest protected buses, then leaving fewest unpowered, then fewest buses down.
   */
  greedy(order: number[]): boolean {
    const n = this.opS.length
    const B = this.ix.busCount
    let safe = true
    const done = new Uint8Array(n)
    for (let k = 0; k < n; k++) {
      let best = -1
      let bestKey = Infinity
      for (let i = 0; i < n && bestKey > 0; i++) {
        if (done[i] === 1) continue
        const key = this.keyAfterOpen(i)
        if (key < bestKey) {
          bestKey = key
          best = i
        }
      }
      if (best < 0) break
      if (bestKey > B) safe = false // some protected bus unpowered
      done[best] = 1
      this.apply(best, 1)
      order.push(best)
    }
    for (let i = order.length - 1; i >= 0; i--) this.apply(order[i] ?? 0, -1)
    return safe
  }

  /** Exhaustive over orders, memoised on the set of opens done: true when `path` keeps them all powered. */
  search(doneMask: number, path: number[], failedMasks: Set<number>): boolean {
    const n = this.opS.length
    if (path.length === n) return true
    if (failedMasks.has(doneMask)) return false
    for (let i = 0; i < n; i++) {
      if ((doneMask & (1 << i)) !== 0 || this.badAfterOpen(i) > 0) continue
      this.apply(i, 1)
      path.push(i)
      const found = this.search(doneMask | (1 << i), path, failedMasks)
      path.pop()
      this.apply(i, -1)
      if (found) {
        path.unshift(i)
        return true
      }
    }
    failedMasks.add(doneMask)
    return false
  }
}

/**
 * Indexed form. `target` is a closed matrix (supply * busCount + bus); `served[l]` is 1 when load l is
 * not shed in the target.
 */
export const planSwitchStepsIndexed = (
  ix: RackIndex,
  target: Uint8Array,
  served: Uint8Array,
): SwitchStep[] => {
  const S = ix.supplyCount
  const B = ix.busCount
  const p = new StepPlanner(ix, target, served)
  const state = p.state

  // 1. failed/absent supplies.
  for (let s = 0; s < S; s++) {
    if (ix.usable[s] === 1) continue
    for (let b = 0; b < B; b++) if (state[s * B + b] === 1 && target[s * B + b] !== 1) p.open(s, b)
  }
  // Pending operations per supply are against the state after step 1.
  let pendingOpens = 0
  // 2. pure closes: only add capacity (or bring a bus up, taking dual-corded load off the others).
  let deferred: number[] | undefined
  for (let s = 0; s < S; s++) {
    let opens = 0
    let closes = 0
    for (let b = 0; b < B; b++) {
      if (p.opens(s, b)) opens++
      if (p.closes(s, b)) closes++
    }
    pendingOpens += opens
    if (opens > 0 || closes === 0) continue
    for (let b = 0; b < B; b++) {
      if (!p.closes(s, b)) continue
      let closedAny = false
      for (let c = 0; c < B; c++) if (state[s * B + c] === 1) closedAny = true
      if (!closedAny) p.close(s, b)
      else (deferred ??= []).push(s, b) // a target bridging buses: never produced by allocate
    }
  }
  if (pendingOpens === 0 && deferred === undefined) return p.steps
  // 3. opens that unlock a close (moves, and supplies bridging buses that also move), each close done as
  // soon as its supply has no closed switch left. Closes only help and the other opens only hurt, so the
  // only choice is the order of these opens.
  p.track()
  p.remainingOpens = new Int32Array(S)
  for (let s = 0; s < S; s++) {
    let closes = false
    for (let b = 0; b < B; b++) if (p.closes(s, b)) closes = true
    if (!closes) continue
    for (let b = 0; b < B; b++) {
      if (!p.opens(s, b)) continue
      p.opS.push(s)
      p.opB.push(b)
      p.remainingOpens[s] = (p.remainingOpens[s] ?? 0) + 1
    }
  }
  const n = p.opS.length
  let order: number[] = []
  if (n <= 1) {
    // One open or none: nothing to order.
    if (n === 1) order.push(0)
  } else {
    const nowPowered = poweredBuses(ix, ix.currentClosed, served)
    const targetPowered = poweredBuses(ix, target, served)
    const isProtected = new Uint8Array(B)
    for (let b = 0; b < B; b++) isProtected[b] = nowPowered[b] === 1 && targetPowered[b] === 1 ? 1 : 0
    p.isProtected = isProtected
    // Buses up now and in the target: among opens that leave as many protected buses unpowered, the
    // greedy prefers one that downs fewer of these (a bus that cannot stay powered may still stay up).
    const keepUp = new Uint8Array(B)
    for (let b = 0; b < B; b++) {
      if ((p.countOn[b] ?? 0) === 0) continue
      for (let s = 0; s < S; s++) if (target[s * B + b] === 1) keepUp[b] = 1
    }
    p.keepUp = keepUp
    // Greedy first; when it cannot avoid an unpowered protected bus and there are few opens, an
    // exhaustive search over orders finds a safe order if one exists.
    const safe = p.greedy(order)
    if (!safe && n <= 12) {
      const path: number[] = []
      if (p.search(0, path, new Set())) order = path
    }
  }
  for (const i of order) {
    const s = p.opS[i] ?? 0
    p.open(s, p.opB[i] ?? 0)
    p.remainingOpens[s] = (p.remainingOpens[s] ?? 0) - 1
    if (p.remainingOpens[s] === 0) p.closeAll(s, false)
  }
  // 4. opens that unlock nothing (supplies open in the target, extra switches of a supply bridging
  // buses that stays on one of them): each only takes capacity away, so they come last; every
  // intermediate state then has every target bus up with at least its target capacity.
  for (let s = 0; s < S; s++) {
    let closes = false
    for (let b = 0; b < B; b++) if (p.closes(s, b)) closes = true
    if (closes) continue
    for (let b = 0; b < B; b++) if (p.opens(s, b)) p.open(s, b)
  }
  if (deferred !== undefined)
    for (let i = 0; i < deferred.length; i += 2) p.close(deferred[i] ?? 0, deferred[i + 1] ?? 0)
  return p.steps
}

/**
 * Public form: the steps from `input`'s current switch states to the `target` closed switches, with
 * the loads in `shed` shed during the switching. Unknown ids in target or shed are ignored.
 */
export const planSwitchSteps = (
  input: RackInput,
  target: readonly SwitchRef[],
  shed: readonly string[],
): SwitchStep[] => {
  const ix = indexRack(input)
  const B = ix.busCount
  const supplyPos = new Map(ix.supplyIds.map((id, i) => [id, i]))
  const busPos = new Map(ix.busIds.map((id, i) => [id, i]))
  const loadPos = new Map(ix.loadIds.map((id, i) => [id, i]))
  const closed = new Uint8Array(ix.supplyCount * B)
  for (const ref of target) {
    const s = supplyPos.get(ref.supply)
    const b = busPos.get(ref.bus)
    if (s !== undefined && b !== undefined && (ix.switchKind[s * B + b] ?? -1) >= 0) closed[s * B + b] = 1
  }
  const served = new Uint8Array(ix.loadCount).fill(1)
  for (const id of shed) {
    const l = loadPos.get(id)
    if (l !== undefined) served[l] = 0
  }
  return planSwitchStepsIndexed(ix, closed, served)
}
