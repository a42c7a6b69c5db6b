import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  createSheddingWorkspace,
  everythingFits,
  type SheddingWorkspace,
} from '../../src/allocate/chooseShedding.js'
import { indexRack, type RackIndex } from '../../src/allocate/indexRack.js'
import { switchSideOf } from '../../src/allocate/switchSide.js'
import { decodeRackInput } from '../../src/decode/decodeRackInput.js'
import { rackInputArb } from '../../src/testing/rackArbitraries.js'

/** A bus index per supply (or -1), drawn from `picks` among each supply's options. */
const assignFrom = (ix: RackIndex, picks: readonly number[]): Int32Array =>
  Int32Array.from({ length: ix.supplyCount }, (_, s) => {
    const opts = ix.options[s] ?? new Int32Array(0)
    const p = (picks[s % picks.length] ?? 0) % (opts.length + 1)
    return p === 0 ? -1 : (opts[p - 1] ?? -1)
  })

/** The everything-served cache as plain arrays (partner lists only up to their end). */
const cacheOf = (ws: SheddingWorkspace, B: number): unknown => {
  const partners = ws.cachePartnerStart[B] ?? 0
  return {
    up: Array.from(ws.cacheUp),
    loadU: Array.from(ws.cacheLoadU),
    moved: Array.from(ws.cacheMoved),
    loses: Array.from(ws.cacheLoses),
    carries: Array.from(ws.cacheCarries),
    carryCount: Array.from(ws.cacheCarryCount),
    loseCount: Array.from(ws.cacheLoseCount),
    vec: Array.from(ws.cacheVec),
    served: Array.from(ws.cacheServed),
    partnerStart: Array.from(ws.cachePartnerStart),
    partnerBus: Array.from(ws.cachePartnerBus.subarray(0, partners)),
    partnerNeedU: Array.from(ws.cachePartnerNeedU.subarray(0, partners)),
  }
}

describe('everything-served cache', () => {
  it('rebuilt for one up set after another equals the one built afresh, and charges a full build', () => {
    let rebuilds = 0
    fc.assert(
      fc.property(
        rackInputArb({ maxSupplies: 10, maxBuses: 6, maxLoads: 16, dualCordedShare: 0.6 }),
        fc.array(fc.array(fc.nat({ max: 4 }), { minLength: 1, maxLength: 10 }), {
          minLength: 2,
          maxLength: 6,
        }),
        (rack, sides) => {
          const decoded = decodeRackInput(rack)
          if (decoded._tag === 'Left') return
          const ix = indexRack(decoded.right)
          const ws = createSheddingWorkspace(ix)
          for (const picks of sides) {
            const side = switchSideOf(ix, assignFrom(ix, picks))
            const builds = ws.cacheBuilds
            const work = ws.work
            const fits = everythingFits(ix, ws, side)
            const fresh = createSheddingWorkspace(ix)
            expect(fits).toBe(everythingFits(ix, fresh, side))
            expect(cacheOf(ws, ix.busCount)).toEqual(cacheOf(fresh, ix.busCount))
            if (ws.cacheBuilds !== builds) {
              rebuilds++
              // Charged as the fresh build, whatever part of it was redone.
              expect(ws.work - work).toBe(fresh.work)
            }
          }
        },
      ),
      { numRuns: 400 },
    )
    expect(rebuilds).toBeGreaterThan(400)
  })
})
