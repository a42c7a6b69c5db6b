/**
 * Pure (mutates only the incumbent it is handed). Branch and bound over the supplies' assignments, each
 * leaf solved exactly by chooseSheddingExact. Returns true when the search finished within the work
 * budget, i.e. the incumbent is proven optimal.
 *
 * Supplies are branched in id order (so a prefix decides the supply part of the tie-break), the current
 * bus first (a good incumbent comes early). At every node an optimistic service vector bounds what any
 * completion can reach:
 * - level 1: loads that still have a bus that is up or could come up, cut lexicographically by the total
 *   capacity that can still be connected (smallest loads first for the count);
 * - level 2: wired buses that could be up whose best possible redundant capacity (connected non-risk
 *   supplies plus every remaining one that could join, minus the k largest already there) covers the
 *   least load they must carry; that least load is known when the incumbent already serves every
 *   servable load, since any rival must then serve them all too;
 * - level 3: buses that could be up and carry load, minus, in that same case, buses whose loss would
 *   lose a load that has no other possible bus;
 * - level 4: changes so far plus the least each remaining supply must change.
 * Identical supplies (same capacity, risk, switches and current state) take non-decreasing options in id
 * order: any optimum can be permuted into that form without losing on levels 1-4, and the tie-break
 * prefers it.
 */
import { chooseSheddingExact, type Incumbent, type SheddingWorkspace, type SwitchSide } from './chooseShedding.js'
import { changesFor, type RackIndex } from './indexRack.js'

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
}

export const createSearchContext = (ix: RackIndex, ws: SheddingWorkspace): SearchContext => {
  const S = ix.supplyCount
  const B = ix.busCount
  const changeCost = Array.from({ length: S }, (_, s) => {
    const opts = ix.options[s] ?? new Int32Array(0)
    const c = new Float64Array(opts.length + 1)
    c[0] = changesFor(ix, s, -1)
    opts.forEach((b, j) => (c[j + 1] = changesFor(ix, s, b)))
    return c
  })
  const minChangesFrom = new Float64Array(S + 1)
  const remCap = new Float64Array((S + 1) * B)
  const remNonRiskCap = new Float64Array((S + 1) * B)
  const remReach = new Int32Array((S + 1) * B)
  const remTotalCap = new Float64Array(S + 1)
  for (let s = S - 1; s >= 0; s--) {
    minChangesFrom[s] = (minChangesFrom[s + 1] ?? 0) + Math.min(...(changeCost[s] ?? [0]))
    const opts = ix.options[s] ?? new Int32Array(0)
    const cap = ix.capacityU[s] ?? 0
    remTotalCap[s] = (remTotalCap[s + 1] ?? 0) + (opts.length > 0 ? cap : 0)
    for (let b = 0; b < B; b++) {
      remCap[s * B + b] = remCap[(s + 1) * B + b] ?? 0
      remNonRiskCap[s * B + b] = remNonRiskCap[(s + 1) * B + b] ?? 0
      remReach[s * B + b] = remReach[(s + 1) * B + b] ?? 0
    }
    for (const b of opts) {
      remCap[s * B + b] = (remCap[s * B + b] ?? 0) + cap
      if (ix.atRisk[s] === 0) remNonRiskCap[s * B + b] = (remNonRiskCap[s * B + b] ?? 0) + cap
      remReach[s * B + b] = (remReach[s * B + b] ?? 0) + 1
    }
  }
  const supplyTwin = new Int32Array(S).fill(-1)
  const lastWithKey = new Map<string, number>()
  for (let s = 0; s < S; s++) {
    if ((ix.options[s]?.length ?? 0) === 0) continue
    const row = Array.from(ix.currentClosed.subarray(s * B, s * B + B)).join('')
    const key = `${ix.capacityU[s]}|${ix.atRisk[s]}|${Array.from(ix.options[s] ?? []).join(',')}|${row}`
    const prev = lastWithKey.get(key)
    if (prev !== undefined) supplyTwin[s] = prev
    lastWithKey.set(key, s)
  }
  return { ix, ws, changeCost, minChangesFrom, remCap, remNonRiskCap, remReach, remTotalCap, supplyTwin }
}

