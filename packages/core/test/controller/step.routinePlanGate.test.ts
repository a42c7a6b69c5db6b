/** `routinePlanEarliestMs` against step's routine-plan gate: they agree at the boundary, to the last bit. */
import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { routinePlanEarliestMs, step, type ControllerState } from '../../src/controller/step.js'
import { start } from './stepFixtures.js'

/** The next double below a positive finite `x`. */
const below = (x: number): number => {
  const bits = new DataView(new ArrayBuffer(8))
  bits.setFloat64(0, x)
  bits.setBigInt64(0, bits.getBigInt64(0) - 1n)
  return bits.getFloat64(0)
}

/** A started controller with a routine replan pending, no plan in flight. */
const pending = (
  roundIntervalMs: number,
  minDwellMs: number,
  startedAtMs: number,
  lastPlanMs: number | undefined,
): ControllerState => ({
  ...start({ poll: { roundIntervalMs }, reallocation: { minDwellMs } }),
  startedAtMs,
  nowMs: startedAtMs,
  lastPlanMs,
  replanPending: true,
})

/** Whether a Tick at `atMs` let the routine plan go (a routine allocation clears replanPending). */
const gateOpens = (s: ControllerState, atMs: number): boolean =>
  !step(s, { _tag: 'Tick', atMs }).state.replanPending

// Times with fractional parts (bus time offsets) at the magnitudes of a simulated year.
const time = fc.double({ min: 1, max: 4e10, noNaN: true })
const gap = fc.double({ min: 1e-3, max: 1e7, noNaN: true })

describe('routinePlanEarliestMs', () => {
  test.prop([gap, gap, time, fc.option(fc.double({ min: 0, max: 1e7, noNaN: true }), { nil: undefined })])(
    'a Tick at the earliest time passes the gate, one double earlier does not',
    (round, dwell, startedAtMs, sinceStart) => {
      const lastPlanMs = sinceStart === undefined ? undefined : startedAtMs + sinceStart
      const s = pending(round, dwell, startedAtMs, lastPlanMs)
      const earliest = routinePlanEarliestMs(s)
      expect(Number.isFinite(earliest)).toBe(true)
      expect(gateOpens(s, earliest)).toBe(true)
      expect(gateOpens(s, below(earliest))).toBe(false)
    },
  )

  test.prop([gap, gap, time, time, fc.double({ min: -2, max: 2, noNaN: true })])(
    'agrees with the time test as step wrote it before (now - start >= round, now - lastPlan >= dwell)',
    (round, dwell, startedAtMs, lastPlanMs, offset) => {
      const s = pending(round, dwell, startedAtMs, lastPlanMs)
      const earliest = routinePlanEarliestMs(s)
      for (const now of [
        earliest,
        below(earliest),
        earliest + offset,
        Math.max(startedAtMs, lastPlanMs) + round + dwell + offset,
      ])
        expect(now >= earliest).toBe(now - startedAtMs >= round && now - lastPlanMs >= dwell)
    },
  )

  test('one round after start-up, then the dwell after the last plan; +Infinity before the first event', () => {
    expect(routinePlanEarliestMs(start())).toBe(Number.POSITIVE_INFINITY)
    expect(routinePlanEarliestMs(pending(1000, 30_000, 500, undefined))).toBe(1500)
    expect(routinePlanEarliestMs(pending(1000, 30_000, 500, 700))).toBe(30_700)
    // Here start + round rounds down: a Tick at that sum would still fail the gate (sum - start < round).
    const [startedAtMs, round] = [13362967585.987154, 209.16396728400733]
    expect(startedAtMs + round - startedAtMs >= round).toBe(false)
    const earliest = routinePlanEarliestMs(pending(round, 0, startedAtMs, undefined))
    expect(earliest).toBeGreaterThan(startedAtMs + round)
    expect(gateOpens(pending(round, 0, startedAtMs, undefined), earliest)).toBe(true)
    expect(gateOpens(pending(round, 0, startedAtMs, undefined), startedAtMs + round)).toBe(false)
  })
})
