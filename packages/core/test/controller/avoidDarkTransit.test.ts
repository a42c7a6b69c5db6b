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

/**
 * A plain two-bus rack for findDarkTransit's rules, with steps written by hand: A has a1 and a2 (3 kW
 * each, FET) and spare a3 (open); B has b1 (3 kW) and spare b2 (open). The dual-corded load draws 4 kW,
 * half on each bus while both are live; `aOnlyW` draws from A alone.
 */
const plainRack = (o: {
  aMaxW?: number
  aSupplyW?: number
  aOnlyW?: number
  bKind?: 'fet' | 'relay'
  aKind?: 'fet' | 'relay'
  bFailed?: boolean
}): RackInput => ({
  supplies: [
    { id: 'a1', capacityW: o.aSupplyW ?? 3000, state: 'ok' },
    { id: 'a2', capacityW: o.aSupplyW ?? 3000, state: 'ok' },
    { id: 'a3', capacityW: 3000, state: 'ok' },
    { id: 'b1', capacityW: 3000, state: o.bFailed === true ? 'failed' : 'ok' },
    { id: 'b2', capacityW: 3000, state: 'ok' },
  ],
  buses: [
    o.aMaxW === undefined ? { id: 'A', priority: 2 } : { id: 'A', priority: 2, maxW: o.aMaxW },
    { id: 'B', priority: 1 },
  ],
  loads: [
    { id: 'dual', powerW: 4000, priority: 2, buses: ['A', 'B'] },
    { id: 'aOnly', powerW: o.aOnlyW ?? 0, priority: 1, buses: ['A'] },
  ],
  switches: [
    { supply: 'a1', bus: 'A', kind: 'fet', closed: true },
    { supply: 'a2', bus: 'A', kind: o.aKind ?? 'fet', closed: true },
    { supply: 'a3', bus: 'A', kind: o.aKind ?? 'fet', closed: false },
    { supply: 'b1', bus: 'B', kind: o.bKind ?? 'relay', closed: true },
    { supply: 'b2', bus: 'B', kind: o.bKind ?? 'relay', closed: false },
  ],
  policy: defaultPolicy,
})
const step = (op: 'open' | 'close', supply: string, bus: string, kind: 'fet' | 'relay') =>
  ({ op, supply, bus, kind }) as const
/** b1 replaced by b2 on B: opened first, so B is dark in between. */
const swapB = (kind: 'fet' | 'relay') => [step('open', 'b1', 'B', kind), step('close', 'b2', 'B', kind)]
const swapBTarget = [
  { supply: 'a1', bus: 'A' },
  { supply: 'a2', bus: 'A' },
  { supply: 'b2', bus: 'B' },
]

describe('findDarkTransit: which buses are live', () => {
  it('a bus over its rating goes dark: its share of the dual-corded load is not ridden through', () => {
    // While B is dark, A carries the whole 4 kW: within its 6 kW, over a 3.5 kW rating.
    const over = plainRack({ aMaxW: 3500 })
    expect(findDarkTransit(over, swapB('relay'), swapBTarget, [])).toEqual({
      bus: 'A',
      stepIndex: 0,
      supply: 'b1',
    })
    // At exactly its rating (or with none) A stays live; only B's own gap is left.
    for (const input of [plainRack({ aMaxW: 4000 }), plainRack({})])
      expect(findDarkTransit(input, swapB('relay'), swapBTarget, [])?.bus).toBe('B')
  })

  it('a bus whose load equals its capacity is live', () => {
    // A: 2 x 2 kW for the whole 4 kW while B is dark.
    expect(findDarkTransit(plainRack({ aSupplyW: 2000 }), swapB('relay'), swapBTarget, [])?.bus).toBe('B')
    expect(findDarkTransit(plainRack({ aSupplyW: 1999 }), swapB('relay'), swapBTarget, [])?.bus).toBe('A')
  })

  it('a bus fed only by a failed supply is dark now, so reviving it through a relay is no dark transit', () => {
    const input = plainRack({ bFailed: true })
    expect(
      findDarkTransit(
        input,
        [step('open', 'b1', 'B', 'fet'), step('close', 'b2', 'B', 'relay')],
        swapBTarget,
        [],
      ),
    ).toBeUndefined()
  })

  it('a bus that is dark in the target is not protected on the way there', () => {
    const target = swapBTarget.filter((t) => t.bus === 'A')
    expect(findDarkTransit(plainRack({}), [step('open', 'b1', 'B', 'relay')], target, [])).toBeUndefined()
  })

  it('shed loads draw nothing on the way', () => {
    // a2 replaced by a3 on A through relays: A keeps 3 kW in between, for 2 kW of the dual load plus aOnly.
    const steps = [step('open', 'a2', 'A', 'relay'), step('close', 'a3', 'A', 'relay')]
    const target = [
      { supply: 'a1', bus: 'A' },
      { supply: 'a3', bus: 'A' },
      { supply: 'b1', bus: 'B' },
    ]
    const input = plainRack({ aOnlyW: 1500, aKind: 'relay' })
    expect(findDarkTransit(input, steps, target, ['aOnly'])).toBeUndefined()
    expect(findDarkTransit(input, steps, target, [])).toEqual({ bus: 'A', stepIndex: 0, supply: 'a2' })
  })
})

