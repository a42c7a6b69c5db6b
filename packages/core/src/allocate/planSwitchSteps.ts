/**
 * Pure. Current switch states and a target in, the ordered switch operations between them out.
 *
 * Order (every prefix keeps rule 2 once the current state does):
 * 1. open every closed switch of a failed/absent supply, then the extra switches of a supply closed onto
 *    several buses (keeping the one it has in the target, if any): safety first;
 * 2. close every switch of a supply that is open after step 1 (make before break: a close only adds
 *    capacity to its bus or brings a bus up, which takes dual-corded load off the others);
 * 3. move supplies (open on X, then at once close on Y), in an order that keeps every protected bus
 *    powered after each open when such an order exists (exhaustive over orders for up to 12 moves,
 *    greedy beyond), else the order that leaves fewest protected buses unpowered at each open;
 * 4. open the switches of supplies that are open in the target: each intermediate state still has every
 *    target bus up with at least its target capacity, so target-powered buses stay powered.
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
    const q = ix.loadMilliW[l] ?? 0
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

/**
 * Indexed form. `target` is a closed matrix (supply * busCount + bus); `served[l]` is 1 when load l is
 * not shed in the target.
 */
export const planSwitchStepsIndexed = (ix: RackIndex, target: Uint8Array, served: Uint8Array): SwitchStep[] => {
  const S = ix.supplyCount
  const B = ix.busCount
  const state = Uint8Array.from(ix.currentClosed)
  const steps: SwitchStep[] = []
  const open = (s: number, b: number) => {
    state[s * B + b] = 0
    steps.push(stepOf(ix, 'open', s, b))
  }
  const close = (s: number, b: number) => {
    state[s * B + b] = 1
    steps.push(stepOf(ix, 'close', s, b))
  }
  const nowPowered = poweredBuses(ix, ix.currentClosed, served)
  const targetPowered = poweredBuses(ix, target, served)
  const isProtected = new Uint8Array(B)
  for (let b = 0; b < B; b++) isProtected[b] = nowPowered[b] === 1 && targetPowered[b] === 1 ? 1 : 0
  const unpoweredProtected = (): number => {
    const p = poweredBuses(ix, state, served)
    let n = 0
    for (let b = 0; b < B; b++) if (isProtected[b] === 1 && p[b] === 0) n++
    return n
  }

  // 1. failed/absent supplies, then supplies bridging buses.
  for (let s = 0; s < S; s++) {
    if (ix.usable[s] === 1) continue
    for (let b = 0; b < B; b++) if (state[s * B + b] === 1 && target[s * B + b] !== 1) open(s, b)
  }
  for (let s = 0; s < S; s++) {
    let closedCount = 0
    for (let b = 0; b < B; b++) closedCount += state[s * B + b] ?? 0
    if (closedCount < 2) continue
    for (let b = 0; b < B && closedCount > 1; b++) {
      if (state[s * B + b] === 1 && target[s * B + b] !== 1) {
        open(s, b)
        closedCount--
      }
    }
  }
  // Classify the rest.
  const moves: { s: number; from: number; to: number }[] = []
  const finalOpens: { s: number; b: number }[] = []
  for (let s = 0; s < S; s++) {
    let from = -1
    let to = -1
    for (let b = 0; b < B; b++) {
      const now = state[s * B + b] === 1
      const want = target[s * B + b] === 1
      if (now && !want) from = b
      if (!now && want) to = b
    }
    const closedNow = (() => {
      for (let b = 0; b < B; b++) if (state[s * B + b] === 1) return true
      return false
    })()
    if (to >= 0 && !closedNow) close(s, to) // 2. pure close
    else if (to >= 0 && from >= 0) moves.push({ s, from, to })
    else if (from >= 0) finalOpens.push({ s, b: from })
    else if (to >= 0) {
      // Closed elsewhere on a switch the target also keeps (target bridges buses): close only after
      // everything else; never produced by allocate.
      finalOpens.push({ s, b: -1 - to })
    }
  }
  // 3. moves.
  const applyMove = (m: { s: number; from: number; to: number }, sign: 1 | -1) => {
    state[m.s * B + m.from] = sign === 1 ? 0 : 1
    state[m.s * B + m.to] = sign === 1 ? 1 : 0
  }
  const safeAfterOpen = (m: { s: number; from: number; to: number }): number => {
    state[m.s * B + m.from] = 0
    const bad = unpoweredProtected()
    state[m.s * B + m.from] = 1
    return bad
  }
  let order: number[] | null = null
  if (moves.length <= 12) {
    const failed = new Set<number>()
    const path: number[] = []
    const search = (doneMask: number): boolean => {
      if (path.length === moves.length) return true
      if (failed.has(doneMask)) return false
      for (let i = 0; i < moves.length; i++) {
        if ((doneMask & (1 << i)) !== 0) continue
        const m = moves[i]
        if (m === undefined || safeAfterOpen(m) > 0) continue
        applyMove(m, 1)
        path.push(i)
        if (search(doneMask | (1 << i))) return true
        path.pop()
        applyMove(m, -1)
      }
      failed.add(doneMask)
      return false
    }
    const snapshot = Uint8Array.from(state)
    if (search(0)) order = [...path]
    state.set(snapshot)
  }
  if (order === null) {
    // Greedy: the move whose open leaves fewest protected buses unpowered, first in id order on ties.
    order = []
    const done = new Uint8Array(moves.length)
    for (let n = 0; n < moves.length; n++) {
      let best = -1
      let bestBad = Infinity
      for (let i = 0; i < moves.length; i++) {
        const m = moves[i]
        if (done[i] === 1 || m === undefined) continue
        const bad = safeAfterOpen(m)
        if (bad < bestBad) {
          bestBad = bad
          best = i
        }
      }
      const m = moves[best]
      if (m === undefined) break
      done[best] = 1
      applyMove(m, 1)
      order.push(best)
    }
    for (let i = order.length - 1; i >= 0; i--) {
      const m = moves[order[i] ?? 0]
      if (m !== undefined) applyMove(m, -1)
    }
  }
  for (const i of order) {
    const m = moves[i]
    if (m === undefined) continue
    open(m.s, m.from)
    close(m.s, m.to)
  }
  // 4. opens.
  for (const o of finalOpens) if (o.b >= 0) open(o.s, o.b)
  for (const o of finalOpens) if (o.b < 0) close(o.s, -1 - o.b)
  return steps
}

/**
 * Public form: the steps from `input`'s current switch states to the `target` closed switches, with
 * the loads in `shed` shed during the switching. Unknown ids in target or shed are ignored.
 */
export const planSwitchSteps = (input: RackInput, target: readonly SwitchRef[], shed: readonly string[]): SwitchStep[] => {
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
