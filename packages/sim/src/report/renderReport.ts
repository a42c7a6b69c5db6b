/**
 * Pure. Results in, one self-contained HTML page out (inline CSS and SVG, no scripts, no external
 * resources): per-bus load against capacity over time, an events timeline, the policy comparison.
 */
import type { PolicyResult } from '../policy/PolicyResult.js'
import type { PolicySummary } from '../policy/summarise.js'
import type { Scenario } from '../rack/Scenario.js'
import type { BusSample, WorldNote } from '../rack/createRackWorld.js'
import { comparisonRows } from '../cli/formatComparison.js'

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const DAY = 86_400_000
const W = 900
const H = 220
const M = { left: 60, right: 20, top: 20, bottom: 30 }

const colors = { load: '#d9480f', capacity: '#1971c2', dark: '#e03131', grid: '#dee2e6' }

/** Keep at most `n` points: per bucket the highest load and lowest capacity (the worst moment). */
const downsample = (samples: readonly BusSample[], n: number): BusSample[] => {
  if (samples.length <= n) return [...samples]
  const size = Math.ceil(samples.length / n)
  const out: BusSample[] = []
  for (let i = 0; i < samples.length; i += size) {
    const bucket = samples.slice(i, i + size)
    const first = bucket[0]!
    out.push({
      atMs: first.atMs,
      bus: first.bus,
      loadW: Math.max(...bucket.map((b) => b.loadW)),
      capacityW: Math.min(...bucket.map((b) => b.capacityW)),
      live: bucket.every((b) => b.live),
    })
  }
  return out
}

const axes = (xMaxMs: number, yMax: number, yLabel: string): string => {
  const plotW = W - M.left - M.right
  const plotH = H - M.top - M.bottom
  const ticks: string[] = []
  for (let i = 0; i <= 4; i++) {
    const y = M.top + plotH - (plotH * i) / 4
    ticks.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="${colors.grid}"/>`)
    ticks.push(
      `<text x="${M.left - 6}" y="${y + 4}" text-anchor="end" font-size="11">${Math.round((yMax * i) / 4)}</text>`,
    )
  }
  const days = xMaxMs / DAY
  const step = days > 60 ? 30 : days > 10 ? 7 : 1
  for (let d = 0; d <= days; d += step) {
    const x = M.left + (plotW * d * DAY) / xMaxMs
    ticks.push(`<text x="${x}" y="${H - 10}" text-anchor="middle" font-size="11">d${d}</text>`)
  }
  ticks.push(
    `<text x="12" y="${M.top + plotH / 2}" font-size="11" transform="rotate(-90 12 ${M.top + plotH / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
  )
  return ticks.join('')
}

export const busChart = (
  bus: string,
  samples: readonly BusSample[],
  durationMs: number,
  title: string,
): string => {
  const pts = downsample(
    samples.filter((s) => s.bus === bus),
    900,
  )
  const yMax = Math.max(1, ...pts.map((p) => Math.max(p.loadW, p.capacityW))) * 1.1
  const plotW = W - M.left - M.right
  const plotH = H - M.top - M.bottom
  const x = (t: number): number => M.left + (plotW * t) / durationMs
  const y = (v: number): number => M.top + plotH - (plotH * v) / yMax
  const line = (f: (p: BusSample) => number): string =>
    pts.map((p) => `${x(p.atMs).toFixed(1)},${y(f(p)).toFixed(1)}`).join(' ')
  const dark = pts
    .filter((p) => !p.live)
    .map(
      (p) =>
        `<rect x="${x(p.atMs).toFixed(1)}" y="${M.top}" width="2" height="${plotH}" fill="${colors.dark}" opacity="0.5"/>`,
    )
  return `<figure><figcaption>${esc(title)}</figcaption>
<svg class="chart" data-chart="bus-${esc(bus)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(title)}">
${axes(durationMs, yMax, 'watts')}
${dark.join('')}
<polyline fill="none" stroke="${colors.capacity}" stroke-width="1.5" points="${line((p) => p.capacityW)}"/>
<polyline fill="none" stroke="${colors.load}" stroke-width="1" points="${line((p) => p.loadW)}"/>
</svg>
<div class="legend"><span style="color:${colors.capacity}">&#9632; capacity</span> <span style="color:${colors.load}">&#9632; load (max per sample)</span> <span style="color:${colors.dark}">&#9632; bus dark</span></div></figure>`
}

interface Lane {
  readonly label: string
  readonly color: string
  readonly pick: (n: WorldNote) => boolean
}

const lanes: readonly Lane[] = [
  { label: 'supply failed', color: '#c92a2a', pick: (n) => n._tag === 'SupplyFailed' },
  { label: 'supply replaced', color: '#2b8a3e', pick: (n) => n._tag === 'SupplyReplaced' },
  { label: 'AC feed lost', color: '#e8590c', pick: (n) => n._tag === 'FeedLost' },
  { label: 'PMBus comm lost', color: '#868e96', pick: (n) => n._tag === 'CommLost' },
  { label: 'cooling fault', color: '#f08c00', pick: (n) => n._tag === 'CoolingFault' && n.on },
  { label: 'switch moved', color: '#1971c2', pick: (n) => n._tag === 'SwitchMoved' },
  { label: 'switch stuck', color: '#862e9c', pick: (n) => n._tag === 'SwitchStuck' },
  { label: 'bus dark', color: '#e03131', pick: (n) => n._tag === 'BusDark' },
  { label: 'server down', color: '#a61e4d', pick: (n) => n._tag === 'ServerDown' || n._tag === 'ServerShed' },
  { label: 'gap ridden through', color: '#5c940d', pick: (n) => n._tag === 'RideThrough' },
]

