import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import { resolveControllerConfig, type ControllerConfig } from '../../src/controller/controllerConfig.js'
import { defaultPredictionPolicy } from '../../src/controller/predictFailure.js'
import { rack } from './stepFixtures.js'

const issues = (config: ControllerConfig): string[] => {
  const r = resolveControllerConfig(config)
  return E.isLeft(r) ? r.left.issues.map((i) => `${i.path} ${i.message}`) : []
}

describe('resolveControllerConfig', () => {
  it.each<[string, Omit<ControllerConfig, 'rack'>, string]>([
    ['a policy that is not an object', { deglitch: 5 as never }, 'deglitch must be an object, got 5'],
    [
      'an unknown setting',
      { poll: { everySoOften: 3 } as never },
      'poll.everySoOften is not a known setting',
    ],
    ['a zero count', { poll: { fullEvery: 0 } }, 'poll.fullEvery must be an integer >= 1, got 0'],
    [
      'a fractional count',
      { deglitch: { powerGoodPolls: 2.5 } },
      'deglitch.powerGoodPolls must be an integer >= 1, got 2.5',
    ],
    [
      'a negative dwell',
      { reallocation: { minDwellMs: -1 } },
      'reallocation.minDwellMs must be a finite number >= 0, got -1',
    ],
    [
      'a non-boolean switch',
      { prediction: { enabled: 'no' as never } },
      'prediction.enabled must be a boolean, got "no"',
    ],
    [
      'an alpha out of range',
      { prediction: { smoothingAlpha: 0 } },
      'prediction.smoothingAlpha must be in (0, 1], got 0',
    ],
    [
      'an unknown signal',
      { prediction: { signals: { humidity: {} } as never } },
      'prediction.signals.humidity is not a signal (warningHeld, temperatureResidualC, fanDeficit, voutDeviation, ripple, inputSags, commErrors)',
    ],
    [
      'a weight above 1',
      { prediction: { signals: { ripple: { weight: 2 } } } },
      'prediction.signals.ripple.weight must be in [0, 1], got 2',
    ],
    [
      'a top-level typo',
      { reallocaton: {} } as never,
      'reallocaton is not a known setting (rack, deglitch, prediction, poll, reallocation)',
    ],
  ])('reports %s with its path', (_name, partial, message) => {
    expect(issues({ rack, ...partial })).toEqual([message])
  })

  it('merges partial policies over the defaults', () => {
    const r = resolveControllerConfig({
      rack,
      prediction: { enabled: false, signals: { ripple: { onset: 0.02, limit: 0.05 } } },
    })
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    expect(r.right.policies.prediction.enabled).toBe(false)
    expect(r.right.policies.prediction.signals.ripple).toEqual({
      onset: 0.02,
      limit: 0.05,
      weight: defaultPredictionPolicy.signals.ripple.weight,
    })
    expect(r.right.policies.prediction.signals.fanDeficit).toEqual(defaultPredictionPolicy.signals.fanDeficit)
    expect(r.right.rack.policy.supplyRedundancy).toBe(0)
  })

  it('fills the rack policy defaults when the rack JSON leaves them out', () => {
    const { policy: _omitted, ...noPolicy } = rack
    const r = resolveControllerConfig({ rack: noPolicy })
    expect(E.isRight(r) && r.right.rack.policy).toEqual({
      supplyRedundancy: 1,
      busRedundancy: true,
      derate: 1,
      preemptRisk: 0.5,
    })
  })
})
