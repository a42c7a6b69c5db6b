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
import type { classifyStatus } from './statusSeverity.js'
import { classifyStatusOnce, type HealthObservation } from './assessHealth.js'

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
  const c = classifyStatusOnce(sample.status)
  const vin = sample.readings.vinV
  const vinLost = vin !== undefined && Number.isFinite(vin) && prev.vin.n > 0 && vin < prev.vin.mean * 0.5
  return (
    context.inputLossRemembered === true || c.inputLoss.length > 0 || c.powerNotGood.length > 0 || vinLost
  )
}

const healthWarningOf = (c: ReturnType<typeof classifyStatus>, policy: PredictionPolicy): boolean =>
  c.warning.some((f) => !policy.loadWarningFlags.includes(f))

const inputFlagOf = (c: ReturnType<typeof classifyStatus>): boolean =>
  c.warning.includes('input.vinUvWarning') || c.warning.includes('input.vinOvWarning')

const vinSagOf = (prev: PredictorState, r: TelemetrySample['readings'], policy: PredictionPolicy): boolean =>
  prev.fullSamples >= policy.warmupSamples &&
  finite(r.vinV) &&
  prev.vin.n > 0 &&
  r.vinV < prev.vin.mean * (1 - policy.sagFraction)

const isFullReading = (r: TelemetrySample['readings']): boolean =>
  finite(r.temperatureC) || finite(r.voutV) || finite(r.fanRpm) || finite(r.vinV)

/** Raw (before common-mode removal) and compensated temperature residual of a warmed-up predictor. */
const temperatureResidualOf = (
  prev: PredictorState,
  r: TelemetrySample['readings'],
  policy: PredictionPolicy,
  context: PredictionContext,
): { readonly raw: number; readonly residual: number } | undefined => {
  if (!finite(r.temperatureC) || !finite(r.poutW)) return undefined
  const raw = r.temperatureC - thermalExpected(prev.thermal, r.poutW)
  return { raw, residual: raw - (policy.ambientCompensation ? (context.commonModeC ?? 0) : 0) }
}

/** Fan speed per commanded percent, when the fan is commanded enough to tell. */
const fanRatioOf = (r: TelemetrySample['readings']): number | undefined =>
  finite(r.fanRpm) && finite(r.fanCommandPct) && r.fanCommandPct > 5 ? r.fanRpm / r.fanCommandPct : undefined

const nominalVoutOf = (policy: PredictionPolicy, vout: EwStats): number | undefined =>
  policy.nominalVoutV ?? (vout.n > 0 ? vout.mean : undefined)

