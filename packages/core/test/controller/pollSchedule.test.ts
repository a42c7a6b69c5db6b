import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import {
  alertReads,
  defaultPollPolicy,
  initialPollState,
  pollSchedule,
  type PollPolicy,
  type PollRead,
} from '../../src/controller/pollSchedule.js'

interface Visit extends PollRead {
  readonly atMs: number
}

const simulate = (
  ids: string[],
  absent: Set<string>,
  tickMs: number,
  untilMs: number,
  policy: PollPolicy = defaultPollPolicy,
) => {
  let state = initialPollState(ids)
  const visits: Visit[] = []
  for (let t = 0; t <= untilMs; t += tickMs) {
    const r = pollSchedule(state, t, (id) => absent.has(id), policy)
    state = r.state
    for (const read of r.reads) visits.push({ ...read, atMs: t })
  }
  return { visits, state }
}

const rackArb = fc
  .uniqueArray(fc.stringMatching(/^psu[0-9]{1,2}$/), { minLength: 1, maxLength: 12 })
  .chain((ids) => fc.tuple(fc.constant(ids), fc.subarray(ids)))

describe('pollSchedule', () => {
  test.prop([rackArb, fc.integer({ min: 5, max: 500 })], { numRuns: 150 })(
    'every window of n consecutive visits contains every present supply, and no present supply waits longer than a round',
    ([ids, absentList], tickMs) => {
      const absent = new Set(absentList)
      const present = ids.filter((id) => !absent.has(id))
      const { visits } = simulate(ids, absent, tickMs, 20 * defaultPollPolicy.roundIntervalMs)
      const n = ids.length
      for (let i = 0; i + n <= visits.length; i++) {
        const window = new Set(visits.slice(i, i + n).map((v) => v.supply))
        for (const id of present) expect(window.has(id)).toBe(true)
      }
      for (const id of present) {
        const times = visits.filter((v) => v.supply === id).map((v) => v.atMs)
        expect(times[0]).toBeLessThanOrEqual(defaultPollPolicy.roundIntervalMs + tickMs)
        for (let i = 1; i < times.length; i++) {
          expect(times[i]! - times[i - 1]!).toBeLessThanOrEqual(
            defaultPollPolicy.roundIntervalMs + tickMs + 1e-6,
          )
        }
      }
    },
  )

  test.prop([rackArb, fc.integer({ min: 1, max: 6 })], { numRuns: 100 })(
    'absent supplies are probed once every absentProbeEvery rounds; present ones every round',
    ([ids, absentList], probeEvery) => {
      const absent = new Set(absentList)
      const policy = { ...defaultPollPolicy, absentProbeEvery: probeEvery }
      const rounds = 6 * probeEvery
      const { visits } = simulate(ids, absent, 10, rounds * policy.roundIntervalMs - 1, policy)
      const count = (id: string) => visits.filter((v) => v.supply === id).length
      const present = ids.filter((id) => !absent.has(id))
      for (const id of present) expect(Math.abs(count(id) - count(present[0] ?? id))).toBeLessThanOrEqual(1)
      for (const id of absent) {
        expect(count(id)).toBeGreaterThanOrEqual(1)
        if (present.length > 0)
          expect(count(id)).toBeLessThanOrEqual(Math.ceil(count(present[0]!) / probeEvery) + 1)
      }
    },
  )

  test.prop([fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 8 })], { numRuns: 50 })(
    'every fullEvery-th visit of a supply reads full telemetry, starting with the first',
    (n, fullEvery) => {
      const ids = Array.from({ length: n }, (_, i) => `psu${i}`)
      const { visits } = simulate(ids, new Set(), 50, 30_000, { ...defaultPollPolicy, fullEvery })
      for (const id of ids) {
        const modes = visits.filter((v) => v.supply === id).map((v) => v.mode)
        modes.forEach((m, i) => expect(m).toBe(i % fullEvery === 0 ? 'full' : 'status'))
      }
    },
  )

  it('visits in ascending id order (JS <), one supply per slot', () => {
    const { visits } = simulate(['b', 'a', 'C'], new Set(), 1000 / 3, 1999)
    expect(visits.map((v) => v.supply)).toEqual(['C', 'a', 'b', 'C', 'a', 'b'])
  })

  it('a late tick issues at most one round, then restarts the schedule from now', () => {
    const ids = ['p1', 'p2', 'p3']
    let { state } = pollSchedule(initialPollState(ids), 0, () => false)
    const late = pollSchedule(state, 1_000_000, () => false)
    expect(late.reads.length).toBeLessThanOrEqual(ids.length)
    state = late.state
    expect(state.nextVisitMs).toBeGreaterThan(1_000_000)
    expect(pollSchedule(state, 1_000_001, () => false).reads).toEqual([])
  })

  it('keeps a fixed-size state', () => {
    const { state } = simulate(['a', 'b', 'c', 'd'], new Set(['b']), 100, 200_000)
    expect(Object.keys(state.visitPhase).sort()).toEqual(['a', 'b', 'c', 'd'])
    expect(state.round).toBeLessThan(defaultPollPolicy.absentProbeEvery)
    expect(state.round).toBeGreaterThanOrEqual(0)
    expect(state.cursor).toBeLessThanOrEqual(4)
    // Phases are visits modulo fullEvery.
    for (const phase of Object.values(state.visitPhase)) {
      expect(phase).toBeGreaterThanOrEqual(0)
      expect(phase).toBeLessThan(defaultPollPolicy.fullEvery)
    }
  })

  it('an alert reads the named device first, or sweeps all when it is unknown', () => {
    const state = initialPollState(['p2', 'p1'])
    expect(alertReads(state, 'p2')).toEqual([{ supply: 'p2', mode: 'status' }])
    expect(alertReads(state, undefined)).toEqual([
      { supply: 'p1', mode: 'status' },
      { supply: 'p2', mode: 'status' },
    ])
    expect(alertReads(state, 'stranger')).toHaveLength(2)
  })
})

