import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSheddingWorkspace } from '../../src/allocate/chooseShedding.js'
import { indexRack, type RackIndex } from '../../src/allocate/indexRack.js'
import { createSearchContext } from '../../src/allocate/searchExact.js'
import { decodeRackInput } from '../../src/decode/decodeRackInput.js'
import { rackInputArb } from '../../src/testing/rackArbitraries.js'

/** The previous supply with the same capacity, risk, feed, options and current switches, by brute force. */
const referenceTwins = (ix: RackIndex): number[] =>
  Array.from({ length: ix.supplyCount }, (_, s) => {
    const key = (t: number): string =>
      JSON.stringify([
        ix.capacityU[t],
        ix.atRisk[t],
        ix.supplyFeed[t],
        Array.from(ix.options[t] ?? []),
        Array.from(ix.currentClosed.subarray(t * ix.busCount, (t + 1) * ix.busCount)),
      ])
    if ((ix.options[s]?.length ?? 0) === 0) return -1
    for (let t = s - 1; t >= 0; t--) if ((ix.options[t]?.length ?? 0) > 0 && key(t) === key(s)) return t
    return -1
  })

/** Per bus, the supplies that can be closed onto it, largest capacity first, then id. */
const referenceReachByCap = (ix: RackIndex): number[][] =>
  Array.from({ length: ix.busCount }, (_, b) =>
    Array.from({ length: ix.supplyCount }, (_, s) => s)
      .filter((s) => (ix.options[s] ?? new Int32Array(0)).includes(b))
      .sort((x, y) => (ix.capacityU[y] ?? 0) - (ix.capacityU[x] ?? 0) || x - y),
  )

describe('searchExact tables', () => {
  it('lists the supplies reaching each bus by capacity, largest first, then id', () => {
    fc.assert(
      fc.property(
        rackInputArb({ maxSupplies: 16, maxBuses: 4, maxLoads: 2, capacitiesW: [800, 1600, 2400] }),
        // Gigawatt supplies too: beyond exact numeric sort keys (the comparator sort's side).
        fc.constantFrom(1, 1e7),
        (rack, scale) => {
          const scaled = {
            ...rack,
            supplies: rack.supplies.map((s) => ({ ...s, capacityW: scale * s.capacityW })),
          }
          const decoded = decodeRackInput(scaled)
          if (decoded._tag === 'Left') return
          const ix = indexRack(decoded.right)
          const lists = createSearchContext(ix, createSheddingWorkspace(ix)).reachByCap.map((l) =>
            Array.from(l),
          )
          expect(lists).toEqual(referenceReachByCap(ix))
        },
      ),
      { numRuns: 300 },
    )
  })

  it('links each supply to the previous identical one', () => {
    let linked = 0
    fc.assert(
      fc.property(rackInputArb({ maxSupplies: 16, maxBuses: 3, maxLoads: 4, capacitiesW: [800] }), (rack) => {
        const decoded = decodeRackInput(rack)
        if (decoded._tag === 'Left') return
        const ix = indexRack(decoded.right)
        const twins = Array.from(createSearchContext(ix, createSheddingWorkspace(ix)).supplyTwin)
        expect(twins).toEqual(referenceTwins(ix))
        linked += twins.filter((t) => t >= 0).length
      }),
      { numRuns: 300 },
    )
    // Identical supplies were common enough for the links to be checked, not only their absence.
    expect(linked).toBeGreaterThan(100)
  })
})
