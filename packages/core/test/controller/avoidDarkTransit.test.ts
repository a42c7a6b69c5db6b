import { describe, expect, it } from 'vitest'
import { test, fc } from '@fast-check/vitest'
import { allocate } from '../../src/allocate/allocate.js'
import { avoidDarkTransit, findDarkTransit } from '../../src/controller/avoidDarkTransit.js'
import type { Plan } from '../../src/model/plan.js'
import type { RackInput } from '../../src/model/rack.js'
import { defaultPolicy } from '../../src/model/rack.js'
import { checkPlan } from '../../src/testing/checkPlan.js'
import { judgeConfiguration } from '../../src/testing/judgeConfiguration.js'
import { rackInputArb } from '../../src/testing/rackArbitraries.js'

/**
 * The simulator's case, cut down: psu5 on B has just failed, so B (psu7 alone, 3 kW for 4 kW) is dark
 * and the dual-corded load hangs on A. Moving a 3 kW supply from A to B revives B; psu2 (FET, 2 kW) and
 * psu3 (relay, 3 kW) tie at every level, and the id tie-break keeps psu2 where it is and moves psu3.
 * Opening psu3 leaves A 5 kW for 6.5 kW until psu3 closes on B: through a relay that is ~20 ms with both
 * buses dark, longer than a server's hold-up. Through psu2's FETs it is microseconds.
 */
const busDown = (psu2Kind: 'fet' | 'relay' = 'fet'): RackInput => ({
  supplies: [
    { id: 'psu1', capacityW: 3000, state: 'ok' },
    { id: 'psu2', capacityW: 2000, state: 'ok' },
    { id: 'psu3', capacityW: 3000, state: 'ok' },
    { id: 'psu5', capacityW: 3000, state: 'failed' },
    { id: 'psu7', capacityW: 3000, state: 'ok' },
  ],
  buses: [
    { id: 'A', priority: 2 },
    { id: 'B', priority: 1 },
  ],
  loads: [
    { id: 'dual', powerW: 6000, priority: 2, buses: ['A', 'B'] },
    { id: 'a1', powerW: 500, priority: 1, buses: ['A'] },
    { id: 'b1', powerW: 1000, priority: 1, buses: ['B'] },
  ],
  switches: [
    { supply: 'psu1', bus: 'A', kind: 'fet', closed: true },
    { supply: 'psu2', bus: 'A', kind: psu2Kind, closed: true },
    { supply: 'psu2', bus: 'B', kind: psu2Kind, closed: false },
    { supply: 'psu3', bus: 'A', kind: 'relay', closed: true },
    { supply: 'psu3', bus: 'B', kind: 'relay', closed: false },
    { supply: 'psu5', bus: 'B', kind: 'fet', closed: true },
    { supply: 'psu7', bus: 'B', kind: 'breaker', closed: true },
  ],
  policy: defaultPolicy,
})

/** Two buses, 3-6 supplies of random kinds and homes, some failed (so a bus is often dark now). */
const oneBusDownArb: fc.Arbitrary<RackInput> = fc
  .record({
    supplies: fc.array(
      fc.record({
        capacityW: fc.constantFrom(1000, 2000, 3000),
        kind: fc.constantFrom('fet' as const, 'relay' as const, 'breaker' as const),
        home: fc.constantFrom('A', 'B'),
        failed: fc.boolean(),
      }),
      { minLength: 3, maxLength: 6 },
    ),
    dualW: fc.integer({ min: 1000, max: 8000 }),
    aW: fc.integer({ min: 0, max: 2000 }),
    bW: fc.integer({ min: 0, max: 2000 }),
    k: fc.constantFrom(0, 1),
  })
  .map(({ supplies, dualW, aW, bW, k }) => ({
    supplies: supplies.map((s, i) => ({
      id: `psu${i + 1}`,
      capacityW: s.capacityW,
      state: s.failed ? ('failed' as const) : ('ok' as const),
    })),
    buses: [
      { id: 'A', priority: 2 },
      { id: 'B', priority: 1 },
    ],
    loads: [
      { id: 'dual', powerW: dualW, priority: 2, buses: ['A', 'B'] },
      { id: 'a1', powerW: aW, priority: 1, buses: ['A'] },
      { id: 'b1', powerW: bW, priority: 1, buses: ['B'] },
    ],
    switches: supplies.flatMap((s, i) =>
      ['A', 'B'].map((bus) => ({ supply: `psu${i + 1}`, bus, kind: s.kind, closed: bus === s.home })),
    ),
    policy: { ...defaultPolicy, supplyRedundancy: k },
  }))

