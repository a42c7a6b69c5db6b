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
  const state = ix.currentClosed.slice()
  // Closed switches and usable capacity per bus, kept in step with `state` by setSwitch.
  const countOn = new Int32Array(B)
  const capOn = new Float64Array(B)
  const loadScratch = new Float64Array(B)
  for (let s = 0; s < S; s++) {
    for (let b = 0; b < B; b++) {
      if (state[s * B + b] !== 1) continue
      countOn[b] = (countOn[b] ?? 0) + 1
      if (ix.usable[s] === 1) capOn[b] = (capOn[b] ?? 0) + (ix.capacityU[s] ?? 0)
    }
  }
  const setSwitch = (s: number, b: number, closed: 0 | 1): void => {
    if (state[s * B + b] === closed) return
    state[s * B + b] = closed
    const sign = closed === 1 ? 1 : -1
    countOn[b] = (countOn[b] ?? 0) + sign
    if (ix.usable[s] === 1) capOn[b] = (capOn[b] ?? 0) + sign * (ix.capacityU[s] ?? 0)
  }
  const steps: SwitchStep[] = []
  const open = (s: number, b: number) => {
    setSwitch(s, b, 0)
    steps.push(stepOf(ix, 'open', s, b))
  }
  const close = (s: number, b: number) => {
    setSwitch(s, b, 1)
    steps.push(stepOf(ix, 'close', s, b))
  }
  const nowPowered = poweredBuses(ix, ix.currentClosed, served)
  const targetPowered = poweredBuses(ix, target, served)
  const isProtected = new Uint8Array(B)
  for (let b = 0; b < B; b++) isProtected[b] = nowPowered[b] === 1 && targetPowered[b] === 1 ? 1 : 0
  const loadsByUpSet: LoadsByUpSet = new Map()
  const unpoweredProtected = (): number =>
    countUnpowered(ix, countOn, capOn, loadScratch, loadsByUpSet, served, isProtected)

  // 1. failed/absent supplies.
  for (let s = 0; s < S; s++) {
    if (ix.usable[s] === 1) continue
    for (let b = 0; b < B; b++) if (state[s * B + b] === 1 && target[s * B + b] !== 1) open(s, b)
  }
  // Pending operations per supply, against the state after step 1.
  const opensOf: number[][] = []
  const closesOf: number[][] = []
  for (let s = 0; s < S; s++) {
    opensOf.push([])
    closesOf.push([])
    for (let b = 0; b < B; b++) {
      const now = state[s * B + b] === 1
      const want = target[s * B + b] === 1
      if (now && !want) opensOf[s]?.push(b)
      if (!now && want) closesOf[s]?.push(b)
    }
  }
  const closedAny = (s: number): boolean => {
    for (let b = 0; b < B; b++) if (state[s * B + b] === 1) return true
    return false
  }
  // 2. pure closes: only add capacity (or bring a bus up, taking dual-corded load off the others).
  const deferredCloses: { s: number; b: number }[] = []
  for (let s = 0; s < S; s++) {
    if ((opensOf[s]?.length ?? 0) > 0 || (closesOf[s]?.length ?? 0) === 0) continue
    for (const b of closesOf[s] ?? []) {
      if (!closedAny(s)) close(s, b)
      else deferredCloses.push({ s, b }) // a target bridging buses: never produced by allocate
    }
  }
  // 3. opens that unlock a close (moves, and supplies bridging buses that also move), each close done as
  // soon as its supply has no closed switch left. Closes only help and the other opens only hurt, so the
  // only choice is the order of these opens.
  const ops: { s: number; b: number }[] = []
  for (let s = 0; s < S; s++) {
    if ((closesOf[s]?.length ?? 0) === 0) continue
    for (const b of opensOf[s] ?? []) ops.push({ s, b })
  }
  const remainingOpens = new Int32Array(S)
  for (const o of ops) remainingOpens[o.s] = (remainingOpens[o.s] ?? 0) + 1
  /** Apply or undo op i: its open, then its supply's closes when it was the supply's last open. */
  const apply = (i: number, sign: 1 | -1): void => {
    const o = ops[i]
    if (o === undefined) return
    if (sign === 1) {
      setSwitch(o.s, o.b, 0)
      remainingOpens[o.s] = (remainingOpens[o.s] ?? 0) - 1
      if (remainingOpens[o.s] === 0) for (const b of closesOf[o.s] ?? []) setSwitch(o.s, b, 1)
    } else {
      if (remainingOpens[o.s] === 0) for (const b of closesOf[o.s] ?? []) setSwitch(o.s, b, 0)
      remainingOpens[o.s] = (remainingOpens[o.s] ?? 0) + 1
      setSwitch(o.s, o.b, 1)
    }
  }
  // Buses up now and in the target: among opens that leave as many protected buses unpowered, the
  // greedy prefers one that downs fewer of these (a bus that cannot stay powered may still stay up).
  const keepUp = new Uint8Array(B)
  for (let b = 0; b < B; b++) {
    if ((countOn[b] ?? 0) === 0) continue
    for (let s = 0; s < S; s++) if (target[s * B + b] === 1) keepUp[b] = 1
  }
  const badAfterOpen = (i: number): number => {
    const o = ops[i]
    if (o === undefined) return 0
    setSwitch(o.s, o.b, 0)
    const bad = unpoweredProtected()
    setSwitch(o.s, o.b, 1)
    return bad
  }
  /**
   * Protected buses downed, then unpowered protected buses, then buses downed, as one key (smaller is
   * better). Downed protected buses come first: an open that downs none never blocks a later step, so
   * preferring those keeps every protected bus up whenever some order does, even when none keeps them
   * all powered.
   */
  const keyAfterOpen = (i: number): number => {
    const o = ops[i]
    if (o === undefined) return 0
    setSwitch(o.s, o.b, 0)
    let downs = 0
    let protectedDowns = 0
    for (let b = 0; b < B; b++) {
      if ((countOn[b] ?? 0) !== 0) continue
      if (keepUp[b] === 1) downs++
      if (isProtected[b] === 1) protectedDowns++
    }
    const key = (protectedDowns * (B + 1) + unpoweredProtected()) * (B + 1) + downs
    setSwitch(o.s, o.b, 1)
    return key
  }
  // Greedy first (the first open in order that keeps every protected bus powered, else the one downing
  // fewest protected buses, then leaving fewest unpowered, then fewest buses down); when it cannot avoid an unpowered protected bus and there are few opens, an
  // exhaustive search over orders (memoised on the set of opens done) finds a safe order if one exists.
  const greedy = (): { order: number[]; safe: boolean } => {
    const order: number[] = []
    let safe = true
    const done = new Uint8Array(ops.length)
    for (let n = 0; n < ops.length; n++) {
      let best = -1
      let bestKey = Infinity
      for (let i = 0; i < ops.length && bestKey > 0; i++) {
        if (done[i] === 1) continue
        const key = keyAfterOpen(i)
        if (key < bestKey) {
          bestKey = key
          best = i
        }
      }
      if (best < 0) break
      if (bestKey > B) safe = false // some protected bus unpowered
      done[best] = 1
      apply(best, 1)
      order.push(best)
    }
    for (let i = order.length - 1; i >= 0; i--) apply(order[i] ?? 0, -1)
    return { order, safe }
  }
  // One open or none: nothing to order.
  const first = ops.length <= 1 ? { order: ops.map((_, i) => i), safe: true } : greedy()
  let order = first.order
  if (!first.safe && ops.length <= 12) {
    const failedMasks = new Set<number>()
    const path: number[] = []
    const search = (doneMask: number): boolean => {
      if (path.length === ops.length) return true
      if (failedMasks.has(doneMask)) return false
      for (let i = 0; i < ops.length; i++) {
        if ((doneMask & (1 << i)) !== 0 || badAfterOpen(i) > 0) continue
        apply(i, 1)
        path.push(i)
        const found = search(doneMask | (1 << i))
        path.pop()
        apply(i, -1)
        if (found) {
          path.unshift(i)
          return true
        }
      }
      failedMasks.add(doneMask)
      return false
    }
    if (search(0)) order = path
  }
  for (const i of order) {
    const o = ops[i]
    if (o === undefined) continue
    open(o.s, o.b)
    remainingOpens[o.s] = (remainingOpens[o.s] ?? 0) - 1
    if (remainingOpens[o.s] === 0) for (const b of closesOf[o.s] ?? []) close(o.s, b)
  }
  // 4. opens that unlock nothing (supplies open in the target, extra switches of a supply bridging
  // buses that stays on one of them): each only takes capacity away, so they come last; every
  // intermediate state then has every target bus up with at least its target capacity.
  for (let s = 0; s < S; s++) {
    if ((closesOf[s]?.length ?? 0) > 0) continue
    for (const b of opensOf[s] ?? []) open(s, b)
  }
  for (const c of deferredCloses) close(c.s, c.b)
  return steps
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
