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
const twoBusRack = (closed: Record<string, string | undefined>, states: Record<string, 'ok' | 'failed' | 'warning'> = {}): RackInput =>
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
    expect(plan.buses.map((b) => [b.id, b.loadW, b.capacityW, b.redundantW, b.nPlusK, b.survivesLoss])).toEqual([
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
    expect(plan.reasons).toContainEqual({ _tag: 'SupplyUnavailable', supply: 'p2', bus: 'A', state: 'failed' })
    expect(plan.reasons).toContainEqual({ _tag: 'CurrentStateInadmissible', rule: 3, detail: 'supply p2 is failed and closed onto bus A' })
    expect(plan.reasons).toContainEqual({ _tag: 'SupplyConnected', supply: 'p4', bus: 'A', why: 'supplyRedundancy' })
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
    expect(plan.reasons).toContainEqual({ _tag: 'LoadShed', load: 'lo', priority: 1, powerW: 700, why: 'insufficientCapacity' })
    expect(plan.reasons).toContainEqual({ _tag: 'CurrentStateInadmissible', rule: 5, detail: 'bus A carries 1400 W over its capacity of 1000 W' })
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
