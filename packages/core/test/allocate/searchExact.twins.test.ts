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

describe('searchExact supply twins', () => {
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
