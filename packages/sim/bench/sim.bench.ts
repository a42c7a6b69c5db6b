/**
 * Benchmark: simulated rack-years per wall-clock second (static world alone, and the closed loop per
 * policy), and the controller's software time per control cycle against that cycle's I2C bus time.
 * Medians over repetitions; ratios against the static world measured in the same run. Not a test.
 */
import { createRng } from '../src/engine/createRng.js'
import { createRackWorld } from '../src/rack/createRackWorld.js'
import { defaultScenario } from '../src/rack/defaultScenario.js'
import { runClosedLoop } from '../src/loop/runClosedLoop.js'
import type { Scenario } from '../src/rack/Scenario.js'

const YEAR = 365 * 86_400_000
const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
const quantile = (xs: readonly number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!
}

const days = Number(process.env.BENCH_DAYS ?? 90)
const reps = Number(process.env.BENCH_REPS ?? 3)
const scenario: Scenario = { ...defaultScenario(), durationMs: days * 86_400_000 }
const years = scenario.durationMs / YEAR

const timeStatic = (seed: number): number => {
  const t0 = performance.now()
  const w = createRackWorld(scenario, createRng(seed))
  w.finish(scenario.durationMs)
  return performance.now() - t0
}

interface LoopRun {
  readonly wallMs: number
  /** CPU time of the process (user + system) over the run: less sensitive to other load than wall time. */
  readonly cpuMs: number
  readonly cycles: number
  readonly software: number[]
  readonly bus: number[]
}
const cpuNowMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}
const timeLoop = async (
  seed: number,
  predictive: boolean,
  alerts: 'interrupt' | 'polling',
): Promise<LoopRun> => {
  const software: number[] = []
  const bus: number[] = []
  const w = createRackWorld(scenario, createRng(seed))
  const t0 = performance.now()
  const c0 = cpuNowMs()
  const record = await runClosedLoop(w, {
    predictive,
    alerts,
    skipQuiet: true,
    onStepTiming: (s, b) => (software.push(s), bus.push(b)),
  })
  return {
    wallMs: performance.now() - t0,
    cpuMs: cpuNowMs() - c0,
    cycles: record.controllerCycles,
    software,
    bus,
  }
}

console.log(
  `busbar sim bench: default rack (8 supplies, 2 buses, 24 servers), ${days} simulated days, ${reps} repetitions, medians`,
)
const staticMs = median(Array.from({ length: reps }, (_, i) => timeStatic(i + 1)))
console.log(
  `  static world alone:   ${(years / (staticMs / 1000)).toFixed(1)} rack-years/s  (${staticMs.toFixed(0)} ms per run)`,
)
for (const [name, predictive, alerts] of [
  ['reactive, SMBALERT#', false, 'interrupt'],
  ['predictive, SMBALERT#', true, 'interrupt'],
  ['reactive, polling only', false, 'polling'],
] as const) {
  const runs: LoopRun[] = []
  for (let i = 0; i < reps; i++) runs.push(await timeLoop(i + 1, predictive, alerts))
  const wall = median(runs.map((r) => r.wallMs))
  const cpu = median(runs.map((r) => r.cpuMs))
  const cycles = median(runs.map((r) => r.cycles))
  const software = runs.flatMap((r) => r.software)
  const bus = runs.flatMap((r) => r.bus)
  const ratios = software.map((s, i) => s / Math.max(1e-9, bus[i]!))
  console.log(
    `  closed loop, ${name.padEnd(22)} ${(years / (wall / 1000)).toPrecision(3)} rack-years/s, ${(wall / 1000 / years).toFixed(1)} s per rack-year  (${(wall / staticMs).toFixed(0)}x the static world)`,
  )
  console.log(
    `      CPU ${(cpu / 1000 / years).toFixed(1)} s per rack-year (user + system), ${Math.round(cycles / years)} control cycles per rack-year`,
  )
  console.log(
    `      per control cycle: controller software median ${median(software).toFixed(3)} ms (p95 ${quantile(software, 0.95).toFixed(3)}), ` +
      `I2C bus time median ${median(bus).toFixed(2)} ms (p95 ${quantile(bus, 0.95).toFixed(2)}), software/bus median ${median(ratios).toFixed(3)}`,
  )
}
