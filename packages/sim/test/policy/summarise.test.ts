import { describe, expect, test } from 'vitest'
import { estimate, quantile } from '../../src/policy/summarise.js'
import { predictionOutcome, predictionHorizonMs } from '../../src/policy/predictionOutcome.js'

describe('estimate', () => {
  test('mean and 95% CI half-width with Student t (hand-computed)', () => {
    // mean 2, sample sd 1, n 3: t(0.975, 2) = 4.303, half-width 4.303 / sqrt(3) = 2.4843
    const e = estimate([1, 2, 3])
    expect(e.mean).toBe(2)
    expect(e.ci95).toBeCloseTo(2.4843, 4)
    expect(estimate([5])).toEqual({ mean: 5, ci95: 0, n: 1 })
    expect(Number.isNaN(estimate([]).mean)).toBe(true)
  })
  test('quantile interpolates', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5)
    expect(quantile([], 0.5)).toBeUndefined()
  })
})

describe('predictionOutcome', () => {
  const H = 3_600_000
  test('true alarms give lead times, others are false; unwarned wear-outs are missed, abrupt ones are not', () => {
    const out = predictionOutcome(
      [
        { supply: 'p1', atMs: 10 * H },
        { supply: 'p1', atMs: 12 * H },
        { supply: 'p2', atMs: 10 * H },
        { supply: 'p3', atMs: 0 },
      ],
      [
        { supply: 'p1', atMs: 20 * H, cause: 'capacitor' },
        { supply: 'p3', atMs: predictionHorizonMs + 1, cause: 'fan' },
        { supply: 'p4', atMs: 5 * H, cause: 'abrupt' },
      ],
    )
    expect(out).toEqual({
      alarms: 4,
      trueAlarms: 2,
      falseAlarms: 2,
      leadTimesMs: [10 * H],
      missedWearOuts: 1,
    })
  })
})
