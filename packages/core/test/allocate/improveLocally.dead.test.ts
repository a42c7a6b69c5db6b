import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { repairedCurrent } from '../../src/allocate/allocate.js'
import {
  chooseSheddingGreedy,
  createIncumbent,
  createSheddingWorkspace,
} from '../../src/allocate/chooseShedding.js'
import { improveLocally } from '../../src/allocate/improveLocally.js'
import { indexRack } from '../../src/allocate/indexRack.js'
import { switchSideOf } from '../../src/allocate/switchSide.js'
import { decodeRackInput } from '../../src/decode/decodeRackInput.js'
import { rackInputArb } from '../../src/testing/rackArbitraries.js'

/** Climb twice, skipping dead neighbours or not: incumbent, settled flag and work after each call. */
const climbs = (
  input: Parameters<typeof indexRack>[0],
  skipDead: boolean,
  limits: readonly number[],
): string[] => {
  const ix = indexRack(input)
  const ws = createSheddingWorkspace(ix)
  const inc = createIncumbent(ix)
  chooseSheddingGreedy(ix, ws, switchSideOf(ix, repairedCurrent(ix)), inc)
  return limits.map((limit) => {
    const settled = improveLocally(ix, ws, inc, ws.work + limit, true, skipDead)
    return [settled, ws.work, ...(inc.vector ?? []), ...inc.assign, ...inc.served].join(',')
  })
}

describe('improveLocally dead neighbours', () => {
  it('skipping them changes neither the result nor the work counted', () => {
    fc.assert(
      fc.property(
        rackInputArb({
          minSupplies: 6,
          maxSupplies: 24,
          minBuses: 2,
          maxBuses: 6,
          minLoads: 4,
          maxLoads: 30,
          maxFeeds: 0,
          dualCordedShare: 0.8,
          healthyWeight: 20,
          maxLoadW: 400,
        }),
        fc.constantFrom(2_000, 20_000, 200_000),
        (rack, limit) => {
          const decoded = decodeRackInput(rack)
          if (decoded._tag === 'Left') return
          const limits = [limit, limit / 2]
          expect(climbs(decoded.right, true, limits)).toEqual(climbs(decoded.right, false, limits))
        },
      ),
      { numRuns: 150 },
    )
  })
})
