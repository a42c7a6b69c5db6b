import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import {
  defaultReallocationPolicy,
  formatControllerConfigError,
  resolveControllerConfig,
  type ControllerConfig,
} from '../../src/controller/controllerConfig.js'
import { defaultDeglitchPolicy } from '../../src/controller/assessHealth.js'
import { defaultPollPolicy } from '../../src/controller/pollSchedule.js'
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

/** `{ deglitch: { faultPolls: v } }` from the path `deglitch.faultPolls`. */
const settingAt = (path: string, value: unknown): Omit<ControllerConfig, 'rack'> => {
  const keys = path.split('.')
  let out: unknown = value
  for (const key of keys.reverse()) out = { [key]: out }
  return out as Omit<ControllerConfig, 'rack'>
}

const policyAt = (config: ControllerConfig, path: string): unknown => {
  const r = resolveControllerConfig(config)
  if (E.isLeft(r)) throw new Error(r.left.issues.map((i) => `${i.path} ${i.message}`).join('\n'))
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], r.right.policies)
}

describe('resolveControllerConfig: every setting rule at its boundary', () => {
  // [path, the limit itself or the closest accepted value, the closest rejected value, the rule message]
  it.each<[string, unknown, unknown, string]>([
    ['deglitch.faultPolls', 1, 0, 'must be an integer >= 1, got 0'],
    ['deglitch.powerGoodPolls', 1, 0, 'must be an integer >= 1, got 0'],
    ['deglitch.commFaultReads', 1, 0, 'must be an integer >= 1, got 0'],
    ['deglitch.absentReads', 1, 0, 'must be an integer >= 1, got 0'],
    ['deglitch.inputLossMemoryPolls', 0, -1, 'must be an integer >= 0, got -1'],
    ['deglitch.recoverPolls', 1, 0, 'must be an integer >= 1, got 0'],
    ['poll.roundIntervalMs', 0.5, 0, 'must be a finite number > 0, got 0'],
    ['poll.fullEvery', 1, 1.5, 'must be an integer >= 1, got 1.5'],
    ['poll.absentProbeEvery', 1, 0, 'must be an integer >= 1, got 0'],
    ['reallocation.minDwellMs', 0, -0.5, 'must be a finite number >= 0, got -0.5'],
    ['reallocation.loadMarginW', 0, -1, 'must be a finite number >= 0, got -1'],
    ['reallocation.loadMarginFraction', 0, 1, 'must be in [0, 1), got 1'],
    ['reallocation.loadMarginFraction', 0.99, -0.01, 'must be in [0, 1), got -0.01'],
    ['reallocation.riskHysteresis', 0, 1, 'must be in [0, 1), got 1'],
    ['reallocation.riskHoldMs', 0, -1, 'must be a finite number >= 0, got -1'],
    ['reallocation.switchQuarantineMs', 0, -1, 'must be a finite number >= 0, got -1'],
    ['reallocation.planTimeoutMs', 1, 0, 'must be a finite number > 0, got 0'],
    ['prediction.smoothingAlpha', 1, 1.01, 'must be in (0, 1], got 1.01'],
    ['prediction.trendAlpha', 1, 0, 'must be in (0, 1], got 0'],
    ['prediction.warmupSamples', 1, 0, 'must be an integer >= 1, got 0'],
    ['prediction.baselineAdaptAlpha', 0, 1, 'must be in [0, 1), got 1'],
    ['prediction.nominalVoutV', 12, 0, 'must be a finite number > 0, got 0'],
    ['prediction.sagFraction', 0.5, 0, 'must be in (0, 1), got 0'],
    ['prediction.sagFraction', 0.99, 1, 'must be in (0, 1), got 1'],
    ['prediction.ambientCompensation', false, 0, 'must be a boolean, got 0'],
    ['prediction.enabled', true, null, 'must be a boolean, got null'],
    ['prediction.signals.ripple.weight', 0, -0.1, 'must be in [0, 1], got -0.1'],
    ['prediction.signals.ripple.weight', 1, 1.1, 'must be in [0, 1], got 1.1'],
    ['prediction.signals.voutDeviation.onset', -1, 'x', 'must be a finite number, got "x"'],
    ['prediction.signals.inputSags.limit', 100, Infinity, 'must be a finite number, got Infinity'],
  ])('%s accepts %s and rejects %s', (path, accepted, rejected, message) => {
    expect(policyAt({ rack, ...settingAt(path, accepted) }, path)).toEqual(accepted)
    expect(issues({ rack, ...settingAt(path, rejected) })).toEqual([`${path} ${message}`])
  })

  it('names what it got: NaN, arrays, objects, booleans, strings, null', () => {
    expect(issues({ rack, poll: { fullEvery: Number.NaN } })).toEqual([
      'poll.fullEvery must be an integer >= 1, got NaN',
    ])
    expect(issues({ rack, poll: { fullEvery: [2] as never } })).toEqual([
      'poll.fullEvery must be an integer >= 1, got an array',
    ])
    expect(issues({ rack, poll: { fullEvery: { n: 2 } as never } })).toEqual([
      'poll.fullEvery must be an integer >= 1, got object',
    ])
    expect(issues({ rack, poll: { fullEvery: true as never } })).toEqual([
      'poll.fullEvery must be an integer >= 1, got true',
    ])
    expect(issues({ rack, poll: { fullEvery: '2' as never } })).toEqual([
      'poll.fullEvery must be an integer >= 1, got "2"',
    ])
    expect(issues({ rack, deglitch: null as never })).toEqual(['deglitch must be an object, got null'])
    expect(issues({ rack, reallocation: [] as never })).toEqual([
      'reallocation must be an object, got an array',
    ])
  })

  it('a setting given as undefined keeps its default', () => {
    expect(policyAt({ rack, poll: { fullEvery: undefined } as never }, 'poll.fullEvery')).toBe(10)
  })

  it('loadWarningFlags must name warning-class flags of the severity table', () => {
    const path = 'prediction.loadWarningFlags'
    expect(policyAt({ rack, ...settingAt(path, ['iout.ocWarning']) }, path)).toEqual(['iout.ocWarning'])
    expect(policyAt({ rack, ...settingAt(path, []) }, path)).toEqual([])
    // A failed-class flag, an unknown flag and a non-list are each rejected.
    expect(issues({ rack, ...settingAt(path, ['iout.ocFault']) })).toEqual([
      `${path} must be a list of warning flag names of statusSeverityTable, got ["iout.ocFault"]`,
    ])
    expect(issues({ rack, ...settingAt(path, ['iout.ocWarning', 'nope']) })).toEqual([
      `${path} must be a list of warning flag names of statusSeverityTable, got ["iout.ocWarning","nope"]`,
    ])
    expect(issues({ rack, ...settingAt(path, 'iout.ocWarning') })).toEqual([
      `${path} must be a list of warning flag names of statusSeverityTable, got "iout.ocWarning"`,
    ])
  })

  it('a signal limit must lie above its onset, given or defaulted', () => {
    expect(issues({ rack, prediction: { signals: { ripple: { onset: 0.05, limit: 0.05 } } } })).toEqual([
      'prediction.signals.ripple.limit must be greater than onset (0.05), got 0.05',
    ])
    // Only the onset given: the default limit (0.03) is checked against it.
    expect(issues({ rack, prediction: { signals: { ripple: { onset: 0.04 } } } })).toEqual([
      'prediction.signals.ripple.limit must be greater than onset (0.04), got 0.03',
    ])
  })

  it('prediction and its signals must be objects', () => {
    expect(issues({ rack, prediction: 3 as never })).toEqual(['prediction must be an object, got 3'])
    expect(issues({ rack, prediction: { signals: 'all' as never } })).toEqual([
      'prediction.signals must be an object, got "all"',
    ])
    expect(issues({ rack, prediction: { signals: { ripple: 1 as never } } })).toEqual([
      'prediction.signals.ripple must be an object, got 1',
    ])
  })

  it('riskHysteresis may not exceed the rack preemptRisk', () => {
    expect(policyAt({ rack, reallocation: { riskHysteresis: 0.5 } }, 'reallocation.riskHysteresis')).toBe(0.5)
    expect(issues({ rack, reallocation: { riskHysteresis: 0.6 } })).toEqual([
      'reallocation.riskHysteresis must be <= rack.policy.preemptRisk (0.5), got 0.6',
    ])
  })

  it('reports rack problems under rack., all problems at once', () => {
    const badRack = { ...rack, supplies: [{ ...rack.supplies[0], capacityW: -1 }, ...rack.supplies.slice(1)] }
    const found = issues({ rack: badRack, poll: { fullEvery: 0 }, deglitch: { faultPolls: 0 } })
    expect(found.some((i) => i.startsWith('rack.supplies[0].capacityW '))).toBe(true)
    expect(found).toContain('poll.fullEvery must be an integer >= 1, got 0')
    expect(found).toContain('deglitch.faultPolls must be an integer >= 1, got 0')
    expect(issues({ rack: 'none' })).toEqual([expect.stringMatching(/^rack /)])
  })

  it('a configuration that is not an object is one issue at path config', () => {
    const r = resolveControllerConfig(null as never)
    expect(E.isLeft(r) && r.left.issues).toEqual([{ path: 'config', message: 'must be an object, got null' }])
  })

  it('formatControllerConfigError prints one `path message` line per issue', () => {
    const r = resolveControllerConfig({ rack, poll: { fullEvery: 0, absentProbeEvery: 0 } })
    expect(E.isLeft(r) && formatControllerConfigError(r.left)).toBe(
      'poll.fullEvery must be an integer >= 1, got 0\npoll.absentProbeEvery must be an integer >= 1, got 0',
    )
  })

  it('resolves to the decoded rack and the merged policies', () => {
    const r = resolveControllerConfig({ rack, deglitch: { faultPolls: 4 }, poll: { roundIntervalMs: 500 } })
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    expect(r.right.rack.supplies.map((s) => s.id)).toEqual(['psu1', 'psu2', 'psu3'])
    expect(r.right.policies.deglitch).toEqual({ ...defaultDeglitchPolicy, faultPolls: 4 })
    expect(r.right.policies.poll).toEqual({ ...defaultPollPolicy, roundIntervalMs: 500 })
    expect(r.right.policies.reallocation).toEqual(defaultReallocationPolicy)
    expect(r.right.policies.prediction).toEqual(defaultPredictionPolicy)
  })
})

describe('resolveControllerConfig: typed errors (mutation-testing gaps)', () => {
  it('a missing configuration is a tagged error at path config', () => {
    expect(resolveControllerConfig(undefined as never)).toEqual(
      E.left({
        _tag: 'ControllerConfigError',
        issues: [{ path: 'config', message: 'must be an object, got undefined' }],
      }),
    )
  })

  it('setting problems come back tagged ControllerConfigError', () => {
    const r = resolveControllerConfig({ rack, poll: { fullEvery: 0 } })
    expect(E.isLeft(r) && r.left._tag).toBe('ControllerConfigError')
  })

  it('infinite numbers are rejected where a finite number is required', () => {
    expect(issues({ rack, reallocation: { minDwellMs: Infinity } })).toEqual([
      'reallocation.minDwellMs must be a finite number >= 0, got Infinity',
    ])
    expect(issues({ rack, poll: { roundIntervalMs: Infinity } })).toEqual([
      'poll.roundIntervalMs must be a finite number > 0, got Infinity',
    ])
  })
})
