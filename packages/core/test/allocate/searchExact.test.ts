import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import type { RackInput } from '../../src/model/rack.js'
import { indexRack, type RackIndex } from '../../src/allocate/indexRack.js'
import { evaluateConfiguration } from '../../src/allocate/evaluateConfiguration.js'
import { compareServiceVectors, compareTieBreak } from '../../src/allocate/compareServiceVectors.js'
import {
  chooseSheddingExact,
  createIncumbent,
  createSheddingWorkspace,
} from '../../src/allocate/chooseShedding.js'
import { createSearchContext, searchExact } from '../../src/allocate/searchExact.js'
import { switchSideOf } from '../../src/allocate/switchSide.js'
import { repairedCurrent } from '../../src/allocate/allocate.js'

/**
 * Tiny racks with many ties: few distinct watts, random wiring, random (possibly bad) current state,
 * supplies on two AC feeds or none.
 */
const tinyRack = (maxSupplies: number, maxBuses: number, maxLoads: number): fc.Arbitrary<RackInput> =>
  fc
    .record({
      nS: fc.integer({ min: 1, max: maxSupplies }),
      nB: fc.integer({ min: 1, max: maxBuses }),
      nL: fc.integer({ min: 0, max: maxLoads }),
      seed: fc.array(fc.nat(1000), { minLength: 200, maxLength: 200 }),
      k: fc.integer({ min: 0, max: 2 }),
      busRedundancy: fc.boolean(),
    })
    .map(({ nS, nB, nL, seed, k, busRedundancy }) => {
      let i = 0
      const next = (m: number) => (seed[i++ % seed.length] ?? 0) % m
      const states = ['ok', 'ok', 'ok', 'warning', 'failed', 'absent'] as const
      const supplies = Array.from({ length: nS }, (_, s) => ({
        id: `p${(s * 7) % 10}${s}`,
        capacityW: [500, 1000, 1000, 1500][next(4)] ?? 1000,
        state: states[next(states.length)] ?? 'ok',
        ...(next(3) === 0 ? { failureRisk: next(10) / 10 } : {}),
        // Two AC feeds, some supplies on none.
        ...(next(4) === 0 ? {} : { feed: `f${next(2)}` }),
      }))
      const buses = Array.from({ length: nB }, (_, b) => ({
        id: `b${(b * 3) % 5}${b}`,
        priority: next(2),
        ...(next(4) === 0 ? { maxW: 1000 + 500 * next(3) } : {}),
      }))
      const loads = Array.from({ length: nL }, (_, l) => {
        const a = next(nB)
        const c = next(nB)
        return {
          id: `l${(l * 5) % 7}${l}`,
          powerW: [0, 250, 500, 500, 750, 1000][next(6)] ?? 500,
          priority: next(3),
          buses: a === c || next(2) === 0 ? [buses[a]?.id ?? ''] : [buses[a]?.id ?? '', buses[c]?.id ?? ''],
        }
      })
      const kinds = ['fet', 'relay', 'breaker'] as const
      const switches = supplies.flatMap((s) =>
        buses
          .filter(() => next(4) !== 0)
          .map((b) => ({ supply: s.id, bus: b.id, kind: kinds[next(3)] ?? 'fet', closed: next(3) === 0 })),
      )
      return {
        supplies,
        buses,
        loads,
        switches,
        policy: { supplyRedundancy: k, busRedundancy, derate: 1, preemptRisk: 0.5 },
      }
    })

/** Plain enumeration of every supply assignment and every shed set. */
const bruteForce = (ix: RackIndex): { vector: Float64Array; assign: Int32Array; served: Uint8Array } => {
  const S = ix.supplyCount
  const L = ix.loadCount
  const assign = new Int32Array(S).fill(-1)
  let best: { vector: Float64Array; assign: Int32Array; served: Uint8Array } | null = null
  const visit = (s: number): void => {
    if (s === S) {
      for (let mask = 0; mask < 1 << L; mask++) {
        const requested = Uint8Array.from({ length: L }, (_, l) => ((mask >> l) & 1) as 0 | 1)
        const e = evaluateConfiguration(ix, assign, requested)
        if (!e.admissible) continue
        // Only canonical shed sets: requested exactly the effective served set.
        if (e.served.some((v, l) => v !== requested[l])) continue
        const cmp =
          best === null
            ? 1
            : compareServiceVectors(e.vector, best.vector) ||
              compareTieBreak(assign, e.served, best.assign, best.served)
        if (cmp > 0)
          best = {
            vector: Float64Array.from(e.vector),
            assign: Int32Array.from(assign),
            served: Uint8Array.from(e.served),
          }
      }
      return
    }
    const opts = ix.options[s] ?? new Int32Array(0)
    for (const b of [-1, ...opts]) {
      assign[s] = b
      visit(s + 1)
    }
    assign[s] = -1
  }
  visit(0)
  if (best === null) throw new Error('no admissible configuration (impossible: all open, all shed)')
  return best
}

const runExact = (ix: RackIndex) => {
  const ws = createSheddingWorkspace(ix)
  const inc = createIncumbent(ix)
  chooseSheddingExact(ix, ws, switchSideOf(ix, repairedCurrent(ix)), inc, 1e9)
  const proven = searchExact(createSearchContext(ix, ws), inc, 1e9)
  return { inc, proven, work: ws.work }
}

describe('searchExact', () => {
  test.prop([tinyRack(4, 3, 5)], { numRuns: 300 })('finds the same optimum as plain enumeration', (rack) => {
    const ix = indexRack(rack)
    const brute = bruteForce(ix)
    const { inc, proven } = runExact(ix)
    expect(proven).toBe(true)
    expect(Array.from(inc.vector ?? [])).toEqual(Array.from(brute.vector))
    expect(Array.from(inc.assign)).toEqual(Array.from(brute.assign))
    expect(Array.from(inc.served)).toEqual(Array.from(brute.served))
  })

  test.prop([tinyRack(6, 2, 4)], { numRuns: 100 })(
    'finds the same optimum with identical supplies (symmetry)',
    (rack) => {
      const same = { ...rack, supplies: rack.supplies.map((s) => ({ ...s, capacityW: 1000 })) }
      const ix = indexRack(same)
      const brute = bruteForce(ix)
      const { inc } = runExact(ix)
      expect(Array.from(inc.assign)).toEqual(Array.from(brute.assign))
      expect(Array.from(inc.served)).toEqual(Array.from(brute.served))
    },
  )
})
