import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  chooseSheddingGreedy,
  createIncumbent,
  createSheddingWorkspace,
  type Incumbent,
} from '../../src/allocate/chooseShedding.js'
import { closeIdleSupplies } from '../../src/allocate/closeIdleSupplies.js'
import type { RackIndex } from '../../src/allocate/indexRack.js'
import { switchSideOf } from '../../src/allocate/switchSide.js'
import { scaledBenchRack } from './scaledBenchRack.js'

/** A bus index per supply (or -1), drawn from `picks` among each supply's options; most supplies open. */
const assignFrom = (ix: RackIndex, picks: readonly number[]): Int32Array =>
  Int32Array.from({ length: ix.supplyCount }, (_, s) => {
    const opts = ix.options[s] ?? new Int32Array(0)
    const p = (picks[s % picks.length] ?? 0) % (opts.length + 2)
    return p === 0 || p > opts.length ? -1 : (opts[p - 1] ?? -1)
  })

const copy = (inc: Incumbent): Incumbent => ({
  vector: inc.vector === null ? null : Float64Array.from(inc.vector),
  assign: Int32Array.from(inc.assign),
  served: Uint8Array.from(inc.served),
})

describe('closeIdleSupplies on bus components', () => {
  it('closes the same supplies, with the same shedding, as evaluating each close from scratch', () => {
    let closed = 0
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.constantFrom(0.6, 1, 1.5, 2.5),
        fc.array(fc.nat({ max: 5 }), { minLength: 1, maxLength: 16 }),
        (seed, scale, picks) => {
          const ix = scaledBenchRack({ supplies: 20, buses: 4, loads: 40 }, seed, scale)
          if (ix === undefined) return
          const start = createIncumbent(ix)
          chooseSheddingGreedy(
            ix,
            createSheddingWorkspace(ix),
            switchSideOf(ix, assignFrom(ix, picks)),
            start,
          )
          const scratch = copy(start)
          const touched = copy(start)
          const a = closeIdleSupplies(ix, createSheddingWorkspace(ix), scratch, false)
          const b = closeIdleSupplies(ix, createSheddingWorkspace(ix), touched)
          expect(b).toBe(a)
          expect(Array.from(touched.vector ?? [])).toEqual(Array.from(scratch.vector ?? []))
          expect(Array.from(touched.assign)).toEqual(Array.from(scratch.assign))
          expect(Array.from(touched.served)).toEqual(Array.from(scratch.served))
          if (a) closed++
        },
      ),
      { numRuns: 200 },
    )
    // Most starting points have idle supplies worth closing.
    expect(closed).toBeGreaterThan(50)
  })
})
