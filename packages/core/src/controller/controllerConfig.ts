/**
 * Pure. A controller configuration (rack wiring plus policies, partial policies allowed) in, the
 * validated configuration with every default filled, or every problem named by its path, out.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { DecodeIssue } from '../decode/decodeError.js'
import { decodeRackInput } from '../decode/decodeRackInput.js'
import type { RackInput } from '../model/rack.js'
import { defaultDeglitchPolicy, type DeglitchPolicy } from './assessHealth.js'
import { defaultPollPolicy, type PollPolicy } from './pollSchedule.js'
import { statusSeverityTable } from './statusSeverity.js'
import {
  defaultPredictionPolicy,
  signalNames,
  type PredictionPolicy,
  type SignalName,
  type SignalPolicy,
} from './predictFailure.js'

/** When and how the controller re-plans (claims 20, 25, 27). */
export interface ReallocationPolicy {
  /**
   * Minimum time between a plan and the next non-emergency plan, ms. Emergencies (a supply failed or
   * vanished, a switch fault, a bus overloaded) never wait.
   */
  readonly minDwellMs: number
  /** A load change is ignored while within max(loadMarginW, loadMarginFraction × planned W). */
  readonly loadMarginW: number
  readonly loadMarginFraction: number
  /** A predicted-at-risk supply stays at risk until its risk falls below preemptRisk − riskHysteresis. */
  readonly riskHysteresis: number
  /**
   * After a supply's at-risk flag changes it keeps the new value at least this long, ms. A supply moved
   * off a bus reads differently at its new load, and its risk can swing back across the threshold within
   * a poll round; without a hold each swing is a replan (the simulator moved two supplies every 30 s).
   */
  readonly riskHoldMs: number
  /** After a switch fault the switch is not closed again for this long (an open one leaves the plan). */
  readonly switchQuarantineMs: number
  /** A plan with no SwitchResult after this long raises a switchFault alarm on subject `executor`. */
  readonly planTimeoutMs: number
}

/**
 * Defaults: 30 s dwell, 50 W / 10 % load margin, 0.1 risk hysteresis held 30 min, 60 s quarantine, 10 s plan
 * timeout.
 */
export const defaultReallocationPolicy: ReallocationPolicy = {
  minDwellMs: 30_000,
  loadMarginW: 50,
  loadMarginFraction: 0.1,
  riskHysteresis: 0.1,
  riskHoldMs: 1_800_000,
  switchQuarantineMs: 60_000,
  planTimeoutMs: 10_000,
}

/** What a user writes: the rack (allocation input shape, current switch states) and partial policies. */
export interface ControllerConfig {
  /**
   * Wiring and starting beliefs: supplies (ids, capacities; `state` is the belief before the first
   * poll, usually `ok`), buses, loads (`powerW` until the first ServerPower), switches (`closed` as
   * they are now), and the allocation policy.
   */
  readonly rack: unknown
  readonly deglitch?: Partial<DeglitchPolicy>
  readonly prediction?: Partial<Omit<PredictionPolicy, 'signals'>> & {
    readonly signals?: Partial<Record<SignalName, Partial<SignalPolicy>>>
  }
  readonly poll?: Partial<PollPolicy>
  readonly reallocation?: Partial<ReallocationPolicy>
}

/** Every controller policy, defaults filled. */
export interface ControllerPolicies {
  readonly deglitch: DeglitchPolicy
  readonly prediction: PredictionPolicy
  readonly poll: PollPolicy
  readonly reallocation: ReallocationPolicy
}

/** A validated configuration: the decoded rack and complete policies. */
export interface ResolvedControllerConfig {
  readonly rack: RackInput
  readonly policies: ControllerPolicies
}

/** Why a configuration was rejected: every problem, each named by its path. */
export interface ControllerConfigError {
  readonly _tag: 'ControllerConfigError'
  /** Every problem, each with its path (`rack.supplies[2].capacityW`, `deglitch.faultPolls`). */
  readonly issues: readonly DecodeIssue[]
}

