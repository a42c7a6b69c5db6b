import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createSheddingWorkspace } from '../../src/allocate/chooseShedding.js'
import { indexRack, type RackIndex } from '../../src/allocate/indexRack.js'
import { decodeRackInput } from '../../src/decode/decodeRackInput.js'
import { rackInputArb } from '../../src/testing/rackArbitraries.js'

/** Load indexes sorted by the given keys, then by index. */
const sortedBy = (ix: RackIndex, key: (l: number) => readonly number[]): number[] =>
  Array.from({ length: ix.loadCount }, (_, l) => l).sort((a, b) => {
    const x = key(a)
    const y = key(b)
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0)
    return a - b
  })

describe('shedding workspace load orders', () => {
  it('orders loads by (rank, id) and (rank, watts, id), and links identical loads', () => {
    let twins = 0
    fc.assert(
      fc.property(
        rackInputArb({ maxSupplies: 3, maxBuses: 4, maxLoads: 40, dualCordedShare: 0.5 }),
        fc.array(fc.constantFrom(100, 250, 250.5, 400), { minLength: 1, maxLength: 40 }),
        // Gigawatt loads too: beyond exact numeric sort keys (the merge sort's side).
        fc.constantFrom(1, 1e7),
        (rack, watts, scale) => {
          // Few distinct watts, so ties in watts (and identical loads) are common.
          const tied = {
            ...rack,
            loads: rack.loads.map((l, i) => ({ ...l, powerW: scale * (watts[i % watts.length] ?? 0) })),
          }
          const decoded = decodeRackInput(tied)
          if (decoded._tag === 'Left') return
          const ix = indexRack(decoded.right)
          const ws = createSheddingWorkspace(ix)
          const rank = (l: number): number => ix.loadPriorityRank[l] ?? 0
          const q = (l: number): number => ix.loadQ[l] ?? 0
          expect(Array.from(ws.order)).toEqual(sortedBy(ix, (l) => [rank(l)]))
          expect(Array.from(ws.orderBySize)).toEqual(sortedBy(ix, (l) => [rank(l), q(l)]))
          const byKey = sortedBy(ix, (l) => [rank(l), q(l), ix.loadBusA[l] ?? 0, ix.loadBusB[l] ?? 0])
          const twin = Array.from({ length: ix.loadCount }, () => -1)
          for (let j = 1; j < byKey.length; j++) {
            const l = byKey[j] ?? 0
            const p = byKey[j - 1] ?? 0
            if (
              rank(l) === rank(p) &&
              q(l) === q(p) &&
              ix.loadBusA[l] === ix.loadBusA[p] &&
              ix.loadBusB[l] === ix.loadBusB[p]
            )
              twin[l] = p
          }
          expect(Array.from(ws.twin)).toEqual(twin)
          twins += twin.filter((t) => t >= 0).length
        },
      ),
      { numRuns: 300 },
    )
    expect(twins).toBeGreaterThan(100)
  })
})