describe('findDarkTransit: gaps and switch speeds', () => {
  it('a gap a FET opened and a relay step continues is reported at the FET open', () => {
    // B stays dark across a FET close on A, then a relay closes b2 onto it.
    const steps = [
      step('open', 'b1', 'B', 'fet'),
      step('close', 'a3', 'A', 'fet'),
      step('close', 'b2', 'B', 'relay'),
    ]
    const target = [
      { supply: 'a1', bus: 'A' },
      { supply: 'a2', bus: 'A' },
      { supply: 'a3', bus: 'A' },
      { supply: 'b2', bus: 'B' },
    ]
    expect(findDarkTransit(plainRack({}), steps, target, [])).toEqual({
      bus: 'B',
      stepIndex: 0,
      supply: 'b1',
    })
  })

  it('a gap a FET opened and a FET close ended is over: a later relay step elsewhere is not in it', () => {
    const steps = [...swapB('fet'), step('open', 'a2', 'A', 'relay')]
    const target = [
      { supply: 'a1', bus: 'A' },
      { supply: 'b2', bus: 'B' },
    ]
    expect(findDarkTransit(plainRack({ bKind: 'fet', aKind: 'relay' }), steps, target, [])).toBeUndefined()
  })

  it('a relay open that darkens a bus is a dark transit even when a FET close revives it next', () => {
    const steps = [step('open', 'a2', 'A', 'relay'), step('close', 'a3', 'A', 'fet')]
    const target = [
      { supply: 'a1', bus: 'A' },
      { supply: 'a3', bus: 'A' },
      { supply: 'b1', bus: 'B' },
    ]
    expect(findDarkTransit(plainRack({ aOnlyW: 1500 }), steps, target, [])).toEqual({
      bus: 'A',
      stepIndex: 0,
      supply: 'a2',
    })
  })
})

/** An allocator that answers from a script, in call order, recording what it was asked. */
const scripted = (...answers: Plan[]) => {
  const asked: RackInput[] = []
  const allocateRack = (input: RackInput): Plan => {
    asked.push(input)
    const answer = answers[asked.length - 1]
    if (answer === undefined) throw new Error(`scripted allocator asked ${asked.length} times`)
    return answer
  }
  return { allocateRack, asked }
}

describe('avoidDarkTransit: when it takes the alternative', () => {
  const input = busDown()
  const planned = allocate(input)
  // The FET move the real allocator offers once psu3 is pinned (test above): no gap, same service.
  const good = avoidDarkTransit(input, planned, allocate)
  const settled: Plan = { ...good, steps: [], optimal: true }

  it('takes it when it has no gap, sheds as much, changes no more switches, and allocate keeps it', () => {
    expect(good).not.toBe(planned)
    const { allocateRack, asked } = scripted(good, settled)
    expect(avoidDarkTransit(input, planned, allocateRack)).toEqual({ ...good, optimal: true })
    // First with psu3 pinned (only its closed switch left), then with the alternative as the current state.
    expect(asked[0]?.switches.filter((sw) => sw.supply === 'psu3')).toEqual([
      { supply: 'psu3', bus: 'A', kind: 'relay', closed: true },
    ])
    expect(asked[1]?.switches.filter((sw) => sw.closed).map((sw) => `${sw.supply}@${sw.bus}`)).toEqual(
      good.closed.map((c) => `${c.supply}@${c.bus}`).sort(),
    )
  })

  it('keeps the plan when the alternative has a dark gap of its own', () => {
    expect(avoidDarkTransit(input, planned, scripted(planned, settled).allocateRack)).toBe(planned)
  })

  it('keeps the plan when the alternative sheds a different number of loads', () => {
    const shedding: Plan = { ...good, shed: ['b1'] }
    expect(
      avoidDarkTransit(input, planned, scripted(shedding, { ...settled, shed: ['b1'] }).allocateRack),
    ).toBe(planned)
  })

  it('keeps the plan when the alternative changes more switches', () => {
    // psu1 opened too: one more change than the plan's three.
    const more: Plan = {
      ...good,
      closed: good.closed.filter((c) => c.supply !== 'psu1'),
      steps: [...good.steps, { op: 'open', supply: 'psu1', bus: 'A', kind: 'fet' }],
    }
    expect(findDarkTransit(input, more.steps, more.closed, more.shed)).toBeUndefined()
    expect(avoidDarkTransit(input, planned, scripted(more, settled).allocateRack)).toBe(planned)
  })

  it('keeps the plan when allocate, given the alternative as the current state, would move on from it', () => {
    const movesOn: Plan = { ...settled, steps: planned.steps }
    expect(avoidDarkTransit(input, planned, scripted(good, movesOn).allocateRack)).toBe(planned)
    const shedsOther: Plan = { ...settled, shed: ['a1'] }
    expect(avoidDarkTransit(input, planned, scripted(good, shedsOther).allocateRack)).toBe(planned)
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