/** One line per issue, `path message`. */
export const formatControllerConfigError = (e: ControllerConfigError): string =>
  e.issues.map((i) => `${i.path} ${i.message}`).join('\n')

type Check = (path: string, value: unknown) => string | undefined

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
const intAtLeast =
  (min: number): Check =>
  (_p, v) =>
    isNum(v) && Number.isInteger(v) && v >= min ? undefined : `must be an integer >= ${min}, got ${show(v)}`
const numAtLeast =
  (min: number): Check =>
  (_p, v) =>
    isNum(v) && v >= min ? undefined : `must be a finite number >= ${min}, got ${show(v)}`
const numAbove =
  (min: number): Check =>
  (_p, v) =>
    isNum(v) && v > min ? undefined : `must be a finite number > ${min}, got ${show(v)}`
const inRange =
  (lo: number, hi: number, loOpen: boolean, hiOpen: boolean): Check =>
  (_p, v) =>
    isNum(v) && (loOpen ? v > lo : v >= lo) && (hiOpen ? v < hi : v <= hi)
      ? undefined
      : `must be in ${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}, got ${show(v)}`
const finiteNum: Check = (_p, v) => (isNum(v) ? undefined : `must be a finite number, got ${show(v)}`)
const flagList: Check = (_p, v) =>
  Array.isArray(v) &&
  v.every(
    (f) => typeof f === 'string' && statusSeverityTable.some((r) => r.flag === f && r.severity === 'warning'),
  )
    ? undefined
    : `must be a list of warning flag names of statusSeverityTable, got ${Array.isArray(v) ? JSON.stringify(v) : show(v)}`
const bool: Check = (_p, v) => (typeof v === 'boolean' ? undefined : `must be a boolean, got ${show(v)}`)

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v)
  if (v === undefined) return 'undefined'
  if (v === null) return 'null'
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return Array.isArray(v) ? 'an array' : typeof v
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Merge `given` over `defaults` for the listed fields, checking each given value. */
const mergeChecked = <T extends object>(
  path: string,
  given: unknown,
  defaults: T,
  checks: { readonly [K in keyof T]?: Check },
  issues: DecodeIssue[],
): T => {
  if (given === undefined) return defaults
  if (!isRecord(given)) {
    issues.push({ path, message: `must be an object, got ${show(given)}` })
    return defaults
  }
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) }
  for (const [key, value] of Object.entries(given)) {
    const check = (checks as Record<string, Check | undefined>)[key]
    if (check === undefined) {
      issues.push({ path: `${path}.${key}`, message: 'is not a known setting' })
      continue
    }
    if (value === undefined) continue
    const problem = check(`${path}.${key}`, value)
    if (problem !== undefined) issues.push({ path: `${path}.${key}`, message: problem })
    else out[key] = value
  }
  return out as T
}

