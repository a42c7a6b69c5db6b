/**
 * Real rack situations with hand-checked expectations (the working is in each case's comment).
 * Each case is also checked against checkPlan and the brute-force reference.
 */
import { describe, expect, it } from 'vitest'
import { allocate, defaultPolicy } from '@busbar/core'
import type { Plan, RackInput, Supply, Switch, SwitchKind, SwitchRef } from '@busbar/core'
import { checkPlan } from '@busbar/core/testing'
import { referenceAllocate } from './referenceAllocate.js'

const supply = (id: string, capacityW: number, extra: Partial<Supply> = {}): Supply => ({
  id,
  capacityW,
  state: 'ok',
  ...extra,
})
/** Switches from `supply` to each bus; `closedOn` names the bus it is on now, if any. */
const wire = (
  supplyId: string,
  buses: readonly string[],
  closedOn?: string,
  kind: SwitchKind = 'fet',
): Switch[] => buses.map((bus) => ({ supply: supplyId, bus, kind, closed: bus === closedOn }))
const on = (supplyId: string, bus: string): SwitchRef => ({ supply: supplyId, bus })

interface Example {
  readonly name: string
  readonly input: RackInput
  readonly closed: readonly SwitchRef[]
  readonly shed: readonly string[]
  readonly preempted: readonly string[]
  /** The exact steps where the order is forced; undefined where several orders are equally right. */
  readonly steps?: Plan['steps']
  readonly buses?: Record<string, Partial<Plan['buses'][number]>>
  /** The whole feed report, when the case is about feeds. */
  readonly feeds?: Plan['feeds']
}

/** The same rack with every supply's AC feed removed (as before feeds existed). */
const withoutFeeds = (input: RackInput): RackInput => ({
  ...input,
  supplies: input.supplies.map(({ feed: _feed, ...rest }) => rest),
})

// Two buses, two AC feeds, 1000 W supplies. p4 (F2) fails on B, leaving p3 (F1) alone there: 1000 W
// for 900 W (s1 half 500, s2 400), powered, not N+1. One supply moves from A (four of them) to B:
// either gives N+1 on both (A 3000 W, 2000 redundant, for 500; B 2000, 1000 redundant, for 900) and the
// same bus-loss count (losing A moves s1 to B: 1400 <= 2000, survived; losing B loses s2). Feeds:
// moving an F1 supply leaves B all on F1, so losing F1 takes B down and s2 with it; moving an F2 one
// (p2 or p5) survives both (F1 lost: A keeps p2 1000 W for 500, B keeps the mover 1000 W for 900; F2
// lost: A keeps p1, p6, B keeps p3). The tie-break keeps p2 on A (A before B), so p5 moves. Feed-blind,
// the tie-break moves the last id, p6 (on F1).
const feedBalancedSpareInput: RackInput = {
  supplies: [
    supply('p1', 1000, { feed: 'F1' }),
    supply('p2', 1000, { feed: 'F2' }),
    supply('p3', 1000, { feed: 'F1' }),
    supply('p4', 1000, { feed: 'F2', state: 'failed' }),
    supply('p5', 1000, { feed: 'F2' }),
    supply('p6', 1000, { feed: 'F1' }),
  ],
  buses: [
    { id: 'A', priority: 1 },
    { id: 'B', priority: 1 },
  ],
  loads: [
    { id: 's1', powerW: 1000, priority: 1, buses: ['A', 'B'] },
    { id: 's2', powerW: 400, priority: 1, buses: ['B'] },
  ],
  switches: [
    ...wire('p1', ['A', 'B'], 'A'),
    ...wire('p2', ['A', 'B'], 'A'),
    ...wire('p3', ['A', 'B'], 'B'),
    ...wire('p4', ['A', 'B'], 'B'),
    ...wire('p5', ['A', 'B'], 'A'),
    ...wire('p6', ['A', 'B'], 'A'),
  ],
  policy: defaultPolicy,
}