const observeSample = (
  prev: PredictorState,
  sample: TelemetrySample,
  policy: PredictionPolicy,
  context: PredictionContext,
): PredictorState => {
  if (isOffSample(prev, sample, context)) return prev
  const t = sample.atMs
  const r = sample.readings
  const c = classifyStatusOnce(sample.status)
  let signals = { ...prev.signals }
  const warm = prev.fullSamples >= policy.warmupSamples
  const adapt = policy.baselineAdaptAlpha
  const below = (name: SignalName): boolean => prev.signals[name].stats.mean < policy.signals[name].onset

  signals.warningHeld = track(prev.signals.warningHeld, t, healthWarningOf(c, policy) ? 1 : 0, policy, true)
  signals.commErrors = track(prev.signals.commErrors, t, 0, policy, true)

  const vinSag = vinSagOf(prev, r, policy)
  const inputFlag = inputFlagOf(c)
  signals.inputSags = track(prev.signals.inputSags, t, inputFlag || vinSag ? 1 : 0, policy, true)

  if (!isFullReading(r)) return { ...prev, signals }

  let { thermal, fanRatio, vout, vin, voutShort, lastResidualC } = prev
  const ratio = fanRatioOf(r)
  if (!warm) {
    if (finite(r.temperatureC) && finite(r.poutW)) thermal = updateTrend(thermal, r.poutW, r.temperatureC, 0)
    if (ratio !== undefined) fanRatio = updateStats(fanRatio, ratio, 0)
    if (finite(r.voutV)) vout = updateStats(vout, r.voutV, 0)
    if (finite(r.vinV) && !inputFlag) vin = updateStats(vin, r.vinV, 0)
  } else {
    const temperature = temperatureResidualOf(prev, r, policy, context)
    if (temperature !== undefined) {
      lastResidualC = temperature.raw
      signals.temperatureResidualC = track(prev.signals.temperatureResidualC, t, temperature.residual, policy)
      if (adapt > 0 && below('temperatureResidualC'))
        thermal = updateTrend(thermal, r.poutW as number, r.temperatureC as number, adapt)
    }
    if (ratio !== undefined && fanRatio.n > 0 && fanRatio.mean > 0) {
      signals.fanDeficit = track(prev.signals.fanDeficit, t, 1 - ratio / fanRatio.mean, policy)
      if (adapt > 0 && below('fanDeficit')) fanRatio = updateStats(fanRatio, ratio, adapt)
    }
    const nominal = nominalVoutOf(policy, vout)
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

/** A signal's score in [0, 1] (0 before its first observation or with prediction disabled). */
const signalScore = (state: PredictorState, name: SignalName, policy: PredictionPolicy): number => {
  const s = state.signals[name]
  return policy.enabled && s.stats.n > 0 ? scoreOf(s.stats.mean, policy.signals[name]) : 0
}

/** The noisy-OR of per-signal scores, in signal order (non-decreasing in every score). */
const riskOf = (score: (name: SignalName) => number, policy: PredictionPolicy): number => {
  let survive = 1
  for (const name of signalNames)
    survive *= 1 - Math.min(1, Math.max(0, policy.signals[name].weight)) * score(name)
  return Math.min(1, Math.max(0, 1 - survive))
}

/** The prediction implied by a predictor record (see the module comment for the method). */
export const currentPrediction = (
  state: PredictorState,
  policy: PredictionPolicy = defaultPredictionPolicy,
): FailurePrediction => {
  const scores = {} as Record<SignalName, number>
  let ttf: number | undefined
  let dominant: SignalName | undefined
  let best = 0
  for (const name of signalNames) {
    const p = policy.signals[name]
    const s = state.signals[name]
    const value = s.stats.n > 0 ? s.stats.mean : 0
    const score = signalScore(state, name, policy)
    scores[name] = score
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
  return { failureRisk: riskOf((name) => scores[name], policy), timeToFailureMs: ttf, scores, dominant }
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

// Repeated identical observations in closed form (for simulators that skip quiet stretches).
//
// With a constant input x and weight a (q = 1 − a), the EW updates above have closed forms after
// n steps, with d0 = x − mean and, for a trend sampled every dt from t0, e0 = t0 − meanT,
// c = dt / a, g = e0 − c (so t_k − meanT_k = c + g q^k):
//   mean_n  = x − q^n d0                     variance_n = q^n (variance_0 + d0² (1 − q^n))
//   meanT_n = t0 + n dt − c − g q^n          varT_n = q^n varT_0 + c² q (1 − q^n) + 2 a c g n q^n + g² q^n (1 − q^n)
//   covTX_n = q^n covTX_0 + a c d0 n q^n + g d0 q^n (1 − q^n)
// Counters are exact (saturating sums). Floats agree with n single updates to rounding: the
// property test allows a relative 1e-9 (of the quantities' own scale), far below any threshold's
// resolution; a risk that lands within that of a threshold may flip one sample apart.

/** q^n and 1 − q^n for q = 1 − a, accurate for small n as for large. */
const decay = (a: number, n: number): { readonly qn: number; readonly oneMinusQn: number } => {
  const l = n * Math.log1p(-a)
  return { qn: Math.exp(l), oneMinusQn: -Math.expm1(l) }
}

const satAdd = (n: number, count: number): number => Math.min(n + count, countCap)

/** `count` EW mean/variance updates with the same `x` (closed form; needs s.n > 0 and alpha > 0). */
export const updateStatsRepeated = (s: EwStats, x: number, alpha: number, count: number): EwStats => {
  if (count <= 0) return s
  const { qn, oneMinusQn } = decay(alpha, count)
  const d0 = x - s.mean
  return { n: satAdd(s.n, count), mean: x - qn * d0, variance: qn * (s.variance + d0 * d0 * oneMinusQn) }
}

/**
 * `count` EW regression updates with the same `x` at times t0, t0 + dt, ... (closed form; needs
 * s.n > 0 and alpha > 0).
 */
export const updateTrendRepeated = (
  s: EwTrend,
  t0: number,
  dt: number,
  x: number,
  alpha: number,
  count: number,
): EwTrend => {
  if (count <= 0) return s
  const { qn, oneMinusQn } = decay(alpha, count)
  const q = 1 - alpha
  const c = dt / alpha
  const g = t0 - s.meanT - c
  const d0 = x - s.meanX
  return {
    n: satAdd(s.n, count),
    meanT: t0 + count * dt - c - g * qn,
    meanX: x - qn * d0,
    varT: qn * s.varT + c * c * q * oneMinusQn + 2 * alpha * c * g * count * qn + g * g * qn * oneMinusQn,
    covTX: qn * s.covTX + alpha * c * d0 * count * qn + g * d0 * qn * oneMinusQn,
  }
}

/**
 * Without a ripple monitor, the ripple proxy's input (from VOUT's short-term variance) changes with
 * every repeat even for identical readings. Below this fraction of nominal VOUT (ripple onset is 1e-2)
 * it is taken as constant: the ripple statistics then agree with single updates to this, absolutely.
 */
const rippleProxyNegligible = 1e-9

/** What each repeat of an observation feeds a predictor in its steady regime (see `steadyInputs`). */
interface SteadyInputs {
  /** The input of every track the observation updates. */
  readonly tracks: Partial<Record<SignalName, number>>
  /** VOUT fed to the short-term statistics (the ripple proxy's), when a full reading updates them. */
  readonly voutShortX: number | undefined
  readonly full: boolean
  readonly lastResidualC: number | undefined
}

const tracksReady = (state: PredictorState, names: readonly SignalName[]): boolean =>
  names.every((name) => state.signals[name].stats.n > 0 && state.signals[name].trend.n > 0)

/**
 * The per-track inputs of one more repeat of `observation`, when every further repeat feeds the same
 * inputs to the same statistics and moves no baseline: smoothing and trend weights above 0, every
 * updated statistic already started, and for a full reading warm-up over, baselines frozen
 * (`baselineAdaptAlpha` 0) and a ripple monitor (or a negligible ripple proxy, see above).
 * Undefined otherwise (the caller then takes single steps, which reach this regime or never do).
 */
const steadyInputs = (
  state: PredictorState,
  observation: HealthObservation,
  policy: PredictionPolicy,
  context: PredictionContext,
): SteadyInputs | undefined => {
  if (!(policy.smoothingAlpha > 0 && policy.trendAlpha > 0)) return undefined
  if (observation._tag === 'ReadFailed')
    return tracksReady(state, ['commErrors'])
      ? { tracks: { commErrors: 1 }, voutShortX: undefined, full: false, lastResidualC: state.lastResidualC }
      : undefined
  const sample = observation.sample
  // Off: skipped, the record frozen, and it stays off (nothing it depends on moves).
  if (isOffSample(state, sample, context))
    return { tracks: {}, voutShortX: undefined, full: false, lastResidualC: state.lastResidualC }
  const r = sample.readings
  const c = classifyStatusOnce(sample.status)
  const tracks: Partial<Record<SignalName, number>> = {
    warningHeld: healthWarningOf(c, policy) ? 1 : 0,
    commErrors: 0,
    inputSags: inputFlagOf(c) || vinSagOf(state, r, policy) ? 1 : 0,
  }
  if (!isFullReading(r)) {
    const names = Object.keys(tracks) as SignalName[]
    return tracksReady(state, names)
      ? { tracks, voutShortX: undefined, full: false, lastResidualC: state.lastResidualC }
      : undefined
  }
  if (state.fullSamples < policy.warmupSamples || policy.baselineAdaptAlpha > 0) return undefined
  let lastResidualC = state.lastResidualC
  const temperature = temperatureResidualOf(state, r, policy, context)
  if (temperature !== undefined) {
    lastResidualC = temperature.raw
    tracks.temperatureResidualC = temperature.residual
  }
  const ratio = fanRatioOf(r)
  if (ratio !== undefined && state.fanRatio.n > 0 && state.fanRatio.mean > 0)
    tracks.fanDeficit = 1 - ratio / state.fanRatio.mean
  const nominal = nominalVoutOf(policy, state.vout)
  let voutShortX: number | undefined
  if (finite(r.voutV) && nominal !== undefined && nominal > 0) {
    if (state.voutShort.n === 0) return undefined
    voutShortX = r.voutV
    tracks.voutDeviation = Math.abs(r.voutV - nominal) / nominal
    if (finite(r.voutRippleV)) tracks.ripple = r.voutRippleV / nominal
    else {
      // The proxy's input moves with every repeat (VOUT's short-term variance decays), by at most
      // 2√2·sqrt(variance + deviation²) / nominal: taken as constant only when that is negligible.
      const d = r.voutV - state.voutShort.mean
      if ((2 * Math.SQRT2 * Math.sqrt(state.voutShort.variance + d * d)) / nominal > rippleProxyNegligible)
        return undefined
      const next = updateStats(state.voutShort, r.voutV, policy.smoothingAlpha)
      tracks.ripple = (2 * Math.SQRT2 * Math.sqrt(next.variance)) / nominal
    }
  }
  return tracksReady(state, Object.keys(tracks) as SignalName[])
    ? { tracks, voutShortX, full: true, lastResidualC }
    : undefined
}

const observationAt = (observation: HealthObservation, atMs: number): HealthObservation =>
  observation._tag === 'ReadFailed'
    ? { ...observation, atMs }
    : { ...observation, sample: { ...observation.sample, atMs } }

const observationTime = (observation: HealthObservation): number =>
  observation._tag === 'ReadFailed' ? observation.atMs : observation.sample.atMs

/** Closed-form `count` repeats in the steady regime, the first at `t0`. */
const applySteady = (
  state: PredictorState,
  inputs: SteadyInputs,
  t0: number,
  intervalMs: number,
  count: number,
  policy: PredictionPolicy,
): PredictorState => {
  if (count <= 0) return state
  const signals = { ...state.signals }
  for (const name of Object.keys(inputs.tracks) as SignalName[]) {
    const x = inputs.tracks[name] as number
    const s = state.signals[name]
    signals[name] = {
      stats: updateStatsRepeated(s.stats, x, policy.smoothingAlpha, count),
      trend: updateTrendRepeated(s.trend, t0, intervalMs, x, policy.trendAlpha, count),
    }
  }
  return {
    ...state,
    fullSamples: inputs.full ? satAdd(state.fullSamples, count) : state.fullSamples,
    voutShort:
      inputs.voutShortX === undefined
        ? state.voutShort
        : updateStatsRepeated(state.voutShort, inputs.voutShortX, policy.smoothingAlpha, count),
    lastResidualC: inputs.lastResidualC,
    signals,
  }
}

/**
 * A predictor advanced by `count` identical observations, the first at the observation's time and
 * the next every `intervalMs` (the same readings and status, or the same failed read), with the same
 * context: what `count` calls of `observeForPrediction` would give. O(1) in the steady regime (see
 * the closed forms above; counters exact, floats to rounding), single steps before it (warm-up, first
 * samples) and wherever it does not apply (baselines adapting, ripple estimated from VOUT noise).
 */
export const observeRepeated = (
  prev: PredictorState,
  observation: HealthObservation,
  count: number,
  intervalMs: number,
  policy: PredictionPolicy = defaultPredictionPolicy,
  context: PredictionContext = {},
): PredictorState => {
  const t0 = observationTime(observation)
  let state = prev
  for (let done = 0; done < count; done++) {
    const inputs = steadyInputs(state, observation, policy, context)
    if (inputs !== undefined)
      return applySteady(state, inputs, t0 + done * intervalMs, intervalMs, count - done, policy)
    state = observeForPrediction(state, observationAt(observation, t0 + done * intervalMs), policy, context)
  }
  return state
}

/** Which failure risks keep the controller's latched at-risk flag as it is. */
export interface RiskBand {
  /** The risk must stay at or above this (a latched at-risk flag clears below it). */
  readonly atLeast?: number
  /** The risk must stay below this (an unlatched flag sets at it). */
  readonly below?: number
}

/**
 * How many of `count` identical observations (as for `observeRepeated`) can be taken, one after the
 * other, with the failure risk after each one inside `band`: `count` when it never leaves, else the
 * number before the first observation that takes it out. Exact search, cheap in the steady regime:
 * there every signal's mean moves monotonically towards its input, so each score over a run of
 * repeats lies between its scores at the run's two ends, and the noisy-OR (non-decreasing in every
 * score) between the risks of those bounds; runs that may leave the band are halved.
 */
export const repeatedObservationsWithinRisk = (
  prev: PredictorState,
  observation: HealthObservation,
  count: number,
  intervalMs: number,
  band: RiskBand,
  policy: PredictionPolicy = defaultPredictionPolicy,
  context: PredictionContext = {},
): number => {
  const inside = (risk: number): boolean =>
    (band.atLeast === undefined || risk >= band.atLeast) && (band.below === undefined || risk < band.below)
  const t0 = observationTime(observation)
  let state = prev
  let done = 0
  let inputs = steadyInputs(state, observation, policy, context)
  for (; done < count && inputs === undefined; done++) {
    state = observeForPrediction(state, observationAt(observation, t0 + done * intervalMs), policy, context)
    if (!inside(currentPrediction(state, policy).failureRisk)) return done
    inputs = steadyInputs(state, observation, policy, context)
  }
  if (done >= count || inputs === undefined) return count
  const steady = inputs
  const from = state
  const tFrom = t0 + done * intervalMs
  const after = (k: number): PredictorState => applySteady(from, steady, tFrom, intervalMs, k, policy)
  // First k in [lo, hi] (repeats after `from`) whose risk is outside the band, or undefined.
  const firstOutside = (
    lo: number,
    hi: number,
    atLo: PredictorState,
    atHi: PredictorState,
  ): number | undefined => {
    const low = riskOf(
      (name) => Math.min(signalScore(atLo, name, policy), signalScore(atHi, name, policy)),
      policy,
    )
    const high = riskOf(
      (name) => Math.max(signalScore(atLo, name, policy), signalScore(atHi, name, policy)),
      policy,
    )
    if (inside(low) && inside(high)) return undefined
    if (lo === hi) return lo
    // Split near the start of long runs: the means converge geometrically, so far from the start the
    // scores hardly move and the bounds of a long remainder are tight, while near the start (where
    // scores moving in opposite directions make the bounds loose) the runs stay short.
    const mid = Math.min(Math.floor((lo + hi) / 2), lo + 63)
    const atMid = after(mid)
    return firstOutside(lo, mid, atLo, atMid) ?? firstOutside(mid + 1, hi, after(mid + 1), atHi)
  }
  const rest = count - done
  const first = firstOutside(1, rest, after(1), after(rest))
  return first === undefined ? count : done + first - 1
}
