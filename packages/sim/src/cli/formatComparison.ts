/**
 * Pure. Policy summaries in, the comparison table as text out (one column per policy, one row per
 * measurement; "mean ± 95% CI" when there are several runs).
 */
import type { Estimate, PolicySummary } from '../policy/summarise.js'

const fmt = (x: number, digits: number): string => (Number.isFinite(x) ? x.toFixed(digits) : '-')

const cell = (e: Estimate, digits: number): string =>
  e.n <= 1 ? fmt(e.mean, digits) : `${fmt(e.mean, digits)} ± ${fmt(e.ci95, digits)}`

const ms = (x: number | undefined): string =>
  x === undefined
    ? '-'
    : x < 1
      ? `${x.toFixed(2)} ms`
      : x < 10_000
        ? `${x.toFixed(1)} ms`
        : `${(x / 1000).toFixed(1)} s`

export interface ComparisonRow {
  readonly label: string
  readonly cells: readonly string[]
}

export const comparisonRows = (summaries: readonly PolicySummary[], k: number): ComparisonRow[] => {
  const buses = [...new Set(summaries.flatMap((s) => Object.keys(s.hoursWithoutNPlusK)))].sort()
  const row = (label: string, f: (s: PolicySummary) => string): ComparisonRow => ({
    label,
    cells: summaries.map(f),
  })
  return [
    row('server outages', (s) => cell(s.outages, 1)),
    row('server downtime (server-hours)', (s) => cell(s.downtimeHours, 2)),
    row('servers shed by priority', (s) => cell(s.shedEvents, 1)),
    row('gaps ridden through (hold-up)', (s) => cell(s.ridesThrough, 1)),
    row('bus brownouts (bus went dark)', (s) => cell(s.busDarkEpisodes, 1)),
    ...buses.map((b) =>
      row(`hours without N+${k} on bus ${b}`, (s) =>
        cell(s.hoursWithoutNPlusK[b] ?? { mean: 0, ci95: 0, n: 1 }, 1),
      ),
    ),
    row('switch operations', (s) => cell(s.switchOperations, 1)),
    row('switch faults (stuck, welded, slow)', (s) => cell(s.switchFaults, 1)),
    row('supply failures (wear-out depends on load)', (s) => cell(s.supplyFailures, 1)),
    row('prediction alarms', (s) => (s.alertMode === 'none' ? '-' : cell(s.predictionAlarms, 1))),
    row('  of which false alarms', (s) => (s.alertMode === 'none' ? '-' : cell(s.falseAlarms, 1))),
    row('  wear-out failures not predicted', (s) =>
      s.alertMode === 'none' ? '-' : cell(s.missedWearOuts, 1),
    ),
    row('  median lead time', (s) =>
      s.medianLeadTimeHours === undefined
        ? '-'
        : `${s.medianLeadTimeHours.toFixed(1)} h (${s.warnedFailures})`,
    ),
    row('fault-to-switch median / p95', (s) =>
      s.faultToSwitchMs.count === 0 ? '-' : `${ms(s.faultToSwitchMs.median)} / ${ms(s.faultToSwitchMs.p95)}`,
    ),
    row('safety violations', (s) => String(s.safetyViolations)),
  ]
}

export const formatTable = (header: readonly string[], rows: readonly ComparisonRow[]): string => {
  const labelWidth = Math.max(...rows.map((r) => r.label.length), 0)
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r.cells[i] ?? '').length)))
  const line = (label: string, cells: readonly string[]): string =>
    `${label.padEnd(labelWidth)}  ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join('  ')}`.trimEnd()
  return [
    line('', header),
    line(
      '-'.repeat(labelWidth),
      widths.map((w) => '-'.repeat(w)),
    ),
    ...rows.map((r) => line(r.label, r.cells)),
  ].join('\n')
}

export const formatComparison = (summaries: readonly PolicySummary[], k: number): string =>
  formatTable(
    summaries.map((s) => s.policy),
    comparisonRows(summaries, k),
  )