// Already N+1 everywhere, but each bus on one feed: A = p1, p2, p5 (F1), B = p3, p4, p6 (F2), 1000 W
// each; s1 (1800 W) on both, s2 (50 W) on A only. Losing F1 takes A down and s2 with it; losing F2
// takes B down, A carries 1850 W of 3000: one feed scenario survived (and one bus loss: B's). Moving an
// F2 supply onto A (2 changes) survives both: F1 lost, A keeps 1000 W for 950 W; F2 lost, B goes down
// and A carries 1850 W of 3000; B keeps N+1 (1000 redundant for 900). The tie-break moves p3 (A first).
const feedBalanceOnlyInput: RackInput = {
  supplies: [
    supply('p1', 1000, { feed: 'F1' }),
    supply('p2', 1000, { feed: 'F1' }),
    supply('p3', 1000, { feed: 'F2' }),
    supply('p4', 1000, { feed: 'F2' }),
    supply('p5', 1000, { feed: 'F1' }),
    supply('p6', 1000, { feed: 'F2' }),
  ],
  buses: [
    { id: 'A', priority: 1 },
    { id: 'B', priority: 1 },
  ],
  loads: [
    { id: 's1', powerW: 1800, priority: 1, buses: ['A', 'B'] },
    { id: 's2', powerW: 50, priority: 1, buses: ['A'] },
  ],
  switches: [
    ...wire('p1', ['A', 'B'], 'A'),
    ...wire('p2', ['A', 'B'], 'A'),
    ...wire('p3', ['A', 'B'], 'B'),
    ...wire('p4', ['A', 'B'], 'B'),
    ...wire('p5', ['A', 'B'], 'A'),
    ...wire('p6', ['A', 'B'], 'B'),
  ],
  policy: defaultPolicy,
}

