import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { allocate } from '../../src/allocate/allocate.js'
import { planSwitchSteps } from '../../src/allocate/planSwitchSteps.js'
import type { RackInput } from '../../src/model/rack.js'
import { checkPlan } from '../../src/testing/checkPlan.js'
import { rackInputArb } from '../../src/testing/rackArbitraries.js'

/**
 * When no order keeps every protected bus powered, the steps still keep them up where some order
 * does (checkPlan's steps.makeBeforeBreak). Two supplies swap buses; bus C is protected (powered now
 * and in the target), bus B is overloaded now (not protected), and either first open leaves one
 * protected bus unpowered: opening psu1 downs C, opening psu2 first only overloads A for a moment.
 */
const swap: RackInput = {
  supplies: [
    { id: 'psu0', capacityW: 1, state: 'ok' },
    { id: 'psu1', capacityW: 800, state: 'ok' },
    { id: 'psu2', capacityW: 0.25, state: 'ok' },
  ],
  buses: [
    { id: 'A', priority: -5 },
    { id: 'B', priority: -5 },
    { id: 'C', priority: -5 },
  ],
  loads: [
    { id: 'srv0', powerW: 0, priority: -1, buses: ['B', 'C'] },
    { id: 'srv1', powerW: 0.75, priority: -1, buses: ['A', 'B'] },
  ],
  switches: [
    { supply: 'psu0', bus: 'A', kind: 'fet', closed: true },
    { supply: 'psu1', bus: 'B', kind: 'fet', closed: false },
    { supply: 'psu1', bus: 'C', kind: 'fet', closed: true },
    { supply: 'psu2', bus: 'B', kind: 'fet', closed: true },
    { supply: 'psu2', bus: 'C', kind: 'fet', closed: false },
  ],
  policy: { supplyRedundancy: 0, busRedundancy: false, derate: 0.5, preemptRisk: 0.5 },
}

describe('planSwitchSteps: protected buses stay up when they cannot all stay powered', () => {
  it('opens the supply whose bus is not protected first (regression, degenerate-rack property seed -2009614289)', () => {
    const steps = planSwitchSteps(
      swap,
      [
        { supply: 'psu0', bus: 'A' },
        { supply: 'psu1', bus: 'B' },
        { supply: 'psu2', bus: 'C' },
      ],
      [],
    )
    expect(steps.map((s) => `${s.op} ${s.supply} ${s.bus}`)).toEqual([
      'open psu2 B',
      'close psu2 C',
      'open psu1 C',
      'close psu1 B',
    ])
    expect(checkPlan(swap, allocate(swap))).toEqual([])
  })

  test.prop([rackInputArb({ maxSupplies: 5, maxBuses: 3, maxLoads: 4, capacitiesW: [0.25, 1, 800] })], {
    numRuns: 300,
  })('allocate keeps checkPlan on tiny racks with lopsided supplies', (rack) => {
    expect(checkPlan(rack, allocate(rack))).toEqual([])
  })
})
