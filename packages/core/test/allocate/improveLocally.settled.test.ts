import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { repairedCurrent } from '../../src/allocate/allocate.js'
import {
  chooseSheddingGreedy,
  createIncumbent,
  createSheddingWorkspace,
  type Incumbent,
} from '../../src/allocate/chooseShedding.js'
import { improveLocally } from '../../src/allocate/improveLocally.js'
import { indexRack, type RackIndex } from '../../src/allocate/indexRack.js'
import { switchSideOf } from '../../src/allocate/switchSide.js'
import { decodeRackInput } from '../../src/decode/decodeRackInput.js'
import { rackInputArb } from '../../src/testing/rackArbitraries.js'

const startingIncumbent = (
  ix: RackIndex,
): { ws: ReturnType<typeof createSheddingWorkspace>; inc: Incumbent } => {
  const ws = createSheddingWorkspace(ix)
  const inc = createIncumbent(ix)
  chooseSheddingGreedy(ix, ws, switchSideOf(ix, repairedCurrent(ix)), inc)
  return { ws, inc }
}

const rackArb = rackInputArb({ maxSupplies: 7, maxBuses: 4, maxLoads: 10, varyPolicy: true, maxFeeds: 2 })

describe('improveLocally settled', () => {
  it('says settled only on a point no single move improves with greedy shedding', () => {
    fc.assert(
      fc.property(rackArb, (rack) => {
        const decoded = decodeRackInput(rack)
        if (decoded._tag === 'Left') return
        const ix = indexRack(decoded.right)
        const { ws, inc } = startingIncumbent(ix)
        expect(improveLocally(ix, ws, inc, ws.work + 1e9)).toBe(true)
        for (let s = 0; s < ix.supplyCount; s++) {
          for (const b of [-1, ...(ix.options[s] ?? [])]) {
            if (b === inc.assign[s]) continue
            const assign = Int32Array.from(inc.assign)
            assign[s] = b
            expect(chooseSheddingGreedy(ix, ws, switchSideOf(ix, assign), inc)).toBe(false)
          }
        }
      }),
      { numRuns: 200 },
    )
  })

  it('says not settled when the budget cut the climb', () => {
    fc.assert(
      fc.property(rackArb, (rack) => {
        const decoded = decodeRackInput(rack)
        if (decoded._tag === 'Left') return
        const ix = indexRack(decoded.right)
        if (ix.supplyCount === 0 || ix.busCount === 0) return
        const { ws, inc } = startingIncumbent(ix)
        expect(improveLocally(ix, ws, inc, ws.work)).toBe(false)
      }),
      { numRuns: 100 },
    )
  })
})
