/** The bench's rack generator: deterministic, and every rack is valid input by the spec's decoder. */
import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { randomRack } from '../../bench/randomRack.js'
import { decodeRackInput } from '../../src/decode/decodeRackInput.js'

const shapeArb = fc.record({
  supplies: fc.integer({ min: 1, max: 192 }),
  buses: fc.integer({ min: 1, max: 16 }),
  loads: fc.integer({ min: 0, max: 400 }),
})

describe('randomRack', () => {
  test.prop([shapeArb, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns: 100 })(
    'decodes to itself (valid JSON input, nothing left to defaults) and has the asked shape',
    (shape, seed) => {
      const rack = randomRack(shape, seed)
      const decoded = decodeRackInput(JSON.parse(JSON.stringify(rack)))
      expect(E.isRight(decoded) ? decoded.right : decoded.left).toEqual(rack)
      expect([rack.supplies.length, rack.buses.length, rack.loads.length]).toEqual([
        shape.supplies,
        shape.buses,
        shape.loads,
      ])
    },
  )

  it('is deterministic: same seed, same rack; another seed, another rack', () => {
    const shape = { supplies: 12, buses: 2, loads: 24 }
    expect(randomRack(shape, 42)).toEqual(randomRack(shape, 42))
    expect(randomRack(shape, 43)).not.toEqual(randomRack(shape, 42))
  })

  it('has the realistic mix the bench promises over many racks', () => {
    const racks = Array.from({ length: 50 }, (_, i) => randomRack({ supplies: 24, buses: 4, loads: 48 }, i))
    const supplies = racks.flatMap((r) => r.supplies)
    const loads = racks.flatMap((r) => r.loads)
    expect(new Set(supplies.map((s) => s.state))).toEqual(new Set(['ok', 'warning', 'failed', 'absent']))
    expect(supplies.some((s) => (s.failureRisk ?? 0) >= 0.5)).toBe(true)
    expect(Math.min(...supplies.map((s) => s.capacityW))).toBe(800)
    expect(Math.max(...supplies.map((s) => s.capacityW))).toBe(3000)
    const dual = loads.filter((l) => l.buses.length === 2).length
    expect(dual / loads.length).toBeGreaterThan(0.8)
    expect(dual).toBeLessThan(loads.length)
    expect(racks.some((r) => r.switches.some((sw) => sw.closed))).toBe(true)
    expect(racks.some((r) => r.buses.some((b) => b.maxW !== undefined))).toBe(true)
  })
})
