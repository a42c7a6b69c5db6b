import { describe, expect } from 'vitest'
import { test, fc } from '@fast-check/vitest'
import { createRng } from '../../src/engine/createRng.js'

describe('createRng', () => {
  test.prop([fc.integer({ min: 0, max: 2 ** 32 - 1 })], { numRuns: 100 })(
    'same seed, same sequence',
    (seed) => {
      const a = createRng(seed)
      const b = createRng(seed)
      for (let i = 0; i < 20; i++) expect(a.nextU32()).toBe(b.nextU32())
    },
  )

  test.prop([fc.integer({ min: 0, max: 2 ** 32 - 1 })], { numRuns: 100 })(
    'next() is in [0, 1) and int(n) in [0, n)',
    (seed) => {
      const r = createRng(seed)
      for (let i = 0; i < 50; i++) {
        const x = r.next()
        expect(x).toBeGreaterThanOrEqual(0)
        expect(x).toBeLessThan(1)
        const k = r.int(7)
        expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true)
      }
    },
  )

  test('different seeds and different fork labels give different streams', () => {
    expect(createRng(1).nextU32()).not.toBe(createRng(2).nextU32())
    const base = createRng(42)
    expect(base.fork('faults').nextU32()).not.toBe(base.fork('load').nextU32())
    // Forks depend on the seed and label only, not on how far the parent has run.
    const fresh = createRng(42).fork('faults').nextU32()
    const used = createRng(42)
    used.nextU32()
    expect(used.fork('faults').nextU32()).toBe(fresh)
  })

  test('distributions have the right means (fixed seed, 20k draws)', () => {
    const r = createRng(7)
    const n = 20_000
    let u = 0
    let ex = 0
    let no = 0
    for (let i = 0; i < n; i++) {
      u += r.next()
      ex += r.exponential(5)
      no += r.normal(3, 2)
    }
    expect(u / n).toBeCloseTo(0.5, 1)
    expect(ex / n).toBeGreaterThan(4.8)
    expect(ex / n).toBeLessThan(5.2)
    expect(no / n).toBeGreaterThan(2.95)
    expect(no / n).toBeLessThan(3.05)
  })
})
