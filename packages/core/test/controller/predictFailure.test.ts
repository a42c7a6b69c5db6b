import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import {
  currentPrediction,
  defaultPredictionPolicy,
  initialPredictorState,
  predictFailure,
  type FailurePrediction,
  type PredictorState,
} from '../../src/controller/predictFailure.js'
import type { HealthObservation } from '../../src/controller/assessHealth.js'
import type { SupplyReadings } from '../../src/telemetry/telemetry.js'
import { commErrorOf, sampleWithFlags } from '../../src/testing/eventArbitraries.js'

/** Deterministic PRNG (mulberry32) and Gaussian noise for test signals. */
const rng = (seed: number) => {
  let a = seed >>> 0
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const gauss = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform())
  return { uniform, gauss }
}

const POLL_MS = 1000

/** Healthy 12 V supply readings at load `poutW`, plus optional degradation offsets. */
const healthy = (
  poutW: number,
  noise: () => number,
  sigma: number,
  d: { tempC?: number; fanLoss?: number; voutV?: number } = {},
): SupplyReadings => {
  const cmd = 30 + poutW / 50
  return {
    poutW,
    vinV: 230 + 2 * sigma * noise(),
    voutV: 12 + 0.01 * sigma * noise() + (d.voutV ?? 0),
    temperatureC: 28 + 0.008 * poutW + sigma * noise() + (d.tempC ?? 0),
    fanCommandPct: cmd,
    fanRpm: 150 * cmd * (1 + 0.01 * sigma * noise()) * (1 - (d.fanLoss ?? 0)),
  }
}

const sampleObs = (i: number, readings: SupplyReadings, flags: string[] = []): HealthObservation => ({
  _tag: 'Sample',
  sample: sampleWithFlags('psu1', i * POLL_MS, flags, readings),
})

const runAll = (obs: readonly HealthObservation[]): { state: PredictorState; trace: FailurePrediction[] } => {
  let state = initialPredictorState('psu1')
  const trace: FailurePrediction[] = []
  for (const o of obs) {
    const r = predictFailure(state, o)
    state = r.state
    trace.push(r.prediction)
  }
  return { state, trace }
}

const WARMUP = defaultPredictionPolicy.warmupSamples

describe('predictFailure: healthy supplies', () => {
  test.prop([fc.integer(), fc.double({ min: 0, max: 1.5, noNaN: true })], { numRuns: 60 })(
    'a healthy noisy supply under varying load stays low and never reaches preemption',
    (seed, sigma) => {
      const { uniform, gauss } = rng(seed)
      const obs = Array.from({ length: 600 }, (_, i) =>
        sampleObs(i, healthy(300 + 2500 * uniform(), gauss, sigma)),
      )
      const { trace } = runAll(obs)
      const worst = Math.max(...trace.map((p) => p.failureRisk))
      expect(worst).toBeLessThan(0.2)
    },
  )
})

