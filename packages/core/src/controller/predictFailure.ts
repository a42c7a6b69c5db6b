/**
 * Pure. A supply's predictor record plus one observation in, the next record and a failure prediction
 * (`failureRisk` in [0, 1], estimated time to failure in ms or undefined) out. Fixed memory per supply.
 *
 * Method (claims 24, 25). Seven degradation signals, each a number where larger is worse:
 *
 * | signal                 | per observation                                                              |
 * |------------------------|------------------------------------------------------------------------------|
 * | `warningHeld`          | 1 when the status shows a `warning`-class flag other than a load warning      |
 * |                        | (`loadWarningFlags`: near its current/power limit), else 0                   |
 * | `temperatureResidualC` | temperatureC minus the baseline fit `a + b × poutW` (temperature against load)|
 * |                        | minus the rack's common mode (median of the other supplies' residuals: ambient)|
 * | `fanDeficit`           | 1 − (fanRpm / fanCommandPct) / baseline ratio (fan slower than commanded)     |
 * | `voutDeviation`        | abs(voutV − nominal) / nominal (output drift)                                |
 * | `ripple`               | voutRippleV / nominal, or without a ripple monitor 2√2 × EW std(voutV) / nominal|
 * | `inputSags`            | 1 when VIN_UV_WARNING/VIN_OV_WARNING is set, or vinV is more than             |
 * |                        | `sagFraction` below its baseline, while the output holds; else 0             |
 * | `commErrors`           | 1 for a failed read, 0 for a good one                                        |
 *
 * Samples taken while the supply is off for an external reason (input loss, output not good, VIN
 * gone: `isOffSample`) are skipped, statistics frozen: a feed loss must not look like wear.
 *
 * Baselines (temperature-vs-load regression, fan ratio, nominal VOUT unless given, VIN) are learned
 * from the first `warmupSamples` full readings, then frozen (`baselineAdaptAlpha` = 0 by default;
 * a positive value lets them follow slowly, but only while the signal is below its onset, so that a
 * degradation is never learned as normal).
 *
 * Each signal keeps an exponentially weighted mean and variance (`smoothingAlpha`; the 0/1 indicator
 * signals start from a healthy 0, so a single bad poll is not taken for a trend) and an
 * exponentially weighted linear regression of the raw signal against time (`trendAlpha`), i.e. a few
 * numbers, never a history. Its score is `clamp((mean − onset) / (limit − onset), 0, 1)` with
 * `onset`/`limit` policy data. The scores combine as a noisy-OR:
 * `failureRisk = 1 − Π (1 − weight_i × score_i)`, non-decreasing in every score. The time to
 * failure is, over signals already past their onset and trending up, the least
 * `(limit − mean) / slope` (0 when a signal is at its limit); undefined when none qualifies.
 *
 * Prediction is measured in the simulator (lead time against false alarms on modelled degradation):
 * no public field data set of supply failures exists, so the defaults are engineering guesses.
 */
import type { TelemetrySample } from '../telemetry/telemetry.js'
import { classifyStatus } from './statusSeverity.js'
import type { HealthObservation } from './assessHealth.js'

/** The degradation signals the predictor tracks (see the module comment). */
export type SignalName =
  | 'warningHeld'
  | 'temperatureResidualC'
  | 'fanDeficit'
  | 'voutDeviation'
  | 'ripple'
  | 'inputSags'
  | 'commErrors'

/** Every signal name, in a fixed order. */
export const signalNames: readonly SignalName[] = [
  'warningHeld',
  'temperatureResidualC',
  'fanDeficit',
  'voutDeviation',
  'ripple',
  'inputSags',
  'commErrors',
]

/** One signal's thresholds and weight. */
export interface SignalPolicy {
  /** Smoothed value at which the score starts to rise above 0. */
  readonly onset: number
  /** Smoothed value at which the score reaches 1 (the signal's failure point). */
  readonly limit: number
  /** Contribution of a full score to the noisy-OR, in [0, 1]. */
  readonly weight: number
}

