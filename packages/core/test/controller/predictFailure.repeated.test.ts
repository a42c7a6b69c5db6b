import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import {
  countCap,
  currentPrediction,
  defaultPredictionPolicy,
  initialPredictorState,
  observeForPrediction,
  observeRepeated,
  repeatedObservationsWithinRisk,
  updateStats,
  updateStatsRepeated,
  updateTrend,
  updateTrendRepeated,
  type EwStats,
  type EwTrend,
  type PredictionContext,
  type PredictionPolicy,
  type PredictorState,
  type RiskBand,
} from '../../src/controller/predictFailure.js'
import type { HealthObservation } from '../../src/controller/assessHealth.js'
import type { SupplyReadings } from '../../src/telemetry/telemetry.js'
import { commErrorOf, sampleWithFlags } from '../../src/testing/eventArbitraries.js'

// The documented float tolerance of the closed forms: relative 1e-9 of the quantity's own scale.
const TOLERANCE = 1e-9
const close = (actual: number, expected: number, scale: number): boolean =>
  Math.abs(actual - expected) <= TOLERANCE * Math.max(1, Math.abs(expected), scale)

const repeatStats = (s: EwStats, x: number, alpha: number, count: number): EwStats => {
  let out = s
  for (let i = 0; i < count; i++) out = updateStats(out, x, alpha)
  return out
}
const repeatTrend = (
  s: EwTrend,
  t0: number,
  dt: number,
  x: number,
  alpha: number,
  count: number,
): EwTrend => {
  let out = s
  for (let i = 0; i < count; i++) out = updateTrend(out, t0 + i * dt, x, alpha)
  return out
}

const alphaArb = fc.double({ min: 0.001, max: 0.9, noNaN: true })
const valueArb = fc.double({ min: -1e3, max: 1e3, noNaN: true })

describe('closed-form repeats of the EW statistics equal single updates', () => {
  test.prop([
    fc.integer({ min: 1, max: countCap }),
    valueArb,
    fc.double({ min: 0, max: 1e4, noNaN: true }),
    valueArb,
    alphaArb,
    fc.integer({ min: 0, max: 3000 }),
  ])('updateStatsRepeated', (n, mean, variance, x, alpha, count) => {
    const start: EwStats = { n, mean, variance }
    const fast = updateStatsRepeated(start, x, alpha, count)
    const slow = repeatStats(start, x, alpha, count)
    expect(fast.n).toBe(slow.n) // counters exact, saturating
    const d0 = x - mean
    expect(close(fast.mean, slow.mean, Math.abs(d0) + Math.abs(x))).toBe(true)
    expect(close(fast.variance, slow.variance, variance + d0 * d0)).toBe(true)
  })

  test.prop([
    fc.integer({ min: 1, max: countCap }),
    fc.double({ min: 0, max: 3.2e10, noNaN: true }),
    fc.double({ min: 0, max: 5e4, noNaN: true }),
    fc.double({ min: 0, max: 1e8, noNaN: true }),
    valueArb,
    fc.double({ min: -1e5, max: 1e5, noNaN: true }),
    fc.constantFrom(125, 1000, 333.3),
    valueArb,
    alphaArb,
    fc.integer({ min: 0, max: 3000 }),
  ])('updateTrendRepeated', (n, t0, lag, varT, meanX, covTX, dt, x, alpha, count) => {
    const start: EwTrend = { n, meanT: t0 - lag, meanX, varT, covTX }
    const fast = updateTrendRepeated(start, t0, dt, x, alpha, count)
    const slow = repeatTrend(start, t0, dt, x, alpha, count)
    expect(fast.n).toBe(slow.n)
    const spanT = lag + dt / alpha + count * dt
    const d0 = Math.abs(x - meanX)
    expect(close(fast.meanT, slow.meanT, t0 + spanT)).toBe(true)
    expect(close(fast.meanX, slow.meanX, d0 + Math.abs(x))).toBe(true)
    expect(close(fast.varT, slow.varT, varT + spanT * spanT)).toBe(true)
    // The running mean is only as exact as |x| allows (rounding relative to |x|, over up to 3000 steps);
    // times the time spread, that limits the covariance of either form when x and meanX nearly cancel.
    expect(close(fast.covTX, slow.covTX, Math.abs(covTX) + spanT * (d0 + 1e-5 * Math.abs(x)))).toBe(true)
  })
})

const POLL_MS = 1000