describe('predictFailure: degrading supplies', () => {
  const ramp = (kind: 'temp' | 'fan' | 'vout', perSample: number, sigma: number, seed: number, n = 800) => {
    const { gauss } = rng(seed)
    return Array.from({ length: n }, (_, i) => {
      const k = Math.max(0, i - WARMUP - 20) * perSample
      const d =
        kind === 'temp' ? { tempC: k } : kind === 'fan' ? { fanLoss: Math.min(0.95, k) } : { voutV: -k }
      return sampleObs(i, healthy(1500, gauss, sigma, d))
    })
  }

  test.prop([fc.constantFrom('temp', 'fan', 'vout'), fc.double({ min: 0.2, max: 1, noNaN: true })], {
    numRuns: 60,
  })('a steadily degrading noise-free signal raises risk monotonically, up to preemption', (kind, speed) => {
    const per = kind === 'temp' ? 0.1 * speed : kind === 'fan' ? 0.003 * speed : 0.003 * speed
    const { trace } = runAll(ramp(kind, per, 0, 1))
    for (let i = 1; i < trace.length; i++) {
      expect(trace[i]!.failureRisk).toBeGreaterThanOrEqual(trace[i - 1]!.failureRisk - 1e-12)
    }
    expect(trace[trace.length - 1]!.failureRisk).toBeGreaterThanOrEqual(0.5)
  })

  test.prop(
    [fc.constantFrom('temp', 'fan', 'vout'), fc.integer(), fc.double({ min: 0.2, max: 1, noNaN: true })],
    { numRuns: 60 },
  )('with noise, risk sampled every 50 polls is non-decreasing within 0.1', (kind, seed, speed) => {
    const per = kind === 'temp' ? 0.1 * speed : kind === 'fan' ? 0.003 * speed : 0.003 * speed
    const { trace } = runAll(ramp(kind, per, 1, seed))
    const checkpoints = trace.filter((_, i) => i % 50 === 49).map((p) => p.failureRisk)
    for (let i = 1; i < checkpoints.length; i++)
      expect(checkpoints[i]!).toBeGreaterThanOrEqual(checkpoints[i - 1]! - 0.1)
    expect(checkpoints[checkpoints.length - 1]!).toBeGreaterThanOrEqual(0.5)
  })

  it('estimates the time to failure of a linear temperature rise within a factor of 2', () => {
    const { trace } = runAll(ramp('temp', 0.05, 0, 1, 1200))
    const limitAt = trace.findIndex((p) => p.scores.temperatureResidualC >= 1)
    expect(limitAt).toBeGreaterThan(0)
    // Halfway between onset and limit, compare the estimate with the time actually left.
    const mid = trace.findIndex((p) => p.scores.temperatureResidualC >= 0.5)
    const eta = trace[mid]!.timeToFailureMs
    expect(eta).toBeDefined()
    const actual = (limitAt - mid) * POLL_MS
    expect(eta!).toBeGreaterThan(actual / 2)
    expect(eta!).toBeLessThan(actual * 2)
    expect(trace[limitAt]!.timeToFailureMs).toBe(0)
  })

  it('has no time to failure while every signal is below its onset', () => {
    const { trace } = runAll(ramp('temp', 0, 0, 1, 100))
    expect(trace.every((p) => p.timeToFailureMs === undefined && p.failureRisk === 0)).toBe(true)
  })

  it('warning bits held over time raise risk; released, it decays', () => {
    const held = Array.from({ length: 60 }, (_, i) => sampleObs(i, {}, ['temperature.otWarning']))
    const released = Array.from({ length: 60 }, (_, i) => sampleObs(60 + i, {}, []))
    const { trace } = runAll([...held, ...released])
    expect(trace[59]!.failureRisk).toBeGreaterThanOrEqual(0.5)
    expect(trace[59]!.dominant).toBe('warningHeld')
    expect(trace[119]!.failureRisk).toBeLessThan(0.05)
  })

  it('rising comm errors raise risk', () => {
    const obs: HealthObservation[] = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? { _tag: 'ReadFailed', atMs: i * POLL_MS, error: commErrorOf('PecMismatch') }
        : sampleObs(i, {}),
    )
    const { trace } = runAll(obs)
    expect(trace[99]!.scores.commErrors).toBeGreaterThan(0.5)
    expect(trace[99]!.failureRisk).toBeGreaterThan(0.2)
  })

  it('repeated input sags raise risk', () => {
    const obs = Array.from({ length: 100 }, (_, i) =>
      sampleObs(i, {}, i % 3 === 0 ? ['input.vinUvWarning'] : []),
    )
    const { trace } = runAll(obs)
    expect(trace[99]!.scores.inputSags).toBeGreaterThan(0.3)
  })

  it('is off when the policy disables it', () => {
    const policy = { ...defaultPredictionPolicy, enabled: false }
    let state = initialPredictorState('psu1')
    for (let i = 0; i < 50; i++) {
      const r = predictFailure(state, sampleObs(i, {}, ['temperature.otWarning']), policy)
      expect(r.prediction.failureRisk).toBe(0)
      state = r.state
    }
    expect(state).toEqual(initialPredictorState('psu1'))
  })
})