/** Prediction settings: smoothing, trend, warm-up, thresholds per signal (policy data). */
export interface PredictionPolicy {
  /** false: no prediction at all (risk 0, no predictedFailure alarms, no preemption). */
  readonly enabled: boolean
  readonly smoothingAlpha: number
  readonly trendAlpha: number
  readonly warmupSamples: number
  readonly baselineAdaptAlpha: number
  /** Nominal output voltage; learned during warm-up when undefined. */
  readonly nominalVoutV?: number
  /** VIN below baseline by more than this fraction counts as a sag. */
  readonly sagFraction: number
  /**
   * Warning flags that reflect the load, not the supply's health (near its current/power limit):
   * not counted in `warningHeld`. High load is the allocator's business.
   */
  readonly loadWarningFlags: readonly string[]
  /**
   * Subtract the rack's common-mode temperature residual (the median of the other in-service
   * supplies' latest residuals, with at least two of them) so an inlet/ambient excursion that heats
   * every supply at once is not taken for degradation.
   */
  readonly ambientCompensation: boolean
  readonly signals: { readonly [K in SignalName]: SignalPolicy }
}

/** Default prediction policy (engineering guesses; measured in the simulator). */
export const defaultPredictionPolicy: PredictionPolicy = {
  enabled: true,
  smoothingAlpha: 0.2,
  trendAlpha: 0.05,
  warmupSamples: 20,
  baselineAdaptAlpha: 0,
  sagFraction: 0.1,
  loadWarningFlags: [
    'iout.ocWarning',
    'iout.poutOpWarning',
    'iout.powerLimiting',
    'input.iinOcWarning',
    'input.pinOpWarning',
  ],
  ambientCompensation: true,
  signals: {
    warningHeld: { onset: 0.25, limit: 0.9, weight: 0.8 },
    temperatureResidualC: { onset: 5, limit: 15, weight: 0.9 },
    fanDeficit: { onset: 0.15, limit: 0.5, weight: 0.8 },
    voutDeviation: { onset: 0.01, limit: 0.04, weight: 0.9 },
    ripple: { onset: 0.01, limit: 0.03, weight: 0.7 },
    inputSags: { onset: 0.1, limit: 0.6, weight: 0.4 },
    commErrors: { onset: 0.1, limit: 0.6, weight: 0.5 },
  },
}

/** Exponentially weighted mean and variance; `n` saturates at `countCap`. */
export interface EwStats {
  readonly n: number
  readonly mean: number
  readonly variance: number
}

/** Exponentially weighted linear regression of x on t (means, co-moments). */
export interface EwTrend {
  readonly n: number
  readonly meanT: number
  readonly meanX: number
  readonly varT: number
  readonly covTX: number
}

/** One signal's running statistics: EW mean/variance and EW trend. */
export interface SignalTrack {
  readonly stats: EwStats
  readonly trend: EwTrend
}

/**
 * Baseline of temperature against output power, learned then frozen: the same EW regression as a
 * trend, with output power (W) in the `T` fields and temperature (C) in the `X` fields.
 */
export type ThermalBaseline = EwTrend

/** One supply's predictor record: baselines and signal statistics, fixed size. */
export interface PredictorState {
  readonly supply: string
  /** Full readings seen (saturating at `countCap`); warm-up ends at `policy.warmupSamples`. */
  readonly fullSamples: number
  readonly thermal: ThermalBaseline
  readonly fanRatio: EwStats
  readonly vout: EwStats
  readonly vin: EwStats
  /** Short-term VOUT statistics, the ripple proxy. */
  readonly voutShort: EwStats
  /** Latest raw temperature residual (before common-mode removal), for the rack's common mode. */
  readonly lastResidualC: number | undefined
  readonly signals: { readonly [K in SignalName]: SignalTrack }
}

/** A prediction: failure risk in [0, 1], time to failure, per-signal scores. */
export interface FailurePrediction {
  readonly failureRisk: number
  /** Estimated ms until the first signal reaches its limit; undefined when nothing trends there. */
  readonly timeToFailureMs: number | undefined
  readonly scores: { readonly [K in SignalName]: number }
  /** The signal with the highest weighted score, when any score is above 0. */
  readonly dominant: SignalName | undefined
}

