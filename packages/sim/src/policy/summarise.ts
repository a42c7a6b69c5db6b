/**
 * Pure. Many runs of each policy in, per-metric means with 95% confidence intervals out
 * (Student t over seeds; the same seeds for every policy, so differences are paired).
 */
import type { PolicyName, PolicyResult } from './PolicyResult.js'

/** A mean over runs with the half-width of its 95% confidence interval and the run count. */
export interface Estimate {
  readonly mean: number
  /** Half-width of the 95% confidence interval of the mean (0 for a single run). */
  readonly ci95: number
  readonly n: number
}

/** One policy's results over several seeds, each metric as an `Estimate`. */
export interface PolicySummary {
  readonly policy: PolicyName
  readonly runs: number
  readonly outages: Estimate
  readonly downtimeHours: Estimate
  readonly ridesThrough: Estimate
  readonly shedEvents: Estimate
  readonly busDarkEpisodes: Estimate
  /** Per bus: hours without N+k. */
  readonly hoursWithoutNPlusK: Readonly<Record<string, Estimate>>
  readonly switchOperations: Estimate
  readonly switchFaults: Estimate
  readonly supplyFailures: Estimate
  readonly predictionAlarms: Estimate
  readonly falseAlarms: Estimate
  readonly missedWearOuts: Estimate
  /** Median lead time in hours over all warned failures of all runs (undefined when none). */
  readonly medianLeadTimeHours: number | undefined
  readonly warnedFailures: number
  /** Fault-to-switch latency, ms, over all answered faults of all runs. */
  readonly faultToSwitchMs: {
    readonly median: number | undefined
    readonly p95: number | undefined
    readonly count: number
  }
  readonly safetyViolations: number
  readonly alertMode: PolicyResult['alertMode']
}

/** Two-sided 97.5% quantiles of Student's t for df 1..30; beyond that the normal 1.96. */
const t975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
]

/**
 * Pure. Mean and Student-t 95% confidence half-width of a sample (NaN when empty, 0 half-width for one
 * value).
 */
export const estimate = (xs: readonly number[]): Estimate => {
  const n = xs.length
  if (n === 0) return { mean: Number.NaN, ci95: Number.NaN, n }
  const mean = xs.reduce((a, x) => a + x, 0) / n
  if (n === 1) return { mean, ci95: 0, n }
  const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)
  const t = t975[n - 2] ?? 1.96
  return { mean, ci95: (t * Math.sqrt(variance)) / Math.sqrt(n), n }
}

export const quantile = (xs: readonly number[], q: number): number | undefined => {
  if (xs.length === 0) return undefined
  const sorted = [...xs].sort((a, b) => a - b)
  const pos = (sorted.length - 1) * q
  const lo = Math.floor(pos)
  const hi = Math.ceil(pos)
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo)
}

const HOUR = 3_600_000

/** Pure. Summarises one policy's runs (one per seed) into estimates per metric. */
export const summarise = (policy: PolicyName, runs: readonly PolicyResult[]): PolicySummary => {
  const of = (f: (r: PolicyResult) => number): Estimate => estimate(runs.map(f))
  const buses = [...new Set(runs.flatMap((r) => Object.keys(r.timeWithoutNPlusKMs)))].sort()
  const leads = runs.flatMap((r) => r.prediction.leadTimesMs)
  const latencies = runs.flatMap((r) => r.faultToSwitchMs)
  const median = quantile(leads, 0.5)
  return {
    policy,
    runs: runs.length,
    outages: of((r) => r.outages),
    downtimeHours: of((r) => r.downtimeMs / HOUR),
    ridesThrough: of((r) => r.ridesThrough),
    shedEvents: of((r) => r.shedEvents),
    busDarkEpisodes: of((r) => r.busDarkEpisodes),
    hoursWithoutNPlusK: Object.fromEntries(
      buses.map((b) => [b, of((r) => (r.timeWithoutNPlusKMs[b] ?? 0) / HOUR)]),
    ),
    switchOperations: of((r) => r.switchOperations),
    switchFaults: of((r) => r.switchFaults),
    supplyFailures: of((r) => r.supplyFailures),
    predictionAlarms: of((r) => r.prediction.alarms),
    falseAlarms: of((r) => r.prediction.falseAlarms),
    missedWearOuts: of((r) => r.prediction.missedWearOuts),
    medianLeadTimeHours: median === undefined ? undefined : median / HOUR,
    warnedFailures: leads.length,
    faultToSwitchMs: {
      median: quantile(latencies, 0.5),
      p95: quantile(latencies, 0.95),
      count: latencies.length,
    },
    safetyViolations: runs.reduce((a, r) => a + r.safetyViolations, 0),
    alertMode: runs[0]?.alertMode ?? 'none',
  }
}