/** Validate a controller configuration: all problems at once, each with its path. */
export const resolveControllerConfig = (
  config: ControllerConfig,
): E.Either<ControllerConfigError, ResolvedControllerConfig> => {
  const issues: DecodeIssue[] = []
  if (!isRecord(config)) {
    return E.left({
      _tag: 'ControllerConfigError',
      issues: [{ path: 'config', message: `must be an object, got ${show(config)}` }],
    })
  }
  for (const key of Object.keys(config)) {
    if (!['rack', 'deglitch', 'prediction', 'poll', 'reallocation'].includes(key)) {
      issues.push({
        path: key,
        message: 'is not a known setting (rack, deglitch, prediction, poll, reallocation)',
      })
    }
  }
  const rack = decodeRackInput(config.rack)
  if (E.isLeft(rack)) {
    for (const i of rack.left.issues)
      issues.push({ path: i.path === '' ? 'rack' : `rack.${i.path}`, message: i.message })
  }

  const deglitch = mergeChecked(
    'deglitch',
    config.deglitch,
    defaultDeglitchPolicy,
    {
      faultPolls: intAtLeast(1),
      powerGoodPolls: intAtLeast(1),
      commFaultReads: intAtLeast(1),
      absentReads: intAtLeast(1),
      inputLossMemoryPolls: intAtLeast(0),
      recoverPolls: intAtLeast(1),
    },
    issues,
  )

  const poll = mergeChecked(
    'poll',
    config.poll,
    defaultPollPolicy,
    {
      roundIntervalMs: numAbove(0),
      fullEvery: intAtLeast(1),
      absentProbeEvery: intAtLeast(1),
      clearFaultsRetryMs: numAtLeast(0),
    },
    issues,
  )

  const reallocation = mergeChecked(
    'reallocation',
    config.reallocation,
    defaultReallocationPolicy,
    {
      minDwellMs: numAtLeast(0),
      loadMarginW: numAtLeast(0),
      loadMarginFraction: inRange(0, 1, false, true),
      riskHysteresis: inRange(0, 1, false, true),
      riskHoldMs: numAtLeast(0),
      switchQuarantineMs: numAtLeast(0),
      planTimeoutMs: numAbove(0),
    },
    issues,
  )

  const givenPrediction = config.prediction
  const { signals: givenSignals, ...predictionRest } = isRecord(givenPrediction)
    ? givenPrediction
    : { signals: undefined }
  const predictionBase = mergeChecked(
    'prediction',
    givenPrediction === undefined ? undefined : isRecord(givenPrediction) ? predictionRest : givenPrediction,
    { ...defaultPredictionPolicy, signals: undefined as never },
    {
      enabled: bool,
      smoothingAlpha: inRange(0, 1, true, false),
      trendAlpha: inRange(0, 1, true, false),
      warmupSamples: intAtLeast(1),
      baselineAdaptAlpha: inRange(0, 1, false, true),
      nominalVoutV: numAbove(0),
      sagFraction: inRange(0, 1, true, true),
      loadWarningFlags: flagList,
      ambientCompensation: bool,
    },
    issues,
  )
  const signals = {} as Record<SignalName, SignalPolicy>
  if (givenSignals !== undefined && !isRecord(givenSignals)) {
    issues.push({ path: 'prediction.signals', message: `must be an object, got ${show(givenSignals)}` })
  }
  const signalsRecord = isRecord(givenSignals) ? givenSignals : {}
  for (const key of Object.keys(signalsRecord)) {
    if (!(signalNames as readonly string[]).includes(key)) {
      issues.push({
        path: `prediction.signals.${key}`,
        message: `is not a signal (${signalNames.join(', ')})`,
      })
    }
  }
  for (const name of signalNames) {
    const path = `prediction.signals.${name}`
    const s = mergeChecked(
      path,
      signalsRecord[name],
      defaultPredictionPolicy.signals[name],
      {
        onset: finiteNum,
        limit: finiteNum,
        weight: inRange(0, 1, false, false),
      },
      issues,
    )
    if (!(s.limit > s.onset))
      issues.push({
        path: `${path}.limit`,
        message: `must be greater than onset (${s.onset}), got ${s.limit}`,
      })
    signals[name] = s
  }
  const prediction: PredictionPolicy = { ...predictionBase, signals }

  if (E.isRight(rack) && reallocation.riskHysteresis > rack.right.policy.preemptRisk) {
    issues.push({
      path: 'reallocation.riskHysteresis',
      message: `must be <= rack.policy.preemptRisk (${rack.right.policy.preemptRisk}), got ${reallocation.riskHysteresis}`,
    })
  }

  if (issues.length > 0 || E.isLeft(rack)) return E.left({ _tag: 'ControllerConfigError', issues })
  return E.right({ rack: rack.right, policies: { deglitch, prediction, poll, reallocation } })
}
