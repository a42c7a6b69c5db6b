/**
 * Pure. The rack's bus components: buses joined by dual-corded loads (fixed by the wiring), each with
 * its buses and its loads. Shedding a load and losing a bus only ever move watts inside one component,
 * so evaluations can be redone for the components a change touches.
 */
import type { RackIndex } from './indexRack.js'

export interface BusComponents {
  /** Component of each bus. */
  readonly compOfBus: Int32Array
  readonly compCount: number
  /** Buses of component c: buses[busStart[c] .. busStart[c + 1]), ascending. */
  readonly busStart: Int32Array
  readonly buses: Int32Array
  /** Loads of component c in the given order: loads[loadStart[c] .. loadStart[c + 1]) (none for unwired loads). */
  readonly loadStart: Int32Array
  readonly loads: Int32Array
}

/** The components of a rack, each component's loads listed in `order` (a permutation of the loads). */
export const busComponents = (ix: RackIndex, order: Int32Array): BusComponents => {
  const B = ix.busCount
  const L = ix.loadCount
  // Union-find over buses, joined by dual-corded loads.
  const parent = new Int32Array(B)
  for (let b = 0; b < B; b++) parent[b] = b
  const root = (b: number): number => {
    let r = b
    while ((parent[r] ?? r) !== r) r = parent[r] ?? r
    return r
  }
  for (let l = 0; l < L; l++) {
    const a = ix.loadBusA[l] ?? -1
    const b = ix.loadBusB[l] ?? -1
    if (a >= 0 && b >= 0) parent[root(a)] = root(b)
  }
  const compOfBus = new Int32Array(B).fill(-1)
  let compCount = 0
  for (let b = 0; b < B; b++) {
    const r = root(b)
    if ((compOfBus[r] ?? -1) < 0) compOfBus[r] = compCount++
    compOfBus[b] = compOfBus[r] ?? 0
  }
  const busStart = new Int32Array(compCount + 1)
  const buses = new Int32Array(B)
  const loadStart = new Int32Array(compCount + 1)
  // Counting sort by component, stable, so each component keeps `order`.
  for (let b = 0; b < B; b++) {
    const at = (compOfBus[b] ?? 0) + 1
    busStart[at] = (busStart[at] ?? 0) + 1
  }
  const compOfLoad = new Int32Array(L)
  for (let l = 0; l < L; l++) {
    const a = ix.loadBusA[l] ?? -1
    const b = ix.loadBusB[l] ?? -1
    const c = a >= 0 ? (compOfBus[a] ?? -1) : b >= 0 ? (compOfBus[b] ?? -1) : -1
    compOfLoad[l] = c
    if (c >= 0) loadStart[c + 1] = (loadStart[c + 1] ?? 0) + 1
  }
  for (let c = 0; c < compCount; c++) {
    busStart[c + 1] = (busStart[c + 1] ?? 0) + (busStart[c] ?? 0)
    loadStart[c + 1] = (loadStart[c + 1] ?? 0) + (loadStart[c] ?? 0)
  }
  const busNext = Int32Array.from(busStart)
  for (let b = 0; b < B; b++) {
    const c = compOfBus[b] ?? 0
    buses[busNext[c] ?? 0] = b
    busNext[c] = (busNext[c] ?? 0) + 1
  }
  const loads = new Int32Array(loadStart[compCount] ?? 0)
  const loadNext = Int32Array.from(loadStart)
  for (let i = 0; i < order.length; i++) {
    const l = order[i] ?? 0
    const c = compOfLoad[l] ?? -1
    if (c < 0) continue
    loads[loadNext[c] ?? 0] = l
    loadNext[c] = (loadNext[c] ?? 0) + 1
  }
  return { compOfBus, compCount, busStart, buses, loadStart, loads }
}
