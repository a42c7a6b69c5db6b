import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import type { RackInput, Supply } from '../../src/model/rack.js'
import {
  currentClosed,
  deliveredW,
  disturbanceOf,
  isAtRisk,
  isUnavailable,
  usableW,
} from '../../src/model/specTerms.js'
import { rackInputArb } from '../../src/testing/rackArbitraries.js'

const rack: RackInput = {
  supplies: [
    { id: 'p1', capacityW: 2000, state: 'ok' },
    { id: 'p2', capacityW: 1000, state: 'failed' },
    { id: 'p3', capacityW: 1600, state: 'ok', failureRisk: 0.5 },
  ],
  buses: [
    { id: 'A', priority: 1 },
    { id: 'B', priority: 1 },
  ],
  loads: [{ id: 'srv', powerW: 500, priority: 1, buses: ['A', 'B'] }],
  switches: [
    { supply: 'p1', bus: 'A', kind: 'fet', closed: true },
    { supply: 'p1', bus: 'B', kind: 'fet', closed: false },
    { supply: 'p2', bus: 'B', kind: 'relay', closed: true },
    { supply: 'p3', bus: 'B', kind: 'fet', closed: false },
  ],
  policy: { supplyRedundancy: 1, busRedundancy: true, derate: 0.75, preemptRisk: 0.5 },
}
const supply = (id: string): Supply => rack.supplies.find((s) => s.id === id) as Supply

describe('specTerms', () => {
  test('u(s) is the rating derated; a failed or absent supply delivers nothing though its u(s) stands', () => {
    expect(usableW(rack, supply('p1'))).toBe(1500)
    expect(usableW(rack, supply('p2'))).toBe(750)
    expect(deliveredW(rack, supply('p2'))).toBe(0)
    expect(deliveredW(rack, supply('p1'))).toBe(1500)
    expect(isUnavailable(supply('p2'))).toBe(true)
    expect(isUnavailable({ id: 'x', capacityW: 1, state: 'absent' })).toBe(true)
    expect(isUnavailable({ id: 'x', capacityW: 1, state: 'warning' })).toBe(false)
  })

  test('at risk: warning, or failureRisk at or above preemptRisk (inclusive)', () => {
    expect(isAtRisk(rack, supply('p3'))).toBe(true)
    expect(isAtRisk(rack, { ...supply('p3'), failureRisk: 0.49 })).toBe(false)
    expect(isAtRisk(rack, { ...supply('p1'), state: 'warning' })).toBe(true)
    expect(isAtRisk(rack, supply('p1'))).toBe(false)
  })

  test('disturbance counts switches that differ: a move is two, opening one is one', () => {
    expect(disturbanceOf(rack, currentClosed(rack))).toBe(0)
    expect(
      disturbanceOf(rack, [
        { supply: 'p1', bus: 'B' },
        { supply: 'p2', bus: 'B' },
      ]),
    ).toBe(2)
    expect(disturbanceOf(rack, [{ supply: 'p1', bus: 'A' }])).toBe(1)
  })

  test.prop([rackInputArb({ maxSupplies: 5, maxBuses: 3, maxLoads: 4 })])(
    'the current state disturbs nothing, and closing every switch disturbs exactly the open ones',
    (input) => {
      expect(disturbanceOf(input, currentClosed(input))).toBe(0)
      const all = input.switches.map((sw) => ({ supply: sw.supply, bus: sw.bus }))
      expect(disturbanceOf(input, all)).toBe(input.switches.filter((sw) => !sw.closed).length)
    },
  )
})
