/**
 * Pure. Unknown JSON in, a validated Scenario (defaults filled) or every problem with its path out,
 * e.g. `supplies[2].capacityW must be > 0`. Structure is checked with io-ts, cross-references by hand.
 */
import * as t from 'io-ts'
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import { defaultPolicy } from '@busbar/core'
import type { Scenario, ScriptedFault } from './Scenario.js'

/** One problem with a scenario: where (path) and what. */
export interface ScenarioIssue {
  readonly path: string
  readonly message: string
}

/** Why a scenario was refused: every issue found. */
export interface ScenarioError {
  readonly _tag: 'ScenarioError'
  readonly issues: readonly ScenarioIssue[]
}

const HOUR = 3_600_000

const kind = t.keyof({ fet: null, relay: null, breaker: null })

const FeedC = t.intersection([
  t.type({ id: t.string }),
  t.partial({ outageMtbfHours: t.number, outageMeanMinutes: t.number }),
])
const BusC = t.intersection([t.type({ id: t.string, priority: t.number }), t.partial({ maxW: t.number })])
const SupplyC = t.intersection([
  t.type({ id: t.string, capacityW: t.number, feed: t.string }),
  t.partial({
    address: t.number,
    muxChannel: t.number,
    abruptMtbfHours: t.number,
    capacitorLifeHours: t.number,
    capacitorAgeAtStart: t.number,
    fanLifeHours: t.number,
    efficiency: t.number,
  }),
])
const SwitchC = t.type({ supply: t.string, bus: t.string, kind, closed: t.boolean })
const ServerC = t.intersection([
  t.type({ id: t.string, priority: t.number, buses: t.array(t.string), peakW: t.number }),
  t.partial({
    idleW: t.number,
    profile: t.keyof({ flat: null, diurnal: null, bursty: null }),
    holdUpMs: t.number,
    bootSeconds: t.number,
  }),
])
const ScriptedC = t.union([
  t.type({ kind: t.literal('supplyFail'), atHours: t.number, supply: t.string }),
  t.type({ kind: t.literal('supplyDegrade'), atHours: t.number, supply: t.string, failAfterHours: t.number }),
  t.type({ kind: t.literal('feedLoss'), atHours: t.number, feed: t.string, durationMinutes: t.number }),
  t.type({ kind: t.literal('commLoss'), atHours: t.number, supply: t.string, durationMinutes: t.number }),
  t.type({
    kind: t.literal('switchFault'),
    atHours: t.number,
    supply: t.string,
    bus: t.string,
    mode: t.keyof({ stuckOpen: null, welded: null, slow: null }),
  }),
])

export const ScenarioJson = t.intersection([
  t.type({
    feeds: t.array(FeedC),
    buses: t.array(BusC),
    supplies: t.array(SupplyC),
    switches: t.array(SwitchC),
    servers: t.array(ServerC),
  }),
  t.partial({
    name: t.string,
    durationDays: t.number,
    durationHours: t.number,
    randomFaults: t.boolean,
    cooling: t.partial({
      kind: t.keyof({ builtIn: null, consolidated: null }),
      ambientC: t.number,
      faultMtbfHours: t.number,
      faultMeanHours: t.number,
      faultRiseC: t.number,
    }),
    switchFaults: t.partial({ stuckOpenPerOp: t.number, weldedPerOp: t.number, slowPerOp: t.number }),
    commFaults: t.partial({ nackMtbfHours: t.number, nackMeanSeconds: t.number }),
    control: t.partial({
      pollIntervalMs: t.number,
      alerts: t.keyof({ polling: null, interrupt: null }),
      i2cKHz: t.number,
      profileStepMinutes: t.number,
      repairMeanHours: t.number,
    }),
    policy: t.partial({
      supplyRedundancy: t.number,
      busRedundancy: t.boolean,
      derate: t.number,
      preemptRisk: t.number,
    }),
    scripted: t.array(ScriptedC),
  }),
])
export type ScenarioJson = t.TypeOf<typeof ScenarioJson>

/** io-ts context -> `supplies[2].capacityW`; union/intersection members add no path segment. */
const pathOf = (context: t.Context): string => {
  let path = ''
  for (let i = 1; i < context.length; i++) {
    const entry = context[i]!
    const parent = context[i - 1]!
    const parentTag = (parent.type as { _tag?: string })._tag
    if (parentTag === 'IntersectionType' || parentTag === 'UnionType') continue
    path += /^\d+$/.test(entry.key) ? `[${entry.key}]` : path === '' ? entry.key : `.${entry.key}`
  }
  return path === '' ? '(root)' : path
}

