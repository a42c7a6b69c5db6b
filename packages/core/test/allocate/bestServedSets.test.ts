import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import type { RackInput } from '../../src/model/rack.js'
import { repairedCurrent } from '../../src/allocate/allocate.js'
import { bestServedSets, bestSheddingOf } from '../../src/allocate/bestServedSets.js'
import {
  chooseSheddingExact,
  createIncumbent,
  createSheddingWorkspace,
} from '../../src/allocate/chooseShedding.js'
import { indexRack } from '../../src/allocate/indexRack.js'
import { solveSmallRackShedding } from '../../src/allocate/solveSmallRack.js'
import { switchSideOf } from '../../src/allocate/switchSide.js'
import { rackInputArb, realisticRackArb } from '../../src/testing/rackArbitraries.js'
import { referenceAllocate } from './referenceAllocate.js'

const policy = { supplyRedundancy: 0, busRedundancy: true, derate: 1, preemptRisk: 0.5 }

/** The served sets as lists of load ids, per up set (as bus ids). */
const describeChoices = (rack: RackInput): { up: string[]; served: string[] }[] | null => {
  const ix = indexRack(rack)
  const choices = bestServedSets(ix)
  return (
    choices?.map((c) => ({
      up: ix.busIds.filter((_, b) => (c.mask & (1 << b)) !== 0),
      served: ix.loadIds.filter((_, l) => c.served[l] === 1),
    })) ?? null
  )
}

/** solveSmallRackShedding's configuration in the reference's shape. */
const solvedShape = (rack: RackInput) => {
  const ix = indexRack(rack)
  const solved = solveSmallRackShedding(ix)
  if (solved === null) return null
  const closed: { supply: string; bus: string }[] = []
  solved.assign.forEach((b, s) => {
    if (b >= 0) closed.push({ supply: ix.supplyIds[s] ?? '', bus: ix.busIds[b] ?? '' })
  })
  return { closed, shed: ix.loadIds.filter((_, l) => solved.served[l] === 0) }
}

// Two 600 W supplies (p1 on A or B, p2 on B only) and two 500 W loads of one priority: l1 on A alone,
// l2 on both. Only one of them can be served whatever the switches, so every up set ties on level 1;
// with both buses up, serving l2 survives both bus losses, serving l1 survives none.
const tie: RackInput = {
  supplies: [
    { id: 'p1', capacityW: 600, state: 'ok' },
    { id: 'p2', capacityW: 600, state: 'ok' },
  ],
  buses: [
    { id: 'A', priority: 1 },
    { id: 'B', priority: 1 },
  ],
  loads: [
    { id: 'l1', powerW: 500, priority: 1, buses: ['A'] },
    { id: 'l2', powerW: 500, priority: 1, buses: ['A', 'B'] },
  ],
  switches: [
    { supply: 'p1', bus: 'A', kind: 'fet', closed: true },
    { supply: 'p1', bus: 'B', kind: 'fet', closed: false },
    { supply: 'p2', bus: 'B', kind: 'fet', closed: false },
  ],
  policy,
}