const moved = (plan: Plan): string[] =>
  plan.steps.filter((s) => s.op === 'close').map((s) => `${s.supply}->${s.bus}`)

const vectorOf = (input: RackInput, plan: Plan) =>
  judgeConfiguration(input, { closed: plan.closed, shed: plan.shed }).vector

describe('findDarkTransit', () => {
  it('finds the relay gap that drops A while B is dark', () => {
    const input = busDown()
    const planned = allocate(input)
    expect(moved(planned)).toEqual(['psu3->B'])
    expect(findDarkTransit(input, planned.steps, planned.closed, planned.shed)).toEqual({
      bus: 'A',
      stepIndex: planned.steps.findIndex((s) => s.op === 'open' && s.supply === 'psu3'),
      supply: 'psu3',
    })
  })

  it('lets a FET-only gap through (microseconds are ridden through)', () => {
    const input = busDown()
    const steps = [
      { op: 'open', supply: 'psu5', bus: 'B', kind: 'fet' },
      { op: 'open', supply: 'psu2', bus: 'A', kind: 'fet' },
      { op: 'close', supply: 'psu2', bus: 'B', kind: 'fet' },
    ] as const
    const target = [
      { supply: 'psu1', bus: 'A' },
      { supply: 'psu2', bus: 'B' },
      { supply: 'psu3', bus: 'A' },
      { supply: 'psu7', bus: 'B' },
    ]
    expect(findDarkTransit(input, steps, target, [])).toBeUndefined()
    const slow = steps.map((s) => (s.supply === 'psu2' ? { ...s, kind: 'relay' as const } : s))
    expect(findDarkTransit(input, slow, target, [])?.supply).toBe('psu2')
  })
})

describe('avoidDarkTransit', () => {
  it('moves the FET-switched supply instead: the same service, no dark gap', () => {
    const input = busDown()
    const planned = allocate(input)
    const chosen = avoidDarkTransit(input, planned, allocate)
    expect(moved(chosen)).toEqual(['psu2->B'])
    expect(findDarkTransit(input, chosen.steps, chosen.closed, chosen.shed)).toBeUndefined()
    expect(vectorOf(input, chosen)).toEqual(vectorOf(input, planned))
    expect(checkPlan(input, chosen)).toEqual([])
  })

  it("keeps allocate's plan when every equally good plan has a slow gap too", () => {
    const input = busDown('relay')
    const planned = allocate(input)
    expect(avoidDarkTransit(input, planned, allocate)).toBe(planned)
  })

  // Whatever it returns is allocate's plan, or one exactly as good (levels 1-4) with no slow dark gap.
  const neverWorse = (input: RackInput): void => {
    const planned = allocate(input)
    const chosen = avoidDarkTransit(input, planned, allocate)
    if (chosen === planned) return
    expect(vectorOf(input, chosen)).toEqual(vectorOf(input, planned))
    expect(findDarkTransit(input, chosen.steps, chosen.closed, chosen.shed)).toBeUndefined()
    expect(checkPlan(input, chosen)).toEqual([])
  }
  test.prop([oneBusDownArb], { numRuns: 600 })(
    'never trades service for smoother switching (A/B racks)',
    neverWorse,
  )
  test.prop([rackInputArb({ maxSupplies: 6, maxBuses: 3, maxLoads: 6 })], { numRuns: 200 })(
    'never trades service for smoother switching (random racks)',
    neverWorse,
  )
})