const describe = (v: unknown): string => (v === undefined ? 'missing' : (JSON.stringify(v) ?? String(v)))

const structuralIssues = (errors: t.Errors): ScenarioIssue[] => {
  const seen = new Set<string>()
  const out: ScenarioIssue[] = []
  for (const e of errors) {
    const path = pathOf(e.context)
    const expected = e.context[e.context.length - 1]?.type.name ?? 'value'
    const message = `${path} must be ${expected}, got ${describe(e.value)}`
    if (seen.has(message)) continue
    seen.add(message)
    out.push({ path, message })
  }
  return out
}

/** Semantic checks and defaults. Collects every issue before failing. */
const semantic = (j: ScenarioJson): Either<ScenarioIssue[], Scenario> => {
  const issues: ScenarioIssue[] = []
  const bad = (path: string, what: string): void => {
    issues.push({ path, message: `${path} ${what}` })
  }
  const positive = (path: string, v: number | undefined): void => {
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) bad(path, `must be > 0, got ${v}`)
  }
  const nonNegative = (path: string, v: number | undefined): void => {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0)) bad(path, `must be >= 0, got ${v}`)
  }
  const unique = (kindName: string, ids: readonly string[]): Set<string> => {
    const seen = new Set<string>()
    ids.forEach((id, i) => {
      if (id === '') bad(`${kindName}[${i}].id`, 'must not be empty')
      if (seen.has(id)) bad(`${kindName}[${i}].id`, `duplicates "${id}"`)
      seen.add(id)
    })
    return seen
  }
  const feeds = unique(
    'feeds',
    j.feeds.map((f) => f.id),
  )
  const buses = unique(
    'buses',
    j.buses.map((b) => b.id),
  )
  const supplies = unique(
    'supplies',
    j.supplies.map((s) => s.id),
  )
  unique(
    'servers',
    j.servers.map((s) => s.id),
  )
  if (j.buses.length === 0) bad('buses', 'must not be empty')
  if (j.supplies.length === 0) bad('supplies', 'must not be empty')

  j.feeds.forEach((f, i) => {
    nonNegative(`feeds[${i}].outageMtbfHours`, f.outageMtbfHours)
    positive(`feeds[${i}].outageMeanMinutes`, f.outageMeanMinutes)
  })
  j.buses.forEach((b, i) => {
    if (!Number.isInteger(b.priority)) bad(`buses[${i}].priority`, `must be an integer, got ${b.priority}`)
    positive(`buses[${i}].maxW`, b.maxW)
  })
  const usedAddresses = new Map<string, number>()
  j.supplies.forEach((s, i) => {
    const p = `supplies[${i}]`
    positive(`${p}.capacityW`, s.capacityW)
    if (!feeds.has(s.feed)) bad(`${p}.feed`, `names unknown feed "${s.feed}"`)
    const address = s.address ?? 0x58
    if (!Number.isInteger(address) || address < 0x08 || address > 0x77)
      bad(`${p}.address`, `must be a 7-bit address in 0x08..0x77, got ${address}`)
    const channel = s.muxChannel ?? i % 8
    if (!Number.isInteger(channel) || channel < 0 || channel > 7)
      bad(`${p}.muxChannel`, `must be an integer 0..7, got ${channel}`)
    const key = `${channel}:${address}`
    if (usedAddresses.has(key))
      bad(
        `${p}.address`,
        `0x${address.toString(16)} on mux channel ${channel} is already used by supplies[${usedAddresses.get(key)}]`,
      )
    usedAddresses.set(key, i)
    nonNegative(`${p}.abruptMtbfHours`, s.abruptMtbfHours)
    nonNegative(`${p}.capacitorLifeHours`, s.capacitorLifeHours)
    nonNegative(`${p}.fanLifeHours`, s.fanLifeHours)
    if (s.capacitorAgeAtStart !== undefined && !(s.capacitorAgeAtStart >= 0 && s.capacitorAgeAtStart < 1))
      bad(`${p}.capacitorAgeAtStart`, `must be in [0, 1), got ${s.capacitorAgeAtStart}`)
    if (s.efficiency !== undefined && !(s.efficiency > 0 && s.efficiency <= 1))
      bad(`${p}.efficiency`, `must be in (0, 1], got ${s.efficiency}`)
  })
  const switchKeys = new Set<string>()
  const closedBySupply = new Map<string, number>()
  j.switches.forEach((w, i) => {
    const p = `switches[${i}]`
    if (!supplies.has(w.supply)) bad(`${p}.supply`, `names unknown supply "${w.supply}"`)
    if (!buses.has(w.bus)) bad(`${p}.bus`, `names unknown bus "${w.bus}"`)
    const key = `${w.supply}\u0000${w.bus}`
    if (switchKeys.has(key)) bad(p, `duplicates the switch ${w.supply}->${w.bus}`)
    switchKeys.add(key)
    if (w.closed) {
      if (closedBySupply.has(w.supply))
        bad(
          `${p}.closed`,
          `closes a second switch of supply "${w.supply}" (a supply never bridges two buses)`,
        )
      closedBySupply.set(w.supply, i)
    }
  })
  j.servers.forEach((s, i) => {
    const p = `servers[${i}]`
    if (!Number.isInteger(s.priority)) bad(`${p}.priority`, `must be an integer, got ${s.priority}`)
    if (s.buses.length < 1 || s.buses.length > 2)
      bad(`${p}.buses`, `must name one or two buses, got ${s.buses.length}`)
    if (s.buses.length === 2 && s.buses[0] === s.buses[1]) bad(`${p}.buses`, 'names the same bus twice')
    s.buses.forEach((b, k) => {
      if (!buses.has(b)) bad(`${p}.buses[${k}]`, `names unknown bus "${b}"`)
    })
    nonNegative(`${p}.peakW`, s.peakW)
    nonNegative(`${p}.idleW`, s.idleW)
    if (s.idleW !== undefined && s.idleW > s.peakW)
      bad(`${p}.idleW`, `must be <= peakW (${s.peakW}), got ${s.idleW}`)
    positive(`${p}.holdUpMs`, s.holdUpMs)
    nonNegative(`${p}.bootSeconds`, s.bootSeconds)
  })
  positive('durationDays', j.durationDays)
  positive('durationHours', j.durationHours)
  if (j.durationDays !== undefined && j.durationHours !== undefined)
    bad('durationHours', 'must not be given together with durationDays')
  const c = j.control ?? {}
  positive('control.pollIntervalMs', c.pollIntervalMs)
  positive('control.i2cKHz', c.i2cKHz)
  positive('control.profileStepMinutes', c.profileStepMinutes)
  positive('control.repairMeanHours', c.repairMeanHours)
  const cool = j.cooling ?? {}
  nonNegative('cooling.faultMtbfHours', cool.faultMtbfHours)
  positive('cooling.faultMeanHours', cool.faultMeanHours)
  const sf = j.switchFaults ?? {}
  for (const [k, v] of Object.entries(sf))
    if (!(v >= 0 && v <= 1)) bad(`switchFaults.${k}`, `must be a probability in [0, 1], got ${v}`)
  const cf = j.commFaults ?? {}
  nonNegative('commFaults.nackMtbfHours', cf.nackMtbfHours)
  positive('commFaults.nackMeanSeconds', cf.nackMeanSeconds)
  const pol = j.policy ?? {}
  if (
    pol.supplyRedundancy !== undefined &&
    !(Number.isInteger(pol.supplyRedundancy) && pol.supplyRedundancy >= 0)
  )
    bad('policy.supplyRedundancy', `must be an integer >= 0, got ${pol.supplyRedundancy}`)
  if (pol.derate !== undefined && !(pol.derate > 0 && pol.derate <= 1))
    bad('policy.derate', `must be in (0, 1], got ${pol.derate}`)
  if (pol.preemptRisk !== undefined && !(pol.preemptRisk >= 0 && pol.preemptRisk <= 1))
    bad('policy.preemptRisk', `must be in [0, 1], got ${pol.preemptRisk}`)
  const durationMs =
    j.durationHours !== undefined ? j.durationHours * HOUR : (j.durationDays ?? 365) * 24 * HOUR

  const scripted: ScriptedFault[] = []
  ;(j.scripted ?? []).forEach((f, i) => {
    const p = `scripted[${i}]`
    nonNegative(`${p}.atHours`, f.atHours)
    const atMs = f.atHours * HOUR
    if (atMs > durationMs) bad(`${p}.atHours`, `is after the end of the run (${durationMs / HOUR} h)`)
    switch (f.kind) {
      case 'supplyFail':
        if (!supplies.has(f.supply)) bad(`${p}.supply`, `names unknown supply "${f.supply}"`)
        scripted.push({ kind: f.kind, atMs, supply: f.supply })
        break
      case 'supplyDegrade':
        if (!supplies.has(f.supply)) bad(`${p}.supply`, `names unknown supply "${f.supply}"`)
        positive(`${p}.failAfterHours`, f.failAfterHours)
        scripted.push({ kind: f.kind, atMs, supply: f.supply, failAfterMs: f.failAfterHours * HOUR })
        break
      case 'feedLoss':
        if (!feeds.has(f.feed)) bad(`${p}.feed`, `names unknown feed "${f.feed}"`)
        positive(`${p}.durationMinutes`, f.durationMinutes)
        scripted.push({ kind: f.kind, atMs, feed: f.feed, durationMs: f.durationMinutes * 60_000 })
        break
      case 'commLoss':
        if (!supplies.has(f.supply)) bad(`${p}.supply`, `names unknown supply "${f.supply}"`)
        positive(`${p}.durationMinutes`, f.durationMinutes)
        scripted.push({ kind: f.kind, atMs, supply: f.supply, durationMs: f.durationMinutes * 60_000 })
        break
      case 'switchFault':
        if (!switchKeys.has(`${f.supply}\u0000${f.bus}`))
          bad(p, `names no existing switch ${f.supply}->${f.bus}`)
        scripted.push({ kind: f.kind, atMs, supply: f.supply, bus: f.bus, mode: f.mode })
        break
    }
  })
  if (issues.length > 0) return E.left(issues)

  return E.right({
    name: j.name ?? 'scenario',
    durationMs,
    randomFaults: j.randomFaults ?? true,
    feeds: j.feeds.map((f) => ({
      id: f.id,
      outageMtbfHours: f.outageMtbfHours ?? 0,
      outageMeanMinutes: f.outageMeanMinutes ?? 30,
    })),
    buses: j.buses.map((b) =>
      b.maxW === undefined
        ? { id: b.id, priority: b.priority }
        : { id: b.id, priority: b.priority, maxW: b.maxW },
    ),
    supplies: j.supplies.map((s, i) => ({
      id: s.id,
      capacityW: s.capacityW,
      feed: s.feed,
      address: s.address ?? 0x58,
      muxChannel: s.muxChannel ?? i % 8,
      abruptMtbfHours: s.abruptMtbfHours ?? 0,
      capacitorLifeHours: s.capacitorLifeHours ?? 0,
      capacitorAgeAtStart: s.capacitorAgeAtStart ?? 0,
      fanLifeHours: s.fanLifeHours ?? 0,
      efficiency: s.efficiency ?? 0.94,
    })),
    switches: j.switches.map((w) => ({ supply: w.supply, bus: w.bus, kind: w.kind, closed: w.closed })),
    servers: j.servers.map((s) => ({
      id: s.id,
      priority: s.priority,
      buses: s.buses,
      idleW: s.idleW ?? s.peakW * 0.5,
      peakW: s.peakW,
      profile: s.profile ?? 'diurnal',
      holdUpMs: s.holdUpMs ?? 10,
      bootMs: (s.bootSeconds ?? 180) * 1000,
    })),
    cooling: {
      kind: cool.kind ?? 'builtIn',
      ambientC: cool.ambientC ?? 30,
      faultMtbfHours: cool.faultMtbfHours ?? 0,
      faultMeanHours: cool.faultMeanHours ?? 6,
      faultRiseC: cool.faultRiseC ?? 15,
    },
    switchFaults: {
      stuckOpenPerOp: sf.stuckOpenPerOp ?? 0,
      weldedPerOp: sf.weldedPerOp ?? 0,
      slowPerOp: sf.slowPerOp ?? 0,
    },
    commFaults: { nackMtbfHours: cf.nackMtbfHours ?? 0, nackMeanSeconds: cf.nackMeanSeconds ?? 20 },
    control: {
      pollIntervalMs: c.pollIntervalMs ?? 1000,
      alerts: c.alerts ?? 'interrupt',
      i2cKHz: c.i2cKHz ?? 100,
      profileStepMinutes: c.profileStepMinutes ?? 60,
      repairMeanHours: c.repairMeanHours ?? 48,
    },
    policy: { ...defaultPolicy, ...pol },
    scripted: scripted.sort((a, b) => a.atMs - b.atMs),
  })
}

/** Pure. Validates scenario JSON into a `Scenario`, or a `ScenarioError` listing every problem. */
export const decodeScenario = (u: unknown): Either<ScenarioError, Scenario> => {
  const structural = ScenarioJson.decode(u)
  if (E.isLeft(structural))
    return E.left({ _tag: 'ScenarioError', issues: structuralIssues(structural.left) })
  const checked = semantic(structural.right)
  return E.isLeft(checked) ? E.left({ _tag: 'ScenarioError', issues: checked.left }) : E.right(checked.right)
}

/** Pure. A scenario error as text, one issue a line. */
export const formatScenarioError = (e: ScenarioError): string =>
  `invalid scenario (${e.issues.length} problem${e.issues.length === 1 ? '' : 's'}):\n` +
  e.issues.map((i) => `  - ${i.message}`).join('\n')
