import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { indexRack } from '../../src/allocate/indexRack.js'
import { moveSupply, redundantOf, switchSideOf } from '../../src/allocate/switchSide.js'
import { decodeRackInput } from '../../src/decode/decodeRackInput.js'
import { rackInputArb } from '../../src/testing/rackArbitraries.js'

describe('moveSupply', () => {
  it('keeps the side equal to one built from scratch, move after move', () => {
    fc.assert(
      fc.property(
        rackInputArb({
          minSupplies: 8,
          maxSupplies: 12,
          maxBuses: 2,
          fullyWired: true,
          healthyWeight: 20,
          maxLoads: 2,
          varyPolicy: true,
          // Few distinct ratings, so that the largest supplies of a bus tie.
          capacitiesW: [800, 1600],
        }),
        fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat({ max: 50 }), fc.nat({ max: 5 })), { minLength: 20, maxLength: 60 }),
        (rack, start, moves) => {
          const decoded = decodeRackInput(rack)
          if (decoded._tag === 'Left') return
          const ix = indexRack(decoded.right)
          if (ix.supplyCount === 0) return
          // Every supply wherever its switches allow (failed ones too: moveSupply does not judge).
          const onto = (s: number, p: number): number => {
            const buses = [-1]
            for (let b = 0; b < ix.busCount; b++)
              if ((ix.switchKind[s * ix.busCount + b] ?? -1) >= 0) buses.push(b)
            return buses[p % buses.length] ?? -1
          }
          const side = switchSideOf(
            ix,
            Int32Array.from({ length: ix.supplyCount }, (_, s) =>
              onto(s, 1 + (start[s % start.length] ?? 0)),
            ),
          )
          for (const [s, p] of moves) {
            moveSupply(ix, side, s % ix.supplyCount, onto(s % ix.supplyCount, p))
            const fresh = switchSideOf(ix, Int32Array.from(side.assign))
            expect(Array.from(side.up)).toEqual(Array.from(fresh.up))
            expect(Array.from(side.limitU)).toEqual(Array.from(fresh.limitU))
            expect(Array.from(side.redundantU)).toEqual(Array.from(fresh.redundantU))
            expect(Array.from(side.redundantU)).toEqual(
              Array.from(redundantOf(ix, side.assign, new Float64Array(ix.busCount), side.up)),
            )
            expect(side.changes).toBe(fresh.changes)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