export const countCap = 1_000_000

const emptyStats: EwStats = { n: 0, mean: 0, variance: 0 }
const emptyTrend: EwTrend = { n: 0, meanT: 0, meanX: 0, varT: 0, covTX: 0 }
const emptyTrack: SignalTrack = { stats: emptyStats, trend: emptyTrend }

/** A fresh predictor record for `supply`. */
export const initialPredictorState = (supply: string): PredictorState => ({
  supply,
  fullSamples: 0,
  thermal: { n: 0, meanT: 0, meanX: 0, varT: 0, covTX: 0 },
  fanRatio: emptyStats,
  vout: emptyStats,
  vin: emptyStats,
  voutShort: emptyStats,
  lastResidualC: undefined,
  signals: {
    warningHeld: emptyTrack,
    temperatureResidualC: emptyTrack,
    fanDeficit: emptyTrack,
    voutDeviation: emptyTrack,
    ripple: emptyTrack,
    inputSags: emptyTrack,
    commErrors: emptyTrack,
  },
})

const sat = (n: number): number => Math.min(n + 1, countCap)

/** EW mean/variance update. The first value is taken as is; `alpha` 0 means "cumulative mean" (1/n). */
export const updateStats = (s: EwStats, x: number, alpha: number): EwStats => {
  if (s.n === 0) return { n: 1, mean: x, variance: 0 }
  const a = alpha > 0 ? alpha : 1 / (s.n + 1)
  const d = x - s.mean
  const mean = s.mean + a * d
  const variance = (1 - a) * (s.variance + a * d * d)
  return { n: sat(s.n), mean, variance }
}

/** EW regression update of x on t (West's incremental weighted covariance). */
export const updateTrend = (s: EwTrend, t: number, x: number, alpha: number): EwTrend => {
  if (s.n === 0) return { n: 1, meanT: t, meanX: x, varT: 0, covTX: 0 }
  const a = alpha > 0 ? alpha : 1 / (s.n + 1)
  const dT = t - s.meanT
  const dX = x - s.meanX
  return {
    n: sat(s.n),
    meanT: s.meanT + a * dT,
    meanX: s.meanX + a * dX,
    varT: (1 - a) * (s.varT + a * dT * dT),
    covTX: (1 - a) * (s.covTX + a * dT * dX),
  }
}

/** Slope of x per unit of t, 0 while the time spread is too small to tell. */
export const trendSlope = (s: EwTrend): number => (s.n >= 3 && s.varT > 1e-9 ? s.covTX / s.varT : 0)

/** Indicator signals (0/1 per observation) start from a healthy 0, so one bad poll is not a trend. */
const indicatorPrior: EwStats = { n: 1, mean: 0, variance: 0 }

const track = (
  s: SignalTrack,
  atMs: number,
  x: number,
  policy: PredictionPolicy,
  indicator = false,
): SignalTrack => ({
  stats: updateStats(indicator && s.stats.n === 0 ? indicatorPrior : s.stats, x, policy.smoothingAlpha),
  trend: updateTrend(s.trend, atMs, x, policy.trendAlpha),
})

const scoreOf = (value: number, p: SignalPolicy): number =>
  p.limit > p.onset
    ? Math.min(1, Math.max(0, (value - p.onset) / (p.limit - p.onset)))
    : value >= p.limit
      ? 1
      : 0

/** Expected temperature at `poutW`; the slope waits for a spread of output power (watts are coarser than ms). */
const thermalExpected = (b: ThermalBaseline, poutW: number): number => {
  const slope = b.n >= 3 && b.varT > 1e-6 ? b.covTX / b.varT : 0
  return b.meanX + slope * (poutW - b.meanT)
}

const finite = (x: number | undefined): x is number => x !== undefined && Number.isFinite(x)

/** What the rest of the rack tells about one supply's observation. */
export interface PredictionContext {
  /** Common-mode temperature residual of the rack (ambient), subtracted from this supply's. */
  readonly commonModeC?: number
  /**
   * The controller still remembers an input loss of this supply (`SupplyHealth.inputLossMemory`):
   * its output may be off or recovering for an external reason, so the sample is not learned from.
   */
  readonly inputLossRemembered?: boolean
}