/** Closed-switch side of a complete assignment: up, limits, redundant capacity, changes. */
export const switchSideOf = (ix: RackIndex, assign: Int32Array): SwitchSide & { capacityU: Float64Array } => {
  const B = ix.busCount
  const up = new Uint8Array(B)
  const capacityU = new Float64Array(B)
  let changes = 0
  for (let s = 0; s < ix.supplyCount; s++) {
    const b = assign[s] ?? -1
    changes += changesFor(ix, s, b)
    if (b >= 0) {
      up[b] = 1
      capacityU[b] = (capacityU[b] ?? 0) + (ix.capacityU[s] ?? 0)
    }
  }
  const limitU = new Float64Array(B)
  for (let b = 0; b < B; b++) limitU[b] = Math.min(capacityU[b] ?? 0, ix.maxU[b] ?? Infinity)
  return { assign, up, limitU, redundantU: redundantOf(ix, assign, new Float64Array(B), up), changes, capacityU }
}

/** Redundant capacity per bus (at-risk removed, then the k largest), written into `out`. */
export const redundantOf = (ix: RackIndex, assign: Int32Array, out: Float64Array, up: Uint8Array): Float64Array => {
  const B = ix.busCount
  const k = ix.redundancyK
  out.fill(0)
  const top = new Float64Array(Math.max(1, B * k))
  for (let s = 0; s < ix.supplyCount; s++) {
    const b = assign[s] ?? -1
    if (b < 0 || ix.atRisk[s] === 1) continue
    let c = ix.capacityU[s] ?? 0
    out[b] = (out[b] ?? 0) + c
    // keep the k largest per bus in top[b*k ..), descending
    for (let j = 0; j < k; j++) {
      const t = top[b * k + j] ?? 0
      if (c > t) {
        top[b * k + j] = c
        c = t
      }
    }
  }
  for (let b = 0; b < B; b++) {
    if (up[b] === 0) {
      out[b] = 0
      continue
    }
    let removed = 0
    for (let j = 0; j < k; j++) removed += top[b * k + j] ?? 0
    out[b] = Math.max(0, (out[b] ?? 0) - removed)
  }
  return out
}

