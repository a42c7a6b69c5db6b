import { fc, test } from '@fast-check/vitest'
import { describe, expect, it } from 'vitest'
import type { RackInput, SwitchRef } from '@busbar/core'
import { defaultPolicy } from '@busbar/core'
import { compareServiceVectors, isUnavailable, judgeConfiguration, smallRackArb } from '@busbar/core/testing'
import { compareTieBreak, referenceAllocate } from './referenceAllocate.js'

/** The reference without its one shortcut (maximal served sets only): every shed set is scored. */
const naiveOptimum = (input: RackInput) => {
  const supplies = [...input.supplies].sort((a, b) => (a.id < b.id ? -1 : 1))
  const options = supplies.map((s) =>
    isUnavailable(s)
      ? [undefined]
      : [undefined, ...input.switches.filter((w) => w.supply === s.id).map((w) => w.bus)],
  )
  let best:
    | { closed: SwitchRef[]; shed: string[]; vector: ReturnType<typeof judgeConfiguration>['vector'] }
    | undefined
  const total = options.reduce((n, o) => n * o.length, 1)
  for (let code = 0; code < total; code++) {
    let rest = code
    const closed: SwitchRef[] = []
    supplies.forEach((s, i) => {
      const o = options[i]!
      const bus = o[rest % o.length]
      rest = Math.floor(rest / o.length)
      if (bus !== undefined) closed.push({ supply: s.id, bus })
    })
    closed.sort((a, b) => (a.supply < b.supply ? -1 : a.supply > b.supply ? 1 : a.bus < b.bus ? -1 : 1))
    for (let mask = 0; mask < 2 ** input.loads.length; mask++) {
      const shed = input.loads
        .filter((_, j) => (mask >> j) % 2 === 1)
        .map((l) => l.id)
        .sort()
      const judged = judgeConfiguration(input, { closed, shed })
      if (!judged.admissible) continue
      const candidate = { closed, shed, vector: judged.vector }
      const order = best === undefined ? 1 : compareServiceVectors(candidate.vector, best.vector)
      if (best === undefined || order > 0 || (order === 0 && compareTieBreak(input, candidate, best) < 0))
        best = candidate
    }
  }
  return best!
}

describe('referenceAllocate', () => {
  test.prop([smallRackArb({ maxSupplies: 3, maxLoads: 4 })], { numRuns: 150 })(
    'equals scoring every shed set (its one shortcut is sound)',
    (input) => {
      const naive = naiveOptimum(input)
      const reference = referenceAllocate(input)
      expect({ closed: reference.closed, shed: reference.shed, vector: reference.vector }).toEqual(naive)
    },
  )

  it('breaks ties by supply id (open first, then buses by id), then by load id (served first)', () => {
    const input: RackInput = {
      supplies: [
        { id: 'p2', capacityW: 1000, state: 'ok' },
        { id: 'p10', capacityW: 1000, state: 'ok' },
      ],
      buses: [
        { id: 'B', priority: 0 },
        { id: 'A', priority: 0 },
      ],
      loads: [
        { id: 'x', powerW: 0, priority: 0, buses: ['A'] },
        { id: 'y', powerW: 0, priority: 0, buses: ['A'] },
      ],
      switches: [],
      policy: defaultPolicy,
    }
    const cfg = (closed: SwitchRef[], shed: string[] = []) => ({ closed, shed })
    // 'p10' < 'p2' in UTF-16 order, so p10's assignment is compared first.
    expect(
      compareTieBreak(input, cfg([{ supply: 'p2', bus: 'A' }]), cfg([{ supply: 'p10', bus: 'A' }])),
    ).toBeLessThan(0)
    expect(
      compareTieBreak(input, cfg([{ supply: 'p10', bus: 'A' }]), cfg([{ supply: 'p10', bus: 'B' }])),
    ).toBeLessThan(0)
    expect(compareTieBreak(input, cfg([], ['y']), cfg([], ['x']))).toBeLessThan(0)
    expect(compareTieBreak(input, cfg([], ['x']), cfg([], ['x']))).toBe(0)
  })
})