const examples: readonly Example[] = [
  {
    // p1 fails on A. Without it A has 2000 W for 1500 W (s1, s2 half each): powered, not N+1.
    // Switching the spare p5 onto A gives 4000 W, 2000 W without the largest: N+1 on both buses,
    // and either bus can be lost (the other takes 3000 W of 4000). Opening p1 comes first.
    name: 'one supply fails on a 2-bus rack: disconnect it, switch the spare in',
    input: {
      supplies: [
        supply('p1', 2000, { state: 'failed' }),
        supply('p2', 2000),
        supply('p3', 2000),
        supply('p4', 2000),
        supply('p5', 2000),
      ],
      buses: [
        { id: 'A', priority: 1 },
        { id: 'B', priority: 1 },
      ],
      loads: [
        { id: 's1', powerW: 1500, priority: 1, buses: ['A', 'B'] },
        { id: 's2', powerW: 1500, priority: 1, buses: ['A', 'B'] },
      ],
      switches: [
        ...wire('p1', ['A'], 'A', 'breaker'),
        ...wire('p2', ['A'], 'A'),
        ...wire('p3', ['B'], 'B'),
        ...wire('p4', ['B'], 'B'),
        ...wire('p5', ['A', 'B'], undefined, 'relay'),
      ],
      policy: defaultPolicy,
    },
    closed: [on('p2', 'A'), on('p3', 'B'), on('p4', 'B'), on('p5', 'A')],
    shed: [],
    preempted: [],
    steps: [
      { op: 'open', supply: 'p1', bus: 'A', kind: 'breaker' },
      { op: 'close', supply: 'p5', bus: 'A', kind: 'relay' },
    ],
    buses: {
      A: { up: true, loadW: 1500, capacityW: 4000, redundantW: 2000, nPlusK: true, survivesLoss: true },
      B: { up: true, loadW: 1500, capacityW: 4000, redundantW: 2000, nPlusK: true, survivesLoss: true },
    },
  },
  {
    // p1 is predicted to fail (risk 0.8 >= 0.5). A carries s1/2 + s2 = 2000 W; without p1 and the
    // largest remaining, A has nothing left: not N+1. Closing the spare p5 onto A leaves 3000 W
    // without p1 and the largest: N+1, so p1 is preempted (it keeps carrying load until it fails).
    // Disconnecting p1 as well would cost a second switch for no gain.
    name: 'a predicted failure: a spare is switched in before the supply fails',
    input: {
      supplies: [
        supply('p1', 3000, { failureRisk: 0.8 }),
        supply('p2', 3000),
        supply('p3', 3000),
        supply('p4', 3000),
        supply('p5', 3000),
      ],
      buses: [
        { id: 'A', priority: 1 },
        { id: 'B', priority: 1 },
      ],
      loads: [
        { id: 's1', powerW: 2000, priority: 1, buses: ['A', 'B'] },
        { id: 's2', powerW: 1000, priority: 1, buses: ['A'] },
        { id: 's3', powerW: 1000, priority: 1, buses: ['B'] },
      ],
      switches: [
        ...wire('p1', ['A'], 'A'),
        ...wire('p2', ['A'], 'A'),
        ...wire('p3', ['B'], 'B'),
        ...wire('p4', ['B'], 'B'),
        ...wire('p5', ['A', 'B']),
      ],
      policy: defaultPolicy,
    },
    closed: [on('p1', 'A'), on('p2', 'A'), on('p3', 'B'), on('p4', 'B'), on('p5', 'A')],
    shed: [],
    preempted: ['p1'],
    steps: [{ op: 'close', supply: 'p5', bus: 'A', kind: 'fet' }],
    buses: {
      A: { loadW: 2000, capacityW: 9000, redundantW: 3000, nPlusK: true, survivesLoss: false },
      B: { loadW: 2000, capacityW: 6000, redundantW: 3000, nPlusK: true, survivesLoss: false },
    },
  },
  {
    // Both of A's supplies failed: A is lost. s3 is wired to A only, so A must come back up: one of
    // p3/p4 (wired to both) moves to A. Either way no bus is N+1 and no loss is survived, and the
    // disturbance is the same (2 failed opens + a move), so the tie-break decides: p1, p2 open in
    // both; p3's assignment differs first, and A comes before B: p3 moves to A, p4 stays on B.
    name: 'dual bus A/B with bus A lost (all its supplies failed)',
    input: {
      supplies: [
        supply('p1', 2000, { state: 'failed' }),
        supply('p2', 2000, { state: 'failed' }),
        supply('p3', 2000),
        supply('p4', 2000),
      ],
      buses: [
        { id: 'A', priority: 1 },
        { id: 'B', priority: 1 },
      ],
      loads: [
        { id: 's1', powerW: 1000, priority: 2, buses: ['A', 'B'] },
        { id: 's2', powerW: 1000, priority: 2, buses: ['A', 'B'] },
        { id: 's3', powerW: 800, priority: 1, buses: ['A'] },
      ],
      switches: [
        ...wire('p1', ['A'], 'A', 'breaker'),
        ...wire('p2', ['A'], 'A', 'breaker'),
        ...wire('p3', ['A', 'B'], 'B', 'relay'),
        ...wire('p4', ['A', 'B'], 'B', 'relay'),
      ],
      policy: defaultPolicy,
    },
    closed: [on('p3', 'A'), on('p4', 'B')],
    shed: [],
    preempted: [],
    buses: {
      A: { up: true, loadW: 1800, capacityW: 2000, nPlusK: false },
      B: { up: true, loadW: 1000, capacityW: 2000, nPlusK: false },
    },
  },
  {
    // One bus, 3000 W. By priority: s1 (1200, p3) and s2 (900, p2) fit (2100 W); of the 900 W left
    // for priority 1, s3 (800) and s4 (500) cannot both fit; one served either way, then more watts
    // wins: serve s3 (2900 W), shed s4. N+1 is out of reach (1000 W without p1).
    name: 'capacity short: shed by priority, then by watts within a priority',
    input: {
      supplies: [supply('p1', 2000), supply('p2', 1000)],
      buses: [{ id: 'A', priority: 1 }],
      loads: [
        { id: 's1', powerW: 1200, priority: 3, buses: ['A'] },
        { id: 's2', powerW: 900, priority: 2, buses: ['A'] },
        { id: 's3', powerW: 800, priority: 1, buses: ['A'] },
        { id: 's4', powerW: 500, priority: 1, buses: ['A'] },
      ],
      switches: [...wire('p1', ['A'], 'A'), ...wire('p2', ['A'], 'A')],
      policy: defaultPolicy,
    },
    closed: [on('p1', 'A'), on('p2', 'A')],
    shed: ['s4'],
    preempted: [],
    steps: [],
    buses: { A: { up: true, loadW: 2900, capacityW: 3000, redundantW: 1000, nPlusK: false } },
  },
  {
    // Mixed 3000/1600/800/800 W, all wired to both buses, all open. A needs 2000 W, B 1000 W.
    // N+1 on A needs (sum - largest) >= 2000, which only {p1, p4, p2|p3} give, leaving B under
    // 1000 W (s2 shed): worse on level 1. N+1 on B with A powered: only B = {p4, p2, p3}
    // (3200 - 1600 = 1600 >= 1000) and A = {p1} (3000 >= 2000).
    name: 'mixed 800 W - 3 kW supplies: the big one alone on A, the small ones give B N+1',
    input: {
      supplies: [supply('p1', 3000), supply('p2', 800), supply('p3', 800), supply('p4', 1600)],
      buses: [
        { id: 'A', priority: 1 },
        { id: 'B', priority: 1 },
      ],
      loads: [
        { id: 's1', powerW: 2000, priority: 1, buses: ['A'] },
        { id: 's2', powerW: 1000, priority: 1, buses: ['B'] },
      ],
      switches: [
        ...wire('p1', ['A', 'B']),
        ...wire('p2', ['A', 'B']),
        ...wire('p3', ['A', 'B']),
        ...wire('p4', ['A', 'B']),
      ],
      policy: { ...defaultPolicy, busRedundancy: false },
    },
    closed: [on('p1', 'A'), on('p2', 'B'), on('p3', 'B'), on('p4', 'B')],
    shed: [],
    preempted: [],
    buses: {
      A: { loadW: 2000, capacityW: 3000, redundantW: 0, nPlusK: false },
      B: { loadW: 1000, capacityW: 3200, redundantW: 1600, nPlusK: true },
    },
  },
  {
    name: 'two feeds: the spare move that keeps both buses on both feeds wins',
    input: feedBalancedSpareInput,
    closed: [on('p1', 'A'), on('p2', 'A'), on('p3', 'B'), on('p5', 'B'), on('p6', 'A')],
    shed: [],
    preempted: [],
    feeds: [
      { id: 'F1', survivesLoss: true, counted: true },
      { id: 'F2', survivesLoss: true, counted: true },
    ],
  },
  {
    name: 'the same rack feed-blind: the tie-break moves p6, leaving B on one feed',
    input: withoutFeeds(feedBalancedSpareInput),
    closed: [on('p1', 'A'), on('p2', 'A'), on('p3', 'B'), on('p5', 'A'), on('p6', 'B')],
    shed: [],
    preempted: [],
    feeds: [],
  },
  {
    name: 'two feeds, N+1 already met: one supply moves so that either feed can be lost',
    input: feedBalanceOnlyInput,
    closed: [on('p1', 'A'), on('p2', 'A'), on('p3', 'A'), on('p4', 'B'), on('p5', 'A'), on('p6', 'B')],
    shed: [],
    preempted: [],
    steps: [
      { op: 'open', supply: 'p3', bus: 'B', kind: 'fet' },
      { op: 'close', supply: 'p3', bus: 'A', kind: 'fet' },
    ],
    feeds: [
      { id: 'F1', survivesLoss: true, counted: true },
      { id: 'F2', survivesLoss: true, counted: true },
    ],
  },
  {
    // Which feed scenarios count: F1 feeds A (p1) and B (p5, alone there): losing it takes B down and
    // s2 with it, counted and not survived. F2 (p2 on A) is counted (A carries s1, even at 0 W) and
    // survived (A keeps p1). F3's only supply is closed onto C, which no load uses: not counted (and
    // kept closed: opening it would be a change for nothing). F4's only supply has failed: not counted.
    // Uncounted feeds lose nothing, so they survive. Nothing can do better: everything stays.
    name: 'feed scenarios counted only through a closed supply on a bus that carries load',
    input: {
      supplies: [
        supply('p1', 1000, { feed: 'F1' }),
        supply('p2', 1000, { feed: 'F2' }),
        supply('p3', 1000, { feed: 'F3' }),
        supply('p4', 1000, { feed: 'F4', state: 'failed' }),
        supply('p5', 1000, { feed: 'F1' }),
      ],
      buses: [
        { id: 'A', priority: 1 },
        { id: 'B', priority: 1 },
        { id: 'C', priority: 1 },
      ],
      loads: [
        { id: 's1', powerW: 0, priority: 1, buses: ['A'] },
        { id: 's2', powerW: 500, priority: 1, buses: ['B'] },
      ],
      switches: [
        ...wire('p1', ['A'], 'A'),
        ...wire('p2', ['A'], 'A'),
        ...wire('p3', ['C'], 'C'),
        ...wire('p4', ['A', 'B']),
        ...wire('p5', ['B'], 'B'),
      ],
      policy: defaultPolicy,
    },
    closed: [on('p1', 'A'), on('p2', 'A'), on('p3', 'C'), on('p5', 'B')],
    shed: [],
    preempted: [],
    steps: [],
    feeds: [
      { id: 'F1', survivesLoss: false, counted: true },
      { id: 'F2', survivesLoss: true, counted: true },
      { id: 'F3', survivesLoss: true, counted: false },
      { id: 'F4', survivesLoss: true, counted: false },
    ],
  },
]

