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
    expect(state.cursor).toBeLessThanOrEqual(4)
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