describe('pollSchedule: exact slots', () => {
  const never = () => false

  it('spaces visits roundIntervalMs / (present supplies) apart, starting at the first tick', () => {
    let state = initialPollState(['a', 'b', 'c', 'd'])
    const policy = { ...defaultPollPolicy, roundIntervalMs: 800 }
    const at: Record<number, string[]> = {}
    for (let t = 100; t <= 900; t += 100) {
      const r = pollSchedule(state, t, never, policy)
      state = r.state
      if (r.reads.length > 0) at[t] = r.reads.map((x) => x.supply)
    }
    expect(at).toEqual({ 100: ['a'], 300: ['b'], 500: ['c'], 700: ['d'], 900: ['a'] })
    expect(state.nextVisitMs).toBe(1100)
  })

  it('absent supplies do not take a slot: the interval divides by present supplies only', () => {
    const absent = new Set(['b', 'c'])
    let state = initialPollState(['a', 'b', 'c', 'd'])
    const first = pollSchedule(state, 0, (id) => absent.has(id))
    // round 0 is a probe round: a is visited, then the next slot takes b and c (probes) riding along with d.
    expect(first.reads.map((r) => r.supply)).toEqual(['a'])
    expect(first.state.nextVisitMs).toBe(500)
    state = first.state
    const second = pollSchedule(state, 500, (id) => absent.has(id))
    expect(second.reads.map((r) => r.supply)).toEqual(['b', 'c', 'd'])
    expect(second.state.nextVisitMs).toBe(1000)
  })

  it('outside a probe round absent supplies are skipped', () => {
    const absent = new Set(['b'])
    const policy = { ...defaultPollPolicy, absentProbeEvery: 2, roundIntervalMs: 200 }
    let state = initialPollState(['a', 'b'])
    const seen: string[] = []
    for (let t = 0; t < 1000; t += 200) {
      const r = pollSchedule(state, t, (id) => absent.has(id), policy)
      state = r.state
      seen.push(r.reads.map((x) => x.supply).join('+'))
    }
    // Rounds 0, 2, 4 probe b (riding with a); rounds 1 and 3 do not.
    expect(seen).toEqual(['a', 'b+a', 'a', 'b+a', 'a'])
  })

  it('with every supply absent, each probe round reads them all in one slot, one round per interval', () => {
    const policy = { ...defaultPollPolicy, absentProbeEvery: 1, roundIntervalMs: 100 }
    const r = pollSchedule(initialPollState(['x', 'y']), 0, () => true, policy)
    expect(r.reads.map((x) => x.supply)).toEqual(['x', 'y'])
    expect(r.state.nextVisitMs).toBe(100)
    const next = pollSchedule(r.state, 100, () => true, policy)
    expect(next.reads.map((x) => x.supply)).toEqual(['x', 'y'])
  })

  it('a late tick restarts the schedule one interval after now', () => {
    const policy = { ...defaultPollPolicy, roundIntervalMs: 300 }
    const first = pollSchedule(initialPollState(['a', 'b', 'c']), 0, never, policy)
    expect(first.state.nextVisitMs).toBe(100)
    const late = pollSchedule(first.state, 10_000, never, policy)
    expect(late.reads.map((r) => r.supply)).toEqual(['b', 'c', 'a'])
    expect(late.state.nextVisitMs).toBe(10_100)
  })

  it('a tick before the next slot reads nothing and leaves the schedule as is', () => {
    const first = pollSchedule(initialPollState(['a', 'b']), 0, never)
    const early = pollSchedule(first.state, 499, never)
    expect(early.reads).toEqual([])
    expect(early.state).toEqual(first.state)
  })

  it('no supplies: no reads, state unchanged', () => {
    const state = initialPollState([])
    const r = pollSchedule(state, 5000, never)
    expect(r.reads).toEqual([])
    expect(r.state).toBe(state)
  })

  it('policy counts below 1 or fractional are floored and taken as at least 1', () => {
    const policy = { ...defaultPollPolicy, roundIntervalMs: 100, fullEvery: 0, absentProbeEvery: 0.5 }
    let state = initialPollState(['a', 'b'])
    const reads: PollRead[] = []
    for (let t = 0; t < 400; t += 50) {
      const r = pollSchedule(state, t, (id) => id === 'b', policy)
      state = r.state
      reads.push(...r.reads)
    }
    // fullEvery 0 -> 1: every visit full; absentProbeEvery 0.5 -> 1: b probed every round.
    expect(reads.every((r) => r.mode === 'full')).toBe(true)
    expect(reads.map((r) => r.supply)).toEqual(['a', 'b', 'a', 'b', 'a', 'b', 'a'])
    const policy25 = { ...defaultPollPolicy, roundIntervalMs: 100, fullEvery: 2.5, absentProbeEvery: 1 }
    let s2 = initialPollState(['a'])
    const modes: string[] = []
    for (let t = 0; t < 500; t += 100) {
      const r = pollSchedule(s2, t, never, policy25)
      s2 = r.state
      modes.push(...r.reads.map((x) => x.mode))
    }
    expect(modes).toEqual(['full', 'status', 'full', 'status', 'full'])
  })

  it('initialPollState sorts by JS < and starts every phase at a full read', () => {
    expect(initialPollState(['b', 'B', 'a10', 'a9'])).toEqual({
      order: ['B', 'a10', 'a9', 'b'],
      cursor: 0,
      round: 0,
      nextVisitMs: undefined,
      visitPhase: { B: 0, a10: 0, a9: 0, b: 0 },
    })
  })
})

describe('pollSchedule: a tick that lands on the slot after a full round of catching up', () => {
  it('issues one round and restarts one interval after now, not at now', () => {
    const never = () => false
    const policy = { ...defaultPollPolicy, roundIntervalMs: 300 }
    const first = pollSchedule(initialPollState(['a', 'b', 'c']), 0, never, policy)
    // Slots at 100, 200, 300 and 400 are due at 400: one round (3) is issued, the 4th slot is dropped.
    const late = pollSchedule(first.state, 400, never, policy)
    expect(late.reads.map((r) => r.supply)).toEqual(['b', 'c', 'a'])
    expect(late.state.nextVisitMs).toBe(500)
    expect(pollSchedule(late.state, 450, never, policy).reads).toEqual([])
  })
})
