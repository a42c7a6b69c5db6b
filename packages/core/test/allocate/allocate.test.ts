import { describe, expect, it } from 'vitest'
import { allocate } from '../../src/allocate/allocate.js'
import { defaultPolicy, type RackInput } from '../../src/model/rack.js'

const rack = (over: Partial<RackInput>): RackInput => ({
  supplies: [],
  buses: [],
  loads: [],
  switches: [],
  policy: defaultPolicy,
  ...over,
})

/** Two buses, four 1000 W supplies, each switchable onto both buses. */
const twoBusRack = (
  closed: Record<string, string | undefined>,
  states: Record<string, 'ok' | 'failed' | 'warning'> = {},
): RackInput =>
  rack({
    supplies: ['p1', 'p2', 'p3', 'p4'].map((id) => ({ id, capacityW: 1000, state: states[id] ?? 'ok' })),
    buses: [
      { id: 'A', priority: 1 },
      { id: 'B', priority: 1 },
    ],
    loads: [
      { id: 's1', powerW: 600, priority: 1, buses: ['A', 'B'] },
      { id: 's2', powerW: 600, priority: 1, buses: ['A', 'B'] },
    ],
    switches: ['p1', 'p2', 'p3', 'p4'].flatMap((supply) =>
      ['A', 'B'].map((bus) => ({ supply, bus, kind: 'fet' as const, closed: closed[supply] === bus })),
    ),
  })

describe('allocate', () => {
  it('keeps an optimal current state: no steps, no switch reasons, proven optimal', () => {
    const plan = allocate(twoBusRack({ p1: 'A', p2: 'A', p3: 'B', p4: 'B' }))
    expect(plan.steps).toEqual([])
    expect(plan.closed).toEqual([
      { supply: 'p1', bus: 'A' },
      { supply: 'p2', bus: 'A' },
      { supply: 'p3', bus: 'B' },
      { supply: 'p4', bus: 'B' },
    ])
    expect(plan.shed).toEqual([])
    expect(plan.optimal).toBe(true)
    expect(
      plan.buses.map((b) => [b.id, b.loadW, b.capacityW, b.redundantW, b.nPlusK, b.survivesLoss]),
    ).toEqual([
      ['A', 600, 2000, 1000, true, true],
      ['B', 600, 2000, 1000, true, true],
    ])
  })

  it('opens a failed supply first and brings a spare in for N+1', () => {
    const plan = allocate(twoBusRack({ p1: 'A', p2: 'A', p3: 'B' }, { p2: 'failed' }))
    expect(plan.steps[0]).toEqual({ op: 'open', supply: 'p2', bus: 'A', kind: 'fet' })
    expect(plan.closed).toEqual([
      { supply: 'p1', bus: 'A' },
      { supply: 'p3', bus: 'B' },
      { supply: 'p4', bus: 'A' },
    ])
    expect(plan.reasons).toContainEqual({
      _tag: 'SupplyUnavailable',
      supply: 'p2',
      bus: 'A',
      state: 'failed',
    })
    expect(plan.reasons).toContainEqual({
      _tag: 'CurrentStateInadmissible',
      rule: 3,
      detail: 'supply p2 is failed and closed onto bus A',
    })
    expect(plan.reasons).toContainEqual({
      _tag: 'SupplyConnected',
      supply: 'p4',
      bus: 'A',
      why: 'supplyRedundancy',
    })
  })

  it('sheds the lowest priority load when capacity is short', () => {
    const plan = allocate(
      rack({
        supplies: [{ id: 'p1', capacityW: 1000, state: 'ok' }],
        buses: [{ id: 'A', priority: 1 }],
        loads: [
          { id: 'hi', powerW: 700, priority: 2, buses: ['A'] },
          { id: 'lo', powerW: 700, priority: 1, buses: ['A'] },
        ],
        switches: [{ supply: 'p1', bus: 'A', kind: 'relay', closed: true }],
      }),
    )
    expect(plan.shed).toEqual(['lo'])
    expect(plan.steps).toEqual([])
    expect(plan.reasons).toContainEqual({
      _tag: 'LoadShed',
      load: 'lo',
      priority: 1,
      powerW: 700,
      why: 'insufficientCapacity',
    })
    expect(plan.reasons).toContainEqual({
      _tag: 'CurrentStateInadmissible',
      rule: 5,
      detail: 'bus A carries 1400 W over its capacity of 1000 W',
    })
  })

  it('does not depend on the order of the input arrays', () => {
    const input = twoBusRack({ p1: 'B', p3: 'B' }, { p4: 'warning' })
    const reversed: RackInput = {
      ...input,
      supplies: [...input.supplies].reverse(),
      buses: [...input.buses].reverse(),
      loads: [...input.loads].reverse(),
      switches: [...input.switches].reverse(),
    }
    expect(allocate(reversed)).toEqual(allocate(input))
  })
})