describe('predictFailure: bounded memory', () => {
  it('the record does not grow with history', () => {
    const { gauss, uniform } = rng(7)
    const size = (n: number) => {
      let state = initialPredictorState('psu1')
      for (let i = 0; i < n; i++) {
        const o: HealthObservation =
          i % 17 === 0
            ? { _tag: 'ReadFailed', atMs: i * POLL_MS, error: commErrorOf('Timeout') }
            : sampleObs(
                i,
                healthy(2000 * uniform(), gauss, 1, { tempC: i * 0.001 }),
                i % 5 === 0 ? ['iout.ocWarning'] : [],
              )
        state = predictFailure(state, o).state
      }
      return {
        json: JSON.stringify(state),
        keys: JSON.stringify(state, (_k, v) => (typeof v === 'number' ? 0 : v)),
      }
    }
    const small = size(50)
    const large = size(20_000)
    expect(large.keys).toEqual(small.keys) // same shape: no arrays or maps that grow
    expect(large.json.length).toBeLessThan(small.json.length + 400)
  })

  it('currentPrediction of a fresh record is zero risk', () => {
    expect(currentPrediction(initialPredictorState('x')).failureRisk).toBe(0)
  })
})

describe('predictFailure: no alarm from one bad poll', () => {
  it.each([
    ['a failed read', { _tag: 'ReadFailed', atMs: 1, error: commErrorOf('NoAck') } as HealthObservation],
    ['a warning bit', sampleObs(1, {}, ['temperature.otWarning'])],
    ['an input sag', sampleObs(1, {}, ['input.vinUvWarning'])],
  ])('%s on a fresh record stays below 0.2', (_name, obs) => {
    expect(predictFailure(initialPredictorState('psu1'), obs).prediction.failureRisk).toBeLessThan(0.2)
  })
})

describe('predictFailure: load warnings are not degradation', () => {
  it('a supply held near its power limit does not build warningHeld', () => {
    const obs = Array.from({ length: 60 }, (_, i) =>
      sampleObs(i, {}, ['iout.poutOpWarning', 'iout.powerLimiting']),
    )
    const { trace } = runAll(obs)
    expect(trace[59]!.scores.warningHeld).toBe(0)
    expect(trace[59]!.failureRisk).toBe(0)
  })
})

describe('predictFailure: input losses are not wear', () => {
  const lostInput = [
    'word.vinUv',
    'input.vinUvFault',
    'input.unitOffLowInput',
    'word.powerGoodNegated',
    'word.off',
  ]
  const outage = { poutW: 0, vinV: 0, voutV: 0, temperatureC: 25, fanCommandPct: 0, fanRpm: 0 }

  test.prop([fc.integer(), fc.integer({ min: 2, max: 6 }), fc.integer({ min: 5, max: 60 })], { numRuns: 40 })(
    'a healthy supply through several input losses keeps failureRisk low',
    (seed, losses, outageSamples) => {
      const { gauss, uniform } = rng(seed)
      const obs: HealthObservation[] = []
      let i = 0
      for (let k = 0; k < losses; k++) {
        for (let j = 0; j < 80; j++) obs.push(sampleObs(i++, healthy(300 + 2500 * uniform(), gauss, 0.5)))
        for (let j = 0; j < outageSamples; j++)
          obs.push(sampleObs(i++, outage, j % 2 === 0 ? lostInput : ['word.powerGoodNegated', 'word.off']))
      }
      const { trace } = runAll(obs)
      expect(Math.max(...trace.map((p) => p.failureRisk))).toBeLessThan(0.2)
    },
  )

  it('freezes the statistics during an outage (does not reset them)', () => {
    const { gauss, uniform } = rng(3)
    const before = runAll(
      Array.from({ length: 50 }, (_, i) => sampleObs(i, healthy(300 + 2500 * uniform(), gauss, 0.5))),
    ).state
    let s = before
    for (let j = 0; j < 20; j++) s = predictFailure(s, sampleObs(50 + j, outage, lostInput)).state
    expect(s).toEqual(before)
    // VIN gone without any flag (a supply whose status read is stale): also skipped.
    expect(predictFailure(before, sampleObs(71, { ...outage }, [])).state).toEqual(before)
    // Remembered by the controller after the flags cleared: skipped too.
    expect(
      predictFailure(before, sampleObs(72, healthy(1000, gauss, 0)), defaultPredictionPolicy, {
        inputLossRemembered: true,
      }).state,
    ).toEqual(before)
  })
})