describe('bestServedSets', () => {
  it('keeps every served set tied on level 1, per up set in the tie-break order (served first)', () => {
    expect(describeChoices(tie)).toEqual([
      { up: ['A'], served: ['l1'] },
      { up: ['A'], served: ['l2'] },
      { up: ['B'], served: ['l2'] },
      { up: ['A', 'B'], served: ['l1'] },
      { up: ['A', 'B'], served: ['l2'] },
    ])
  })

  it('lets levels 2-3 choose among the tied served sets (as the brute force does)', () => {
    const reference = referenceAllocate(tie)
    expect(reference.shed).toEqual(['l1'])
    expect(solvedShape(tie)).toEqual({ closed: reference.closed, shed: reference.shed })
  })

  it.each([
    ['B', 'A'],
    ['A', 'B'],
  ])('counts both buses up only when each can get a supply of its own (300 W load on %s)', (full, empty) => {
    // One supply: A and B cannot both be up, so the 0 W load and the 300 W one cannot both be served.
    const rack: RackInput = {
      supplies: [{ id: 'p1', capacityW: 600, state: 'ok' }],
      buses: [
        { id: 'A', priority: 1 },
        { id: 'B', priority: 1 },
      ],
      loads: [
        { id: 'l1', powerW: 300, priority: 1, buses: [full] },
        { id: 'l2', powerW: 0, priority: 1, buses: [empty] },
      ],
      switches: [
        { supply: 'p1', bus: 'A', kind: 'fet', closed: false },
        { supply: 'p1', bus: 'B', kind: 'fet', closed: false },
      ],
      policy,
    }
    expect(describeChoices(rack)).toEqual([{ up: [full], served: ['l1'] }])
    const reference = referenceAllocate(rack)
    expect(solvedShape(rack)).toEqual({ closed: reference.closed, shed: reference.shed })
  })

  it('serves by priority first: one important load before two lesser ones', () => {
    const rack: RackInput = {
      supplies: [{ id: 'p1', capacityW: 1000, state: 'ok' }],
      buses: [{ id: 'A', priority: 1 }],
      loads: [
        { id: 'big', powerW: 900, priority: 2, buses: ['A'] },
        { id: 'small1', powerW: 400, priority: 1, buses: ['A'] },
        { id: 'small2', powerW: 400, priority: 1, buses: ['A'] },
      ],
      switches: [{ supply: 'p1', bus: 'A', kind: 'fet', closed: true }],
      policy,
    }
    expect(describeChoices(rack)).toEqual([{ up: ['A'], served: ['big'] }])
  })

  it('gives way on three buses, on feeds and when no load can be served', () => {
    const three: RackInput = {
      supplies: [{ id: 'p1', capacityW: 100, state: 'ok' }],
      buses: ['A', 'B', 'C'].map((id) => ({ id, priority: 1 })),
      loads: [{ id: 'l1', powerW: 500, priority: 1, buses: ['A'] }],
      switches: [{ supply: 'p1', bus: 'A', kind: 'fet', closed: true }],
      policy,
    }
    expect(bestServedSets(indexRack(three))).toBeNull()
    const oneBus = { ...three, buses: [{ id: 'A', priority: 1 }] }
    // 500 W on a 100 W supply: nothing can be served (an all-open configuration ties on level 1).
    expect(bestServedSets(indexRack(oneBus))).toBeNull()
    const fed: RackInput = {
      ...oneBus,
      supplies: [{ id: 'p1', capacityW: 1000, state: 'ok', feed: 'f1' }],
    }
    expect(bestServedSets(indexRack(fed))).toBeNull()
    expect(describeChoices({ ...fed, supplies: [{ id: 'p1', capacityW: 1000, state: 'ok' }] })).toEqual([
      { up: ['A'], served: ['l1'] },
    ])
  })
})

describe('bestSheddingOf', () => {
  const shedOf = (rack: RackInput, assign: number[]): string[] | undefined => {
    const ix = indexRack(rack)
    const best = bestSheddingOf(ix, Int32Array.from(assign))
    return best === null ? undefined : ix.loadIds.filter((_, l) => best.served[l] === 0)
  }

  it('lets levels 2-3 choose among the served sets tied on level 1', () => {
    // The rack of the ties above with p1 on A and p2 on B: serving l2 survives both bus losses.
    expect(shedOf(tie, [0, 1])).toEqual(['l1'])
  })

  it('takes the first in the tie-break among served sets equal on levels 1-3', () => {
    const rack: RackInput = {
      supplies: [{ id: 'p1', capacityW: 600, state: 'ok' }],
      buses: [{ id: 'A', priority: 1 }],
      loads: [
        { id: 'l1', powerW: 500, priority: 1, buses: ['A'] },
        { id: 'l2', powerW: 500, priority: 1, buses: ['A'] },
      ],
      switches: [{ supply: 'p1', bus: 'A', kind: 'fet', closed: true }],
      policy,
    }
    expect(shedOf(rack, [0])).toEqual(['l2'])
  })

  /** A random assignment of each supply to open or one bus it may go to. */
  const withAssignment = (arb: fc.Arbitrary<RackInput>) =>
    arb.chain((rack) =>
      fc
        .array(fc.nat(3), { minLength: rack.supplies.length, maxLength: rack.supplies.length })
        .map((picks) => {
          const ix = indexRack(rack)
          const assign = repairedCurrent(ix)
          picks.forEach((p, s) => {
            const opts = Array.from(ix.options[s] ?? [])
            if (p < 3) assign[s] = opts[p % Math.max(1, opts.length)] ?? -1
          })
          return { rack, assign }
        }),
    )

  test.prop(
    [
      fc.oneof(
        withAssignment(
          rackInputArb({ maxSupplies: 5, maxBuses: 2, maxLoads: 7, maxFeeds: 0, maxLoadW: 2500 }),
        ),
        withAssignment(
          realisticRackArb({ minSupplies: 4, maxSupplies: 10, maxLoads: 24, maxFeeds: 0, maxLoadW: 1500 }),
        ),
      ),
    ],
    { numRuns: 200 },
  )(
    'equals the general exact shedding (levels 1-3, then the tie-break) for any fixed switches',
    ({ rack, assign }) => {
      const ix = indexRack(rack)
      const mine = bestSheddingOf(ix, assign)
      const inc = createIncumbent(ix)
      chooseSheddingExact(ix, createSheddingWorkspace(ix), switchSideOf(ix, assign), inc, 1e9)
      expect(mine).not.toBeNull()
      expect(Array.from(mine?.served ?? [])).toEqual(Array.from(inc.served))
    },
  )
})
