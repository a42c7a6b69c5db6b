/**
 * Pure. The scenario `busbar sim` runs with no --scenario: a two-bus rack, 8 mixed supplies (3 kW and
 * 2 kW on two AC feeds), 24 servers (16 dual-corded), one simulated year. Embedded so the CLI needs no file;
 * examples/default-rack.json is the same rack as a file (a test keeps them equal).
 */
import * as E from 'fp-ts/lib/Either.js'
import { decodeScenario, formatScenarioError } from './decodeScenario.js'
import type { Scenario } from './Scenario.js'

const supply = (
  id: string,
  capacityW: number,
  feed: string,
  muxChannel: number,
  capacitorAgeAtStart: number,
) => ({
  id,
  capacityW,
  feed,
  muxChannel,
  abruptMtbfHours: 30000,
  capacitorLifeHours: 60000,
  capacitorAgeAtStart,
  fanLifeHours: 40000,
})

const pair = (s: string, kind: 'fet' | 'relay' | 'breaker', home: 'A' | 'B') => [
  { supply: s, bus: 'A', kind, closed: home === 'A' },
  { supply: s, bus: 'B', kind, closed: home === 'B' },
]

const servers = (
  prefix: string,
  n: number,
  priority: number,
  buses: string[][],
  peakW: number,
  idleW: number,
  profile: 'diurnal' | 'bursty',
) =>
  Array.from({ length: n }, (_, i) => ({
    id: `${prefix}${i + 1}`,
    priority,
    buses: buses[i % buses.length]!,
    peakW,
    idleW,
    profile,
  }))

/**
 * The default scenario as JSON: two buses, 8 mixed 800 W-3 kW supplies, 24 servers, two AC feeds, one year.
 */
export const defaultScenarioJson = {
  name: 'two-bus rack, 8 mixed supplies, 24 servers, one year',
  durationDays: 365,
  feeds: [
    { id: 'feedA', outageMtbfHours: 2190, outageMeanMinutes: 20 },
    { id: 'feedB', outageMtbfHours: 2190, outageMeanMinutes: 20 },
  ],
  buses: [
    { id: 'A', priority: 2, maxW: 12000 },
    { id: 'B', priority: 1, maxW: 12000 },
  ],
  supplies: [
    supply('psu1', 3000, 'feedA', 0, 0.55),
    supply('psu2', 2000, 'feedB', 1, 0.2),
    supply('psu3', 3000, 'feedB', 2, 0.7),
    supply('psu4', 2000, 'feedA', 3, 0.35),
    supply('psu5', 3000, 'feedA', 4, 0.62),
    supply('psu6', 2000, 'feedB', 5, 0.25),
    supply('psu7', 3000, 'feedB', 6, 0.45),
    supply('psu8', 2000, 'feedA', 7, 0.1),
  ],
  switches: [
    ...pair('psu1', 'fet', 'A'),
    ...pair('psu2', 'fet', 'A'),
    ...pair('psu3', 'relay', 'A'),
    ...pair('psu4', 'relay', 'A'),
    ...pair('psu5', 'fet', 'B'),
    ...pair('psu6', 'fet', 'B'),
    ...pair('psu7', 'breaker', 'B'),
    ...pair('psu8', 'breaker', 'B'),
  ],
  servers: [
    ...servers('db', 4, 3, [['A', 'B']], 550, 300, 'diurnal'),
    ...servers('web', 4, 2, [['A', 'B']], 450, 200, 'bursty'),
    ...servers('app', 8, 2, [['A', 'B']], 500, 250, 'diurnal'),
    ...servers('batch', 8, 1, [['A'], ['A'], ['A'], ['A'], ['B'], ['B'], ['B'], ['B']], 400, 150, 'bursty'),
  ],
  cooling: { kind: 'builtIn', ambientC: 32, faultMtbfHours: 4000, faultMeanHours: 4, faultRiseC: 12 },
  switchFaults: { stuckOpenPerOp: 0.002, weldedPerOp: 0.001, slowPerOp: 0.01 },
  commFaults: { nackMtbfHours: 3000, nackMeanSeconds: 30 },
  control: {
    pollIntervalMs: 1000,
    alerts: 'interrupt',
    i2cKHz: 100,
    profileStepMinutes: 240,
    repairMeanHours: 48,
  },
  policy: { supplyRedundancy: 1, busRedundancy: true, derate: 1, preemptRisk: 0.5 },
} as const

/** The default scenario, decoded (throws if the embedded JSON is invalid, a bug). */
export const defaultScenario = (): Scenario => {
  const decoded = decodeScenario(defaultScenarioJson)
  if (E.isLeft(decoded))
    throw new Error(`embedded default scenario is invalid: ${formatScenarioError(decoded.left)}`)
  return decoded.right
}
