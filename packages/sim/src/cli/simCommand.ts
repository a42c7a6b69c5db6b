/**
 * `busbar sim`: run the policies over a scenario (default: the embedded rack) on the same seeds and
 * print the comparison; optionally JSON and a self-contained HTML report.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import { decodeScenario, formatScenarioError } from '../rack/decodeScenario.js'
import { defaultScenario } from '../rack/defaultScenario.js'
import type { Scenario } from '../rack/Scenario.js'
import { policyNames } from '../policy/PolicyResult.js'
import type { PolicyName, PolicyResult } from '../policy/PolicyResult.js'
import { summarise } from '../policy/summarise.js'
import { runJobs } from '../montecarlo/runJobs.js'
import type { SimJob } from '../montecarlo/SimJob.js'
import { renderReport } from '../report/renderReport.js'
import { formatComparison } from './formatComparison.js'
import { createProgressBar } from './progressBar.js'

export const simUsage = `usage: busbar sim [options]
  --scenario FILE   scenario JSON (default: the embedded two-bus rack, 8 supplies, 24 servers, 1 year)
  --seed N          first seed (default 1); runs use seeds N, N+1, ...
  --runs N          Monte Carlo runs per policy (default 1)
  --policy LIST     static, reactive, predictive or all, comma-separated (default all)
  --days N          override the scenario's duration
  --workers N       worker threads (default: cores, at most 4; 0 = this thread)
  --json            print results as JSON instead of the table
  --report FILE     write a self-contained HTML report`

/** Where the CLI writes: standard output and standard error lines, injected so tests capture them. */
export interface CliIo {
  readonly out: (s: string) => void
  readonly err: (s: string) => void
}

const fail = (message: string): Either<string, never> => E.left(message)

const intOption = (
  name: string,
  raw: string | undefined,
  dflt: number,
  min: number,
): Either<string, number> => {
  if (raw === undefined) return E.right(dflt)
  const n = Number(raw)
  return Number.isInteger(n) && n >= min
    ? E.right(n)
    : fail(`--${name} must be an integer >= ${min}, got "${raw}"`)
}