export const timelineChart = (notes: readonly WorldNote[], durationMs: number, title: string): string => {
  const laneH = 22
  const h = M.top + lanes.length * laneH + M.bottom
  const plotW = W - 150 - M.right
  const x = (t: number): number => 150 + (plotW * t) / durationMs
  const rows = lanes.map((lane, i) => {
    const y = M.top + i * laneH + laneH / 2
    const marks = notes
      .filter(lane.pick)
      .map(
        (n) =>
          `<circle cx="${x(n.atMs).toFixed(1)}" cy="${y}" r="4" fill="${lane.color}"><title>${esc(`${lane.label} at day ${(n.atMs / DAY).toFixed(2)}: ${JSON.stringify(n)}`)}</title></circle>`,
      )
    return `<text x="4" y="${y + 4}" font-size="11">${esc(lane.label)}</text><line x1="150" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="${colors.grid}"/>${marks.join('')}`
  })
  return `<figure><figcaption>${esc(title)}</figcaption>
<svg class="chart" data-chart="timeline" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" role="img" aria-label="${esc(title)}">${rows.join('')}
<text x="150" y="${h - 8}" font-size="11">day 0</text><text x="${W - M.right}" y="${h - 8}" font-size="11" text-anchor="end">day ${(durationMs / DAY).toFixed(0)}</text></svg></figure>`
}

export const comparisonChart = (summaries: readonly PolicySummary[]): string => {
  const metrics: { label: string; value: (s: PolicySummary) => number }[] = [
    { label: 'server outages', value: (s) => s.outages.mean },
    { label: 'downtime (server-h)', value: (s) => s.downtimeHours.mean },
    {
      label: 'hours without N+k (all buses)',
      value: (s) => Object.values(s.hoursWithoutNPlusK).reduce((a, e) => a + e.mean, 0),
    },
    { label: 'switch operations', value: (s) => s.switchOperations.mean },
  ]
  const palette = ['#868e96', '#1971c2', '#2b8a3e', '#e8590c']
  const groupH = 26 + summaries.length * 18
  const h = M.top + metrics.length * groupH + 10
  const barMax = W - 260
  const groups = metrics.map((m, gi) => {
    const max = Math.max(1e-9, ...summaries.map((s) => (Number.isFinite(m.value(s)) ? m.value(s) : 0)))
    const y0 = M.top + gi * groupH
    const bars = summaries.map((s, i) => {
      const v = Number.isFinite(m.value(s)) ? m.value(s) : 0
      const y = y0 + 20 + i * 18
      const width = Math.max(1, (barMax * v) / max)
      return `<text x="200" y="${y + 11}" font-size="11" text-anchor="end">${esc(s.policy)}</text><rect x="210" y="${y}" width="${width.toFixed(1)}" height="14" fill="${palette[i % palette.length]}"/><text x="${(214 + width).toFixed(1)}" y="${y + 11}" font-size="11">${v.toFixed(1)}</text>`
    })
    return `<text x="4" y="${y0 + 14}" font-size="12" font-weight="bold">${esc(m.label)}</text>${bars.join('')}`
  })
  return `<figure><figcaption>Policy comparison (means over runs)</figcaption>
<svg class="chart" data-chart="comparison" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" role="img" aria-label="policy comparison">${groups.join('')}</svg></figure>`
}

/** What the HTML report shows: the scenario, seeds, per-policy summaries and one detailed run per policy. */
export interface ReportInput {
  readonly scenario: Scenario
  readonly seeds: readonly number[]
  readonly summaries: readonly PolicySummary[]
  /** One run per policy with notes and bus samples (the first seed). */
  readonly detail: readonly PolicyResult[]
}

/** Pure. Renders one self-contained HTML page (inline CSS and SVG, no scripts) from the results. */
export const renderReport = (input: ReportInput): string => {
  const { scenario, summaries, detail } = input
  const rows = comparisonRows(summaries, scenario.policy.supplyRedundancy)
  const table = `<table><thead><tr><th></th>${summaries.map((s) => `<th>${esc(s.policy)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr><td>${esc(r.label)}</td>${r.cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`
  const perPolicy = detail.map((d) => {
    const charts = scenario.buses.map((b) =>
      busChart(
        b.id,
        d.busSamples ?? [],
        scenario.durationMs,
        `${d.policy}: bus ${b.id} load vs capacity (seed ${d.seed})`,
      ),
    )
    return `<section><h2>${esc(d.policy)}</h2>${charts.join('')}${timelineChart(d.notes ?? [], scenario.durationMs, `${d.policy}: events (seed ${d.seed})`)}</section>`
  })
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>busbar sim: ${esc(scenario.name)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#212529;max-width:960px}
table{border-collapse:collapse;margin:12px 0}td,th{border:1px solid #dee2e6;padding:4px 8px;text-align:right}td:first-child{text-align:left}
figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:4px}.legend{font-size:12px}svg{background:#fff}
</style></head><body>
<h1>busbar sim</h1>
<p>${esc(scenario.name)}: ${scenario.supplies.length} supplies, ${scenario.buses.length} buses, ${scenario.servers.length} servers,
${(scenario.durationMs / DAY).toFixed(0)} days; ${input.seeds.length} run(s), seeds ${input.seeds[0]}..${input.seeds[input.seeds.length - 1]}.</p>
${comparisonChart(summaries)}
${table}
${perPolicy.join('\n')}
</body></html>
`
}