describe('allocate on real rack situations', () => {
  it.each(examples)('$name', (example) => {
    const plan = allocate(example.input)
    expect(plan.closed).toEqual(example.closed)
    expect(plan.shed).toEqual(example.shed)
    expect(plan.preempted).toEqual(example.preempted)
    if (example.steps !== undefined) expect(plan.steps).toEqual(example.steps)
    for (const [id, expected] of Object.entries(example.buses ?? {}))
      expect(plan.buses.find((b) => b.id === id)).toMatchObject(expected)
    if (example.feeds !== undefined) expect(plan.feeds).toEqual(example.feeds)
    expect(plan.optimal).toBe(true)
    expect(checkPlan(example.input, plan)).toEqual([])
    const reference = referenceAllocate(example.input)
    expect({ closed: reference.closed, shed: reference.shed }).toEqual({
      closed: example.closed,
      shed: example.shed,
    })
  })

  it('sheds with a LoadShed reason naming the load', () => {
    const capacityShort = examples[3]!
    const plan = allocate(capacityShort.input)
    expect(plan.reasons).toContainEqual(expect.objectContaining({ _tag: 'LoadShed', load: 's4' }))
  })

  it('names feed-loss survival as the reason for a move that only balances the feeds', () => {
    const plan = allocate(feedBalanceOnlyInput)
    expect(plan.reasons).toContainEqual({
      _tag: 'SupplyMoved',
      supply: 'p3',
      from: 'B',
      to: 'A',
      why: 'feedLossSurvival',
    })
  })

  it('opens a failed supply first and says why', () => {
    const failed = examples[0]!
    const plan = allocate(failed.input)
    expect(plan.reasons).toContainEqual(
      expect.objectContaining({ _tag: 'SupplyUnavailable', supply: 'p1', bus: 'A', state: 'failed' }),
    )
  })
})