export const loadScenario = (file: string | undefined): Either<string, Scenario> => {
  if (file === undefined) return E.right(defaultScenario())
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (e) {
    return fail(`cannot read scenario ${file}: ${e instanceof Error ? e.message : String(e)}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return fail(`${file} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  const decoded = decodeScenario(json)
  return E.isLeft(decoded) ? fail(`${file}: ${formatScenarioError(decoded.left)}`) : E.right(decoded.right)
}

const parsePolicies = (raw: string | undefined): Either<string, PolicyName[]> => {
  if (raw === undefined || raw === 'all') return E.right([...policyNames])
  const names = raw.split(',').map((s) => s.trim())
  const bad = names.find((n) => !(policyNames as readonly string[]).includes(n))
  return bad !== undefined
    ? fail(`--policy: unknown policy "${bad}" (expected ${policyNames.join(', ')} or all)`)
    : E.right(names as PolicyName[])
}

/** Returns the process exit code. */
export const simCommand = async (args: readonly string[], io: CliIo): Promise<number> => {
  let parsed
  try {
    parsed = parseArgs({
      args: [...args],
      options: {
        scenario: { type: 'string' },
        seed: { type: 'string' },
        runs: { type: 'string' },
        policy: { type: 'string' },
        days: { type: 'string' },
        workers: { type: 'string' },
        json: { type: 'boolean' },
        report: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    })
  } catch (e) {
    io.err(`busbar sim: ${e instanceof Error ? e.message : String(e)}\n${simUsage}`)
    return 2
  }
  const v = parsed.values
  if (v.help === true) {
    io.out(simUsage)
    return 0
  }
  const scenarioE = loadScenario(v.scenario)
  const seedE = intOption('seed', v.seed, 1, 0)
  const runsE = intOption('runs', v.runs, 1, 1)
  const daysE =
    v.days === undefined
      ? E.right(undefined)
      : Number(v.days) > 0
        ? E.right(Number(v.days))
        : fail(`--days must be > 0, got "${v.days}"`)
  const workersE = intOption('workers', v.workers, -1, 0)
  const policiesE = parsePolicies(v.policy)
  for (const e of [scenarioE, seedE, runsE, daysE, workersE, policiesE]) {
    if (E.isLeft(e)) {
      io.err(`busbar sim: ${e.left}`)
      return 2
    }
  }
  const base = (scenarioE as E.Right<Scenario>).right
  const days = (daysE as E.Right<number | undefined>).right
  const scenario: Scenario = days === undefined ? base : { ...base, durationMs: days * 86_400_000 }
  const seed = (seedE as E.Right<number>).right
  const runs = (runsE as E.Right<number>).right
  const workers = (workersE as E.Right<number>).right
  const policies = (policiesE as E.Right<PolicyName[]>).right
  const seeds = Array.from({ length: runs }, (_, i) => seed + i)
  const wantReport = v.report !== undefined

  const jobs: SimJob[] = []
  for (const s of seeds)
    for (const policy of policies)
      jobs.push({ index: jobs.length, scenario, seed: s, policy, keepDetail: wantReport && s === seed })
  // The same controller run with the other alert mode, to compare fault-to-switch latency.
  const latencyPolicy = policies.includes('reactive')
    ? 'reactive'
    : policies.includes('predictive')
      ? 'predictive'
      : undefined
  const otherMode = scenario.control.alerts === 'interrupt' ? 'polling' : 'interrupt'
  if (latencyPolicy !== undefined)
    for (const s of seeds)
      jobs.push({
        index: jobs.length,
        scenario,
        seed: s,
        policy: latencyPolicy,
        alerts: otherMode,
        keepDetail: false,
      })

  // Longest first (predictive, reactive, polling-only comparison, static) so the workers finish together;
  // results come back in job order whatever the schedule.
  const cost = (j: SimJob): number =>
    j.policy === 'static' ? 0 : j.alerts !== undefined ? 1 : j.policy === 'reactive' ? 2 : 3
  const schedule = [...jobs].sort((a, b) => cost(b) - cost(a) || a.index - b.index)
  const bar = createProgressBar('simulating')
  const scheduled = await runJobs(schedule, { ...(workers >= 0 ? { workers } : {}), onProgress: bar.update })
  bar.finish()
  const outcomes = jobs.map((j) => scheduled[schedule.indexOf(j)]!)

  const failures = new Map<PolicyName, string>()
  const byPolicy = new Map<PolicyName, PolicyResult[]>(policies.map((p) => [p, []]))
  const otherModeResults: PolicyResult[] = []
  outcomes.forEach((o, i) => {
    const job = jobs[i]!
    if (o._tag === 'Failed') {
      if (!failures.has(job.policy)) failures.set(job.policy, o.error.split('\n')[0] ?? o.error)
      return
    }
    if (job.alerts !== undefined) otherModeResults.push(o.result)
    else byPolicy.get(job.policy)!.push(o.result)
  })
  const ran = policies.filter((p) => !failures.has(p))
  const summaries = ran.map((p) => summarise(p, byPolicy.get(p)!))
  const otherSummary =
    latencyPolicy !== undefined && otherModeResults.length > 0
      ? summarise(latencyPolicy, otherModeResults)
      : undefined

  if (v.json === true) {
    io.out(
      JSON.stringify(
        {
          scenario: scenario.name,
          seeds,
          summaries,
          latencyComparison:
            otherSummary === undefined
              ? undefined
              : {
                  policy: latencyPolicy,
                  [otherMode]: otherSummary.faultToSwitchMs,
                  [scenario.control.alerts]: summaries.find((s) => s.policy === latencyPolicy)
                    ?.faultToSwitchMs,
                },
          runs: [...byPolicy.values()].flat().map(({ notes: _n, busSamples: _b, ...r }) => r),
          failed: Object.fromEntries(failures),
        },
        null,
        2,
      ),
    )
  } else {
    const years = scenario.durationMs / (365 * 86_400_000)
    io.out(`busbar sim: ${scenario.name}`)
    io.out(
      `${scenario.supplies.length} supplies, ${scenario.buses.length} buses, ${scenario.servers.length} servers; ${years >= 0.99 ? `${years.toFixed(years % 1 === 0 ? 0 : 2)} year(s)` : `${(scenario.durationMs / 86_400_000).toFixed(1)} days`} simulated; ${runs} run(s) per policy, seeds ${seeds[0]}..${seeds[seeds.length - 1]}${runs > 1 ? '; mean ± 95% CI' : ''}`,
    )
    io.out('')
    if (summaries.length > 0) io.out(formatComparison(summaries, scenario.policy.supplyRedundancy))
    const main = summaries.find((s) => s.policy === latencyPolicy)
    if (otherSummary !== undefined && main !== undefined) {
      const f = (x: number | undefined): string => (x === undefined ? '-' : `${x.toFixed(2)} ms`)
      io.out('')
      io.out(`fault-to-switch latency (${latencyPolicy}), median / p95 over answered faults:`)
      io.out(
        `  ${scenario.control.alerts.padEnd(9)} ${f(main.faultToSwitchMs.median)} / ${f(main.faultToSwitchMs.p95)}  (${main.faultToSwitchMs.count} faults)`,
      )
      io.out(
        `  ${otherMode.padEnd(9)} ${f(otherSummary.faultToSwitchMs.median)} / ${f(otherSummary.faultToSwitchMs.p95)}  (${otherSummary.faultToSwitchMs.count} faults)`,
      )
    }
  }
  if (wantReport && summaries.length > 0) {
    const detail = ran.flatMap((p) => byPolicy.get(p)!.filter((r) => r.seed === seed))
    writeFileSync(v.report!, renderReport({ scenario, seeds, summaries, detail }))
    io.err(`report written to ${v.report}`)
  }
  for (const [policy, error] of failures) io.err(`busbar sim: policy ${policy} failed: ${error}`)
  return failures.size > 0 ? 1 : 0
}
