import { describe, expect, it } from 'vitest'
import { allocate, repairedCurrent } from '../../src/allocate/allocate.js'
import {
  chooseSheddingGreedy,
  createIncumbent,
  createSheddingWorkspace,
} from '../../src/allocate/chooseShedding.js'
import { compareServiceVectors } from '../../src/allocate/compareServiceVectors.js'
import { evaluateConfiguration } from '../../src/allocate/evaluateConfiguration.js'
import { improveLocally } from '../../src/allocate/improveLocally.js'
import { indexRack } from '../../src/allocate/indexRack.js'
import { switchSideOf } from '../../src/allocate/switchSide.js'
import type { RackInput } from '../../src/model/rack.js'

/** Deterministic pseudo-random large rack: A/B bus pairs, mixed supplies, some failed, a random current state. */
const largeRack = (seed: number, supplies = 192, buses = 16, loads = 400): RackInput => {
  let a = seed >>> 0
  const random = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T
  const busIds = Array.from({ length: buses }, (_, j) => `bus${String(j).padStart(2, '0')}`)
  const pairs = buses / 2
  const states = ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'warning', 'failed', 'absent'] as const
  const supplyList = Array.from({ length: supplies }, (_, s) => ({
    id: `psu${String(s).padStart(3, '0')}`,
    capacityW: pick([800, 1600, 2400, 3000]),
    state: pick(states),
    ...(random() < 0.3 ? { failureRisk: Math.round(random() * 100) / 100 } : {}),
  }))
  const switches = supplyList.flatMap((s, i) => {
    const p = i % pairs
    const wired = [2 * p, 2 * p + 1]
    if (random() < 0.3) wired.push(Math.floor(random() * buses))
    const uniq = [...new Set(wired)]
    const closedAt = random() < 0.8 ? pick(uniq) : -1
    return uniq.map((j) => ({
      supply: s.id,
      bus: busIds[j] ?? '',
      kind: pick(['fet', 'relay', 'breaker'] as const),
      closed: j === closedAt,
    }))
  })
  const loadList = Array.from({ length: loads }, (_, l) => {
    const p = Math.floor(random() * pairs)
    const dual = random() < 0.8
    return {
      id: `srv${String(l).padStart(3, '0')}`,
      powerW: Math.round(150 + random() * 700),
      priority: pick([1, 2, 3]),
      buses: dual
        ? [busIds[2 * p] ?? '', busIds[2 * p + 1] ?? '']
        : [busIds[2 * p + Math.floor(random() * 2)] ?? ''],
    }
  })
  return {
    supplies: supplyList,
    buses: busIds.map((id, j) => ({ id, priority: 1 + (j % 3), ...(random() < 0.3 ? { maxW: 15000 } : {}) })),
    loads: loadList,
    switches,
    policy: { supplyRedundancy: 1, busRedundancy: true, derate: 1, preemptRisk: 0.5 },
  }
}

const shuffled = (input: RackInput, seed: number): RackInput => {
  const rot = <T>(xs: readonly T[]) =>
    [...xs.slice(seed % Math.max(1, xs.length)), ...xs.slice(0, seed % Math.max(1, xs.length))].reverse()
  return {
    ...input,
    supplies: rot(input.supplies),
    buses: rot(input.buses),
    loads: rot(input.loads),
    switches: rot(input.switches),
  }
}

describe('improveLocally', () => {
  it('never makes the incumbent worse and only adopts admissible configurations', () => {
    const ix = indexRack(largeRack(7, 48, 8, 96))
    const ws = createSheddingWorkspace(ix)
    const inc = createIncumbent(ix)
    chooseSheddingGreedy(ix, ws, switchSideOf(ix, repairedCurrent(ix)), inc)
    const before = Float64Array.from(inc.vector ?? [])
    improveLocally(ix, ws, inc, 2_000_000)
    expect(compareServiceVectors(inc.vector ?? [], before)).toBeGreaterThanOrEqual(0)
    const e = evaluateConfiguration(ix, inc.assign, inc.served)
    expect(e.admissible).toBe(true)
    expect(Array.from(e.vector)).toEqual(Array.from(inc.vector ?? []))
  })

  it('brings a bus down when its rating cannot take the halves of its dual-corded loads', () => {
    // A is rated 300 W; both servers (400 W each, dual-corded) fit on B alone but not split over A/B.
    const input: RackInput = {
      supplies: [
        { id: 'p1', capacityW: 1000, state: 'ok' },
        { id: 'p2', capacityW: 1000, state: 'ok' },
      ],
      buses: [
        { id: 'A', priority: 1, maxW: 300 },
        { id: 'B', priority: 1 },
      ],
      loads: [
        { id: 's1', powerW: 400, priority: 1, buses: ['A', 'B'] },
        { id: 's2', powerW: 400, priority: 1, buses: ['A', 'B'] },
      ],
      switches: [
        { supply: 'p1', bus: 'A', kind: 'fet', closed: true },
        { supply: 'p1', bus: 'B', kind: 'fet', closed: false },
        { supply: 'p2', bus: 'B', kind: 'fet', closed: true },
      ],
      policy: { supplyRedundancy: 1, busRedundancy: true, derate: 1, preemptRisk: 0.5 },
    }
    const ix = indexRack(input)
    const ws = createSheddingWorkspace(ix)
    const inc = createIncumbent(ix)
    chooseSheddingGreedy(ix, ws, switchSideOf(ix, repairedCurrent(ix)), inc)
    expect(Array.from(inc.served)).toEqual([1, 0]) // split, A can take only one half
    improveLocally(ix, ws, inc, 1_000_000)
    expect(Array.from(inc.served)).toEqual([1, 1])
    expect(Array.from(inc.assign)).toEqual([1, 1]) // both on B, A down
  })
})