/** 12 V supply readings with optional wear; the ripple monitor is optional. */
const readingsArb: fc.Arbitrary<SupplyReadings> = fc.record(
  {
    poutW: fc.double({ min: 0, max: 3000, noNaN: true }),
    vinV: fc.double({ min: 90, max: 250, noNaN: true }),
    voutV: fc.double({ min: 11.5, max: 12.5, noNaN: true }),
    temperatureC: fc.double({ min: 20, max: 90, noNaN: true }),
    fanCommandPct: fc.double({ min: 0, max: 100, noNaN: true }),
    fanRpm: fc.double({ min: 0, max: 20000, noNaN: true }),
    voutRippleV: fc.double({ min: 0, max: 0.6, noNaN: true }),
  },
  { requiredKeys: ['poutW', 'vinV', 'voutV', 'temperatureC', 'fanCommandPct', 'fanRpm'] },
)
const flagsArb = fc.subarray(
  [
    'fans12.fan1Warning',
    'temperature.otWarning',
    'input.vinUvWarning',
    'iout.ocWarning',
    'vout.ovWarning',
    'word.powerGoodNegated',
  ],
  { maxLength: 2 },
)

const observationArb: fc.Arbitrary<HealthObservation> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({ readings: readingsArb, flags: flagsArb }).map(({ readings, flags }) => ({
      _tag: 'Sample' as const,
      sample: sampleWithFlags('psu1', 0, flags, readings),
    })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ flags: flagsArb })
      .map(({ flags }) => ({ _tag: 'Sample' as const, sample: sampleWithFlags('psu1', 0, flags, {}) })),
  },
  {
    weight: 1,
    arbitrary: fc.constant<HealthObservation>({ _tag: 'ReadFailed', atMs: 0, error: commErrorOf('NoAck') }),
  },
)

const at = (o: HealthObservation, atMs: number): HealthObservation =>
  o._tag === 'ReadFailed' ? { ...o, atMs } : { ...o, sample: { ...o.sample, atMs } }

/** A predictor record after a random history (warm-up done or not). */
const historyArb = fc.array(observationArb, { minLength: 0, maxLength: 40 })
const run = (
  history: readonly HealthObservation[],
  policy: PredictionPolicy,
  context: PredictionContext,
): PredictorState =>
  history.reduce(
    (s, o, i) => observeForPrediction(s, at(o, i * POLL_MS), policy, context),
    initialPredictorState('psu1'),
  )

const policyArb: fc.Arbitrary<PredictionPolicy> = fc
  .record({
    warmupSamples: fc.integer({ min: 1, max: 25 }),
    smoothingAlpha: fc.constantFrom(0.2, 0.05, 0.5),
    trendAlpha: fc.constantFrom(0.05, 0.01),
  })
  .map((p) => ({ ...defaultPredictionPolicy, ...p }))

const contextArb: fc.Arbitrary<PredictionContext> = fc.record(
  {
    commonModeC: fc.double({ min: -5, max: 5, noNaN: true }),
    inputLossRemembered: fc.boolean(),
  },
  { requiredKeys: [] },
)

/** Every number of a predictor record, by path. */
const leaves = (x: unknown, path = ''): Array<[string, number]> =>
  typeof x === 'number'
    ? [[path, x]]
    : x !== null && typeof x === 'object'
      ? Object.entries(x).flatMap(([k, v]) => leaves(v, `${path}.${k}`))
      : []

const expectSameRecord = (fast: PredictorState, slow: PredictorState): void => {
  const f = new Map(leaves(fast))
  const s = leaves(slow)
  expect([...f.keys()].sort()).toEqual(s.map(([k]) => k).sort())
  for (const [path, v] of s) {
    const w = f.get(path) as number
    // Counters (n, fullSamples) exactly; statistics to the documented rounding.
    if (path.endsWith('.n') || path === '.fullSamples') expect(w, path).toBe(v)
    else {
      const scale =
        path.includes('meanT') || path.includes('varT') ? 1e12 : path.includes('covTX') ? 1e9 : 1e3
      expect(close(w, v, scale), `${path}: ${w} vs ${v}`).toBe(true)
    }
  }
  expect(fast.lastResidualC === undefined).toBe(slow.lastResidualC === undefined)
}

describe('observeRepeated', () => {
  test.prop([historyArb, observationArb, fc.integer({ min: 0, max: 600 }), policyArb, contextArb], {
    numRuns: 150,
  })(
    'equals that many single observations (counters exact, statistics to rounding)',
    (history, observation, count, policy, context) => {
      const prev = run(history, policy, context)
      const t0 = history.length * POLL_MS
      const fast = observeRepeated(prev, at(observation, t0), count, POLL_MS, policy, context)
      let slow = prev
      for (let i = 0; i < count; i++)
        slow = observeForPrediction(slow, at(observation, t0 + i * POLL_MS), policy, context)
      expectSameRecord(fast, slow)
      // The prediction it implies is the same (risk to rounding).
      expect(
        Math.abs(currentPrediction(fast, policy).failureRisk - currentPrediction(slow, policy).failureRisk),
      ).toBeLessThanOrEqual(1e-9)
    },
  )
})