export const searchExact = (ctx: SearchContext, inc: Incumbent, workLimit: number): boolean => {
  const { ix, ws } = ctx
  const S = ix.supplyCount
  const B = ix.busCount
  const P = ix.loadPriorities.length
  const BP = ix.busPriorities.length
  const k = ix.redundancyK
  const assign = new Int32Array(S).fill(-1)
  const busCap = new Float64Array(B)
  const busNonRisk = new Float64Array(B)
  const busCount = new Int32Array(B)
  const topK = new Float64Array(Math.max(1, B * k))
  const possiblyUp = new Uint8Array(B)
  const candCount = new Float64Array(P)
  const candQ = new Float64Array(P)
  const mandatory = new Float64Array(B)
  const loses = new Uint8Array(B)
  const through = new Uint8Array(B)
  const opt = new Float64Array(ix.vectorLength)
  const up = new Uint8Array(B)
  const limitU = new Float64Array(B)
  const redundantU = new Float64Array(B)
  let capSoFar = 0
  let changesSoFar = 0
  let exhausted = false

  /** True when no completion of assign[0..i) can beat the incumbent. */
  const pruned = (i: number): boolean => {
    const vecInc = inc.vector
    if (vecInc === null) return false
    ws.work += ix.loadCount + B
    for (let b = 0; b < B; b++) possiblyUp[b] = (busCount[b] ?? 0) > 0 || (ctx.remReach[i * B + b] ?? 0) > 0 ? 1 : 0
    candCount.fill(0)
    candQ.fill(0)
    for (let l = 0; l < ix.loadCount; l++) {
      const a = ix.loadBusA[l] ?? -1
      const b = ix.loadBusB[l] ?? -1
      if ((a >= 0 && possiblyUp[a] === 1) || (b >= 0 && possiblyUp[b] === 1)) {
        const r = ix.loadPriorityRank[l] ?? 0
        candCount[r] = (candCount[r] ?? 0) + 1
        candQ[r] = (candQ[r] ?? 0) + (ix.loadMilliW[l] ?? 0)
      }
    }
    // Is every candidate served by the incumbent's level 1? Then rivals must serve them all.
    let allMustServe = true
    for (let r = 0; r < P; r++) {
      if ((vecInc[2 * r] ?? 0) !== candCount[r] || (vecInc[2 * r + 1] ?? 0) !== candQ[r]) {
        allMustServe = false
        break
      }
    }
    // Level 1: lexicographic capacity cut.
    opt.fill(0)
    let rem = capSoFar + (ctx.remTotalCap[i] ?? 0)
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
        if ((ix.loadPriorityRank[l] ?? 0) !== r) continue
        const a = ix.loadBusA[l] ?? -1
        const b = ix.loadBusB[l] ?? -1
        if (!((a >= 0 && possiblyUp[a] === 1) || (b >= 0 && possiblyUp[b] === 1))) continue
        const w = 2 * (ix.loadMilliW[l] ?? 0)
        if (acc + w > rem) break
        acc += w
        c++
      }
      opt[2 * r] = c
      opt[2 * r + 1] = Math.min(candQ[r] ?? 0, Math.floor(rem / 2))
      cut = true
    }
    // Levels 2 and 3.
    mandatory.fill(0)
    loses.fill(0)
    through.fill(0)
    for (let l = 0; l < ix.loadCount; l++) {
      const a = ix.loadBusA[l] ?? -1
      const b = ix.loadBusB[l] ?? -1
      const aP = a >= 0 && possiblyUp[a] === 1
      const bP = b >= 0 && possiblyUp[b] === 1
      if (!aP && !bP) continue
      const q = ix.loadMilliW[l] ?? 0
      if (aP && bP) {
        mandatory[a] = (mandatory[a] ?? 0) + q
        mandatory[b] = (mandatory[b] ?? 0) + q
        through[a] = 1
        through[b] = 1
      } else {
        const only = aP ? a : b
        mandatory[only] = (mandatory[only] ?? 0) + 2 * q
        loses[only] = 1
        through[only] = 1
      }
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
    let survivable = 0
    for (let b = 0; b < B; b++) {
      if (possiblyUp[b] === 0) continue
      if (ix.busWired[b] === 1) {
        let rmax = (busNonRisk[b] ?? 0) + (ctx.remNonRiskCap[i * B + b] ?? 0)
        for (let j = 0; j < k; j++) rmax -= topK[b * k + j] ?? 0
        if (rmax >= (allMustServe ? (mandatory[b] ?? 0) : 0)) {
          const j = 2 * P + (ix.busPriorityRank[b] ?? 0)
          opt[j] = (opt[j] ?? 0) + 1
        }
      }
      if (through[b] === 1 && !(allMustServe && loses[b] === 1)) survivable++
    }
    opt[2 * P + BP] = ix.busRedundancy ? survivable : 0
    opt[2 * P + BP + 1] = -(changesSoFar + (ctx.minChangesFrom[i] ?? 0))
    for (let j = 0; j < opt.length; j++) {
      const x = opt[j] ?? 0
      const y = vecInc[j] ?? 0
      if (x !== y) return x < y
    }
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
    chooseSheddingExact(ix, ws, { assign, up, limitU, redundantU, changes: changesSoFar }, inc, workLimit)
  }

  const place = (s: number, b: number, sign: 1 | -1): void => {
    if (b < 0) return
    const c = ix.capacityU[s] ?? 0
    busCap[b] = (busCap[b] ?? 0) + sign * c
    busCount[b] = (busCount[b] ?? 0) + sign
    if (ix.atRisk[s] === 0) busNonRisk[b] = (busNonRisk[b] ?? 0) + sign * c
    capSoFar += sign * c
  }

  const dfs = (i: number): void => {
    ws.work++
    if (ws.work > workLimit) {
      exhausted = true
      return
    }
    if (pruned(i)) return
    if (i === S) {
      leaf()
      return
    }
    const opts = ix.options[i] ?? new Int32Array(0)
    const costs = ctx.changeCost[i] ?? new Float64Array(1)
    const tw = ctx.supplyTwin[i] ?? -1
    const floor = tw >= 0 ? (assign[tw] ?? -1) : -1
    const cur = ix.currentOption[i] ?? -2
    const tryOption = (j: number): void => {
      const b = j < 0 ? -1 : (opts[j] ?? -1)
      if (b < floor) return
      assign[i] = b
      place(i, b, 1)
      const c = costs[j + 1] ?? 0
      changesSoFar += c
      dfs(i + 1)
      changesSoFar -= c
      place(i, b, -1)
      assign[i] = -1
    }
    // Current option first, then the rest in tie-break order.
    const curJ = cur >= 0 ? opts.indexOf(cur) : cur === -1 ? -1 : -2
    if (curJ >= -1) tryOption(curJ)
    for (let j = -1; j < opts.length; j++) if (j !== curJ) tryOption(j)
  }
  dfs(0)
  return !exhausted && ws.work <= workLimit
}
