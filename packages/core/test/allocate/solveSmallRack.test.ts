import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import type { RackInput } from '../../src/model/rack.js'
import { indexRack } from '../../src/allocate/indexRack.js'
import { solveSmallRack, solveSmallRackShedding } from '../../src/allocate/solveSmallRack.js'
import {
  chooseSheddingExact,
  createIncumbent,
  createSheddingWorkspace,
} from '../../src/allocate/chooseShedding.js'
import { createSearchContext, searchExact } from '../../src/allocate/searchExact.js'
import { switchSideOf } from '../../src/allocate/switchSide.js'
import { repairedCurrent } from '../../src/allocate/allocate.js'
import { rackInputArb, realisticRackArb } from '../../src/testing/rackArbitraries.js'
import { referenceAllocate } from './referenceAllocate.js'

/** The solver's assignment as sorted switch refs, the reference's shape. */
const closedOf = (rack: RackInput, assign: Int32Array): { supply: string; bus: string }[] => {
  const ix = indexRack(rack)
  const out: { supply: string; bus: string }[] = []
  assign.forEach((b, s) => {
    if (b >= 0) out.push({ supply: ix.supplyIds[s] ?? '', bus: ix.busIds[b] ?? '' })
  })
  return out
}

/** The general exact path (exact shedding per leaf, branch and bound), independent of solveSmallRack. */
const generalExact = (rack: RackInput) => {
  const ix = indexRack(rack)
  const ws = createSheddingWorkspace(ix)
  const inc = createIncumbent(ix)
  chooseSheddingExact(ix, ws, switchSideOf(ix, repairedCurrent(ix)), inc, 1e9)
  const proven = searchExact(createSearchContext(ix, ws), inc, 1e9)
  return { assign: inc.assign, served: inc.served, proven }
}

describe('solveSmallRack', () => {
  test.prop([rackInputArb({ maxSupplies: 5, maxBuses: 3, maxLoads: 5, maxFeeds: 0 })], { numRuns: 150 })(
    "equals the spec's brute force when every load can be served, and gives way (null) exactly when none can",
    (rack) => {
      const solved = solveSmallRack(indexRack(rack))
      const reference = referenceAllocate(rack)
      if (solved === null) expect(reference.shed.length).toBeGreaterThan(0)
      else {
        expect(reference.shed).toEqual([])
        expect(closedOf(rack, solved)).toEqual(reference.closed)
      }
    },
  )

  test.prop([realisticRackArb({ minSupplies: 6, maxSupplies: 12, maxBuses: 3, maxLoads: 24, maxFeeds: 0 })], {
    numRuns: 40,
  })('equals the general exact search on realistic racks up to 12 supplies', (rack) => {
    const solved = solveSmallRack(indexRack(rack))
    fc.pre(solved !== null)
    const general = generalExact(rack)
    expect(general.proven).toBe(true)
    expect(Array.from(general.served).every((v) => v === 1)).toBe(true)
    expect(Array.from(solved ?? [])).toEqual(Array.from(general.assign))
  })

  test.prop(
    [
      fc.oneof(
        rackInputArb({ maxSupplies: 5, maxBuses: 2, maxLoads: 6, maxFeeds: 0 }),
        rackInputArb({ maxSupplies: 4, maxBuses: 2, maxLoads: 6, maxFeeds: 0, maxLoadW: 2500 }),
      ),
    ],
    { numRuns: 200 },
  )(
    "with shedding (up to two buses, when no configuration serves every load): equals the spec's brute force, giving way only when no load can be served",
    (rack) => {
      const ix = indexRack(rack)
      fc.pre(solveSmallRack(ix) === null)
      const solved = solveSmallRackShedding(ix)
      const reference = referenceAllocate(rack)
      if (solved === null) expect(reference.shed.length).toBe(rack.loads.length)
      else {
        expect(closedOf(rack, solved.assign)).toEqual(reference.closed)
        const shed = ix.loadIds.filter((_, l) => solved.served[l] === 0)
        expect(shed).toEqual(reference.shed)
      }
    },
  )

  test.prop(
    [
      realisticRackArb({
        minSupplies: 4,
        maxSupplies: 10,
        maxBuses: 2,
        maxLoads: 24,
        maxFeeds: 0,
        maxLoadW: 1500,
      }),
    ],
    { numRuns: 40 },
  )('with shedding: equals the general exact search on realistic racks that must shed', (rack) => {
    const ix = indexRack(rack)
    fc.pre(solveSmallRack(ix) === null)
    const solved = solveSmallRackShedding(ix)
    expect(solved).not.toBeNull()
    const general = generalExact(rack)
    expect(general.proven).toBe(true)
    expect(Array.from(solved?.assign ?? [])).toEqual(Array.from(general.assign))
    expect(Array.from(solved?.served ?? [])).toEqual(Array.from(general.served))
  })

  test.prop([rackInputArb({ minSupplies: 1, maxSupplies: 4, minBuses: 4, maxBuses: 5, maxFeeds: 0 })], {
    numRuns: 20,
  })('gives way on more than three buses', (rack) => {
    expect(solveSmallRack(indexRack(rack))).toBeNull()
  })

  test('gives way when a supply names an AC feed (feed-loss scenarios are not modelled here)', () => {
    const rack: RackInput = {
      supplies: [
        { id: 'p1', capacityW: 2000, state: 'ok', feed: 'f1' },
        { id: 'p2', capacityW: 2000, state: 'ok' },
      ],
      buses: [{ id: 'A', priority: 1 }],
      loads: [{ id: 'l1', powerW: 500, priority: 1, buses: ['A'] }],
      switches: [
        { supply: 'p1', bus: 'A', kind: 'fet', closed: true },
        { supply: 'p2', bus: 'A', kind: 'fet', closed: false },
      ],
      policy: { supplyRedundancy: 1, busRedundancy: true, derate: 1, preemptRisk: 0.5 },
    }
    expect(solveSmallRack(indexRack(rack))).toBeNull()
    const feedBlind = { ...rack, supplies: rack.supplies.map(({ feed: _feed, ...s }) => s) }
    // Without the feed: p2 closes so that A meets N+1 (level 2 beats level 4).
    expect(Array.from(solveSmallRack(indexRack(feedBlind)) ?? [])).toEqual([0, 0])
  })

  test('keeps the current state when it is already optimal (no changes)', () => {
    const rack: RackInput = {
      supplies: [
        { id: 'p1', capacityW: 1000, state: 'ok' },
        { id: 'p2', capacityW: 1000, state: 'ok' },
        { id: 'p3', capacityW: 1000, state: 'ok' },
        { id: 'p4', capacityW: 1000, state: 'ok' },
      ],
      buses: [
        { id: 'A', priority: 1 },
        { id: 'B', priority: 1 },
      ],
      loads: [{ id: 'l1', powerW: 800, priority: 1, buses: ['A', 'B'] }],
      switches: ['p1', 'p2', 'p3', 'p4'].flatMap((supply, i) => [
        { supply, bus: 'A', kind: 'fet' as const, closed: i % 2 === 1 },
        { supply, bus: 'B', kind: 'fet' as const, closed: i % 2 === 0 },
      ]),
      policy: { supplyRedundancy: 1, busRedundancy: true, derate: 1, preemptRisk: 0.5 },
    }
    // Each bus has two 1000 W supplies: N+1 (1000 >= 400) and survives the other's loss (2000 >= 800).
    expect(Array.from(solveSmallRack(indexRack(rack)) ?? [])).toEqual([1, 0, 1, 0])
  })
})