/** Worn readings: hot, slow fan, drifting output (the risk climbs under repeats). */
const worn = (wear: number): SupplyReadings => ({
  poutW: 1200,
  vinV: 230,
  voutV: 12 + 0.4 * wear,
  temperatureC: 45 + 12 * wear,
  fanCommandPct: 60,
  fanRpm: 9000 * (1 - 0.5 * wear),
  voutRippleV: 0.12 + 0.3 * wear,
})

describe('repeatedObservationsWithinRisk', () => {
  const bandArb: fc.Arbitrary<RiskBand> = fc.oneof(
    fc.double({ min: 0.05, max: 0.95, noNaN: true }).map((below) => ({ below })),
    fc.double({ min: 0.05, max: 0.95, noNaN: true }).map((atLeast) => ({ atLeast })),
  )
  test.prop(
    [
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 25, maxLength: 60 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      flagsArb,
      fc.integer({ min: 1, max: 800 }),
      bandArb,
    ],
    { numRuns: 150 },
  )(
    'is the index of the first single observation whose risk leaves the band',
    (wears, wear, flags, count, band) => {
      const history = wears.map((w, i): HealthObservation => ({
        _tag: 'Sample',
        sample: sampleWithFlags('psu1', i * POLL_MS, [], worn(i < 25 ? 0 : w)),
      }))
      const prev = run(history, defaultPredictionPolicy, {})
      const observation: HealthObservation = {
        _tag: 'Sample',
        sample: sampleWithFlags('psu1', history.length * POLL_MS, flags, worn(wear)),
      }
      const inside = (r: number): boolean =>
        (band.atLeast === undefined || r >= band.atLeast) && (band.below === undefined || r < band.below)
      let slow = prev
      let expected = count
      let nearEdge = false
      for (let i = 0; i < count; i++) {
        slow = observeForPrediction(slow, at(observation, history.length * POLL_MS + i * POLL_MS))
        const risk = currentPrediction(slow).failureRisk
        const edge = band.atLeast ?? band.below ?? 0
        if (Math.abs(risk - edge) <= 1e-9) nearEdge = true
        if (!inside(risk)) {
          expected = i
          break
        }
      }
      fc.pre(!nearEdge) // within rounding of the threshold either answer is right (documented)
      expect(repeatedObservationsWithinRisk(prev, observation, count, POLL_MS, band)).toBe(expected)
    },
  )

  test.prop(
    [
      fc.array(
        fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), flagsArb, fc.integer({ min: 1, max: 400 })),
        { minLength: 1, maxLength: 12 },
      ),
    ],
    { numRuns: 60 },
  )(
    'a latched at-risk flag (with hysteresis) flips at the same observations, fast or one by one',
    (stretches) => {
      const pre = 0.5
      const hysteresis = 0.1
      const flipsOneByOne: number[] = []
      const flipsFast: number[] = []
      // One by one, as the controller sees it.
      let slow = initialPredictorState('psu1')
      let slowRisk = false
      let t = 0
      for (const [wear, flags, n] of stretches)
        for (let i = 0; i < n; i++, t += POLL_MS) {
          slow = observeForPrediction(slow, {
            _tag: 'Sample',
            sample: sampleWithFlags('psu1', t, flags, worn(wear)),
          })
          const risk = currentPrediction(slow).failureRisk
          const next: boolean = slowRisk ? risk >= pre - hysteresis : risk >= pre
          if (next !== slowRisk) flipsOneByOne.push(t)
          slowRisk = next
        }
      // Fast: jump over repeats that keep the flag, take the flipping observation singly.
      let fast = initialPredictorState('psu1')
      let fastRisk = false
      t = 0
      for (const [wear, flags, n] of stretches) {
        let left = n
        while (left > 0) {
          const observation: HealthObservation = {
            _tag: 'Sample',
            sample: sampleWithFlags('psu1', t, flags, worn(wear)),
          }
          const band: RiskBand = fastRisk ? { atLeast: pre - hysteresis } : { below: pre }
          const keep = repeatedObservationsWithinRisk(fast, observation, left, POLL_MS, band)
          fast = observeRepeated(fast, observation, keep, POLL_MS)
          t += keep * POLL_MS
          left -= keep
          if (left === 0) break
          fast = observeForPrediction(fast, at(observation, t))
          fastRisk = !fastRisk
          flipsFast.push(t)
          t += POLL_MS
          left--
        }
      }
      expect(flipsFast).toEqual(flipsOneByOne)
    },
  )
})