/**
 * Whether a sample shows the supply off or unpowered for a reason that is not its own wear: an
 * input-loss flag (VIN_UV fault, input over-voltage, unit off for low input), POWER_GOOD# or OFF
 * (the output is not regulated, so its readings say nothing about drift), VIN below half its
 * baseline, or an input loss the controller still remembers. Such samples are skipped: every
 * statistic is frozen (not reset) until the supply is back. A supply that is off because it failed
 * is the health assessment's business, not the predictor's.
 */
export const isOffSample = (
  prev: PredictorState,
  sample: TelemetrySample,
  context: PredictionContext = {},
): boolean => {
  const c = classifyStatus(sample.status)
  const vin = sample.readings.vinV
  const vinLost = vin !== undefined && Number.isFinite(vin) && prev.vin.n > 0 && vin < prev.vin.mean * 0.5
  return (
    context.inputLossRemembered === true || c.inputLoss.length > 0 || c.powerNotGood.length > 0 || vinLost
  )
}

const observeSample = (
  prev: PredictorState,
  sample: TelemetrySample,
  policy: PredictionPolicy,
  context: PredictionContext,
): PredictorState => {
  if (isOffSample(prev, sample, context)) return prev
  const t = sample.atMs
  const r = sample.readings
  const c = classifyStatus(sample.status)
  let signals = { ...prev.signals }
  const warm = prev.fullSamples >= policy.warmupSamples
  const adapt = policy.baselineAdaptAlpha
  const below = (name: SignalName): boolean => prev.signals[name].stats.mean < policy.signals[name].onset

  const healthWarning = c.warning.some((f) => !policy.loadWarningFlags.includes(f))
  signals.warningHeld = track(prev.signals.warningHeld, t, healthWarning ? 1 : 0, policy, true)
  signals.commErrors = track(prev.signals.commErrors, t, 0, policy, true)

  const vinSag = warm && finite(r.vinV) && prev.vin.n > 0 && r.vinV < prev.vin.mean * (1 - policy.sagFraction)
  const inputFlag = c.warning.includes('input.vinUvWarning') || c.warning.includes('input.vinOvWarning')
  signals.inputSags = track(prev.signals.inputSags, t, inputFlag || vinSag ? 1 : 0, policy, true)

  const full = finite(r.temperatureC) || finite(r.voutV) || finite(r.fanRpm) || finite(r.vinV)
  if (!full) return { ...prev, signals }

  let { thermal, fanRatio, vout, vin, voutShort, lastResidualC } = prev
  const fanOk = finite(r.fanRpm) && finite(r.fanCommandPct) && r.fanCommandPct > 5
  if (!warm) {
    if (finite(r.temperatureC) && finite(r.poutW)) thermal = updateTrend(thermal, r.poutW, r.temperatureC, 0)
    if (fanOk) fanRatio = updateStats(fanRatio, (r.fanRpm as number) / (r.fanCommandPct as number), 0)
    if (finite(r.voutV)) vout = updateStats(vout, r.voutV, 0)
    if (finite(r.vinV) && !inputFlag) vin = updateStats(vin, r.vinV, 0)
  } else {
    if (finite(r.temperatureC) && finite(r.poutW)) {
      const raw = r.temperatureC - thermalExpected(thermal, r.poutW)
      lastResidualC = raw
      const residual = raw - (policy.ambientCompensation ? (context.commonModeC ?? 0) : 0)
      signals.temperatureResidualC = track(prev.signals.temperatureResidualC, t, residual, policy)
      if (adapt > 0 && below('temperatureResidualC'))
        thermal = updateTrend(thermal, r.poutW, r.temperatureC, adapt)
    }
    if (fanOk && fanRatio.n > 0 && fanRatio.mean > 0) {
      const ratio = (r.fanRpm as number) / (r.fanCommandPct as number)
      signals.fanDeficit = track(prev.signals.fanDeficit, t, 1 - ratio / fanRatio.mean, policy)
      if (adapt > 0 && below('fanDeficit')) fanRatio = updateStats(fanRatio, ratio, adapt)
    }
    const nominal = policy.nominalVoutV ?? (vout.n > 0 ? vout.mean : undefined)
    if (finite(r.voutV) && nominal !== undefined && nominal > 0) {
      voutShort = updateStats(voutShort, r.voutV, policy.smoothingAlpha)
      signals.voutDeviation = track(
        prev.signals.voutDeviation,
        t,
        Math.abs(r.voutV - nominal) / nominal,
        policy,
      )
      const rippleV = finite(r.voutRippleV) ? r.voutRippleV : 2 * Math.SQRT2 * Math.sqrt(voutShort.variance)
      signals.ripple = track(prev.signals.ripple, t, rippleV / nominal, policy)
      if (adapt > 0 && policy.nominalVoutV === undefined && below('voutDeviation'))
        vout = updateStats(vout, r.voutV, adapt)
    }
    if (finite(r.vinV) && adapt > 0 && !inputFlag && !vinSag) vin = updateStats(vin, r.vinV, adapt)
  }
  return {
    ...prev,
    fullSamples: sat(prev.fullSamples),
    thermal,
    fanRatio,
    vout,
    vin,
    voutShort,
    lastResidualC,
    signals,
  }
}