describe('improveLocally swaps', () => {
  it('swaps two supplies when every single move loses service on the way', () => {
    // p2 (800 W) sits on A under a 1500 W load, p1 (2000 W) on B under a 700 W load of higher priority.
    // Moving either alone drops a load; swapping them serves both.
    const input: RackInput = {
      supplies: [
        { id: 'p1', capacityW: 2000, state: 'ok' },
        { id: 'p2', capacityW: 800, state: 'ok' },
      ],
      buses: [
        { id: 'A', priority: 1 },
        { id: 'B', priority: 1 },
      ],
      loads: [
        { id: 'big', powerW: 1500, priority: 1, buses: ['A'] },
        { id: 'vip', powerW: 700, priority: 2, buses: ['B'] },
      ],
      switches: [
        { supply: 'p1', bus: 'A', kind: 'fet', closed: false },
        { supply: 'p1', bus: 'B', kind: 'fet', closed: true },
        { supply: 'p2', bus: 'A', kind: 'fet', closed: true },
        { supply: 'p2', bus: 'B', kind: 'fet', closed: false },
      ],
      policy: { supplyRedundancy: 0, busRedundancy: false, derate: 1, preemptRisk: 0.5 },
    }
    const ix = indexRack(input)
    const ws = createSheddingWorkspace(ix)
    const inc = createIncumbent(ix)
    chooseSheddingGreedy(ix, ws, switchSideOf(ix, repairedCurrent(ix)), inc)
    expect(Array.from(inc.served)).toEqual([0, 1])
    improveLocally(ix, ws, inc, 1_000_000)
    expect(Array.from(inc.assign)).toEqual([0, 1])
    expect(Array.from(inc.served)).toEqual([1, 1])
  })
})

describe('allocate on 192 supplies x 16 buses x 400 loads', () => {
  const input = largeRack(20261121)
  const plan = allocate(input)

  it('returns an admissible plan no worse than the repaired current state', () => {
    const ix = indexRack(input)
    const B = ix.busCount
    const assign = new Int32Array(ix.supplyCount).fill(-1)
    for (const ref of plan.closed) assign[ix.supplyIds.indexOf(ref.supply)] = ix.busIds.indexOf(ref.bus)
    const served = Uint8Array.from(ix.loadIds, (id) => (plan.shed.includes(id) ? 0 : 1))
    const target = evaluateConfiguration(ix, assign, served)
    expect(target.admissible).toBe(true)
    expect(target.invalidSupplies).toEqual([])
    // Never a failed supply connected, never a supply on two buses.
    expect(new Set(plan.closed.map((r) => r.supply)).size).toBe(plan.closed.length)
    for (const r of plan.closed)
      expect(['failed', 'absent']).not.toContain(input.supplies.find((s) => s.id === r.supply)?.state)
    // Never worse than the current state with failed supplies opened and its best greedy shedding.
    const ws = createSheddingWorkspace(ix)
    const current = createIncumbent(ix)
    chooseSheddingGreedy(ix, ws, switchSideOf(ix, repairedCurrent(ix)), current)
    expect(compareServiceVectors(target.vector, current.vector ?? [])).toBeGreaterThanOrEqual(0)
    expect(plan.buses).toHaveLength(B)
    expect(plan.optimal).toBe(false)
  })

  it('is deterministic and independent of the order of the input arrays', () => {
    expect(allocate(input)).toEqual(plan)
    expect(allocate(shuffled(input, 37))).toEqual(plan)
  })

  it('steps take the current state to the target', () => {
    const state = new Set(input.switches.filter((w) => w.closed).map((w) => `${w.supply}|${w.bus}`))
    for (const step of plan.steps) {
      if (step.op === 'open') expect(state.delete(`${step.supply}|${step.bus}`)).toBe(true)
      else {
        expect(state.has(`${step.supply}|${step.bus}`)).toBe(false)
        state.add(`${step.supply}|${step.bus}`)
      }
    }
    expect([...state].sort()).toEqual(plan.closed.map((r) => `${r.supply}|${r.bus}`).sort())
  })
})