describe('allocate beyond the exact range', () => {
  // Found by the property "no load is shed while a lower-priority load on a bus it could use is served":
  // 13 supplies x 5 buses, the search's budget cut a leaf's shedding, leaving srv7 (priority 1, 15.5 W)
  // shed while srv5 (priority 0) was served through the same bus C with room to spare.
  const input: RackInput = {
    supplies: [
      { id: 'psu0', capacityW: 800, state: 'warning' },
      { id: 'psu1', capacityW: 800, state: 'absent' },
      { id: 'psu2', capacityW: 800, state: 'ok' },
      { id: 'psu3', capacityW: 800, state: 'ok' },
      { id: 'psu4', capacityW: 2400, state: 'ok' },
      { id: 'psu5', capacityW: 2400, state: 'ok' },
      { id: 'psu6', capacityW: 800, state: 'ok' },
      { id: 'psu7', capacityW: 800, state: 'failed' },
      { id: 'psu8', capacityW: 800, state: 'ok' },
      { id: 'psu9', capacityW: 2400, state: 'ok' },
      { id: 'psu10', capacityW: 800, state: 'warning' },
      { id: 'psu11', capacityW: 800, state: 'absent' },
      { id: 'psu12', capacityW: 800, state: 'ok' },
    ],
    buses: [
      { id: 'A', priority: 0 },
      { id: 'B', priority: 0, maxW: 4000 },
      { id: 'C', priority: 0 },
      { id: 'D', priority: 0 },
      { id: 'E', priority: 0 },
    ],
    loads: [
      { id: 'srv0', powerW: 309.5, priority: 2, buses: ['B', 'D'] },
      { id: 'srv1', powerW: 1381.5, priority: 2, buses: ['D', 'B'] },
      { id: 'srv2', powerW: 832.5, priority: 2, buses: ['E', 'D'] },
      { id: 'srv3', powerW: 651.25, priority: 3, buses: ['E', 'D'] },
      { id: 'srv4', powerW: 779.5, priority: 3, buses: ['B', 'D'] },
      { id: 'srv5', powerW: 0, priority: 0, buses: ['B', 'C'] },
      { id: 'srv6', powerW: 1003.5, priority: 3, buses: ['B', 'D'] },
      { id: 'srv7', powerW: 15.5, priority: 1, buses: ['C', 'D'] },
      { id: 'srv8', powerW: 122.75, priority: 2, buses: ['D', 'E'] },
      { id: 'srv9', powerW: 537.25, priority: 1, buses: ['C', 'D'] },
      { id: 'srv10', powerW: 1052.25, priority: 2, buses: ['B', 'A'] },
      { id: 'srv11', powerW: 546.25, priority: 2, buses: ['D', 'E'] },
      { id: 'srv12', powerW: 494.75, priority: 3, buses: ['E', 'C'] },
      { id: 'srv13', powerW: 274, priority: 3, buses: ['D', 'A'] },
    ],
    switches: [
      { supply: 'psu0', bus: 'A', kind: 'fet', closed: true },
      { supply: 'psu0', bus: 'B', kind: 'fet', closed: true },
      { supply: 'psu4', bus: 'A', kind: 'fet', closed: true },
      { supply: 'psu4', bus: 'B', kind: 'fet', closed: true },
      { supply: 'psu5', bus: 'E', kind: 'fet', closed: true },
      { supply: 'psu6', bus: 'A', kind: 'fet', closed: true },
      { supply: 'psu6', bus: 'B', kind: 'fet', closed: true },
      { supply: 'psu6', bus: 'C', kind: 'fet', closed: true },
      { supply: 'psu6', bus: 'D', kind: 'fet', closed: true },
      { supply: 'psu8', bus: 'B', kind: 'fet', closed: true },
      { supply: 'psu9', bus: 'B', kind: 'fet', closed: true },
      { supply: 'psu9', bus: 'C', kind: 'fet', closed: true },
      { supply: 'psu10', bus: 'A', kind: 'fet', closed: true },
      { supply: 'psu10', bus: 'B', kind: 'fet', closed: true },
      { supply: 'psu10', bus: 'E', kind: 'fet', closed: true },
      { supply: 'psu12', bus: 'A', kind: 'fet', closed: true },
      { supply: 'psu12', bus: 'E', kind: 'fet', closed: true },
    ],
    policy: { supplyRedundancy: 0, busRedundancy: false, derate: 1, preemptRisk: 0.5 },
  }

  it('serves a shed load that fits on its up bus (the unproven result is repaired)', () => {
    const plan = allocate(input)
    expect(plan.optimal).toBe(false)
    expect(plan.shed).not.toContain('srv7')
    expect(plan.closed.some((c) => c.bus === 'C')).toBe(true)
  })
})