/** Advance a predictor by one observation (a telemetry sample or a failed read). */
export const observeForPrediction = (
  prev: PredictorState,
  observation: HealthObservation,
  policy: PredictionPolicy = defaultPredictionPolicy,
  context: PredictionContext = {},
): PredictorState => {
  if (observation._tag === 'ReadFailed') {
    return {
      ...prev,
      signals: {
        ...prev.signals,
        commErrors: track(prev.signals.commErrors, observation.atMs, 1, policy, true),
      },
    }
  }
  return observeSample(prev, observation.sample, policy, context)
}

/** The prediction implied by a predictor record (see the module comment for the method). */
export const currentPrediction = (
  state: PredictorState,
  policy: PredictionPolicy = defaultPredictionPolicy,
): FailurePrediction => {
  const scores = {} as Record<SignalName, number>
  let survive = 1
  let ttf: number | undefined
  let dominant: SignalName | undefined
  let best = 0
  for (const name of signalNames) {
    const p = policy.signals[name]
    const s = state.signals[name]
    const value = s.stats.n > 0 ? s.stats.mean : 0
    const score = policy.enabled && s.stats.n > 0 ? scoreOf(value, p) : 0
    scores[name] = score
    survive *= 1 - Math.min(1, Math.max(0, p.weight)) * score
    if (score * p.weight > best) {
      best = score * p.weight
      dominant = name
    }
    if (score > 0) {
      const slope = trendSlope(s.trend)
      const eta = value >= p.limit ? 0 : slope > 0 ? (p.limit - value) / slope : undefined
      if (eta !== undefined && (ttf === undefined || eta < ttf)) ttf = eta
    }
  }
  return { failureRisk: Math.min(1, Math.max(0, 1 - survive)), timeToFailureMs: ttf, scores, dominant }
}

/**
 * The rack's common-mode temperature residual for `supply`: the median of the other predictors'
 * latest raw residuals, or 0 with fewer than two of them.
 */
export const commonModeResidualC = (others: readonly PredictorState[]): number => {
  const values = others
    .flatMap((p) => (p.lastResidualC === undefined ? [] : [p.lastResidualC]))
    .sort((a, b) => a - b)
  if (values.length < 2) return 0
  const mid = Math.floor(values.length / 2)
  return values.length % 2 === 1
    ? (values[mid] as number)
    : ((values[mid - 1] as number) + (values[mid] as number)) / 2
}

/** One step: observe, then predict. */
export const predictFailure = (
  prev: PredictorState,
  observation: HealthObservation,
  policy: PredictionPolicy = defaultPredictionPolicy,
  context: PredictionContext = {},
): { readonly state: PredictorState; readonly prediction: FailurePrediction } => {
  const state = policy.enabled ? observeForPrediction(prev, observation, policy, context) : prev
  return { state, prediction: currentPrediction(state, policy) }
}
