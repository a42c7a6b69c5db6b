/**
 * Deterministic given its seed. The physical rack as a discrete-event model: AC feeds, supplies
 * (thermal model, wear, abrupt failures, repair), switches (timing and failure modes), bus bars,
 * servers (profiles, hold-up, boot) and their electrical outcome. It knows nothing of the controller:
 * hardware views (registers, pins) read it and command it.
 */
import type { SwitchKind } from '@busbar/core'
import type { Rng } from '../engine/createRng.js'
import { createEventQueue } from '../engine/createEventQueue.js'
import { capacitorAgingPerHour, supplyTemperatureC, supplyView } from '../faults/supplyTelemetry.js'
import type { SupplyCondition, SupplyView } from '../faults/supplyTelemetry.js'
import { evaluateBuses } from './evaluateBuses.js'
import type { ElectricalOutcome } from './evaluateBuses.js'
import type { Scenario, ServerSpec, SupplySpec } from './Scenario.js'
import { serverDemandW } from './serverDemandW.js'
import { slowSwitchFactor, switchSettleMs } from './switchTiming.js'

const HOUR = 3_600_000
/** Window over which a worn fan visibly slows before it stops. */
const fanWarningWindowMs = 240 * HOUR
/** Capacitor wear shows from this share of life on. */
const capacitorVisibleFrom = 0.9

/** Why a simulated supply failed: abruptly, capacitor wear, fan wear, or a scripted fault. */
export type FailureCause = 'abrupt' | 'capacitor' | 'fan' | 'scripted'
export type SwitchFaultMode = 'stuckOpen' | 'welded' | 'slow'

export type PhysicalEvent =
  | { readonly _tag: 'Epoch' }
  | {
      readonly _tag: 'SupplyFail'
      readonly supply: string
      readonly cause: FailureCause
      readonly generation: number
    }
  | { readonly _tag: 'SupplyReplaced'; readonly supply: string }
  | { readonly _tag: 'FeedDown'; readonly feed: string; readonly durationMs: number }
  | { readonly _tag: 'FeedUp'; readonly feed: string }
  | { readonly _tag: 'CommDown'; readonly supply: string; readonly durationMs: number }
  | { readonly _tag: 'CommUp'; readonly supply: string }
  | { readonly _tag: 'CoolingFault'; readonly on: boolean; readonly durationMs: number }
  | { readonly _tag: 'DegradeStart'; readonly supply: string; readonly failAfterMs: number }
  | {
      readonly _tag: 'SwitchFaultArmed'
      readonly supply: string
      readonly bus: string
      readonly mode: SwitchFaultMode
    }
  | {
      readonly _tag: 'SwitchSettled'
      readonly supply: string
      readonly bus: string
      readonly closed: boolean
      readonly op: number
    }
  | { readonly _tag: 'SwitchRepaired'; readonly supply: string; readonly bus: string }
  | { readonly _tag: 'HoldUpExpired'; readonly server: string; readonly token: number }
  | { readonly _tag: 'BootDone'; readonly server: string; readonly token: number }

/** Something that happened, for the timeline, the metrics and the report. */
export type WorldNote =
  | {
      readonly _tag: 'SupplyFailed'
      readonly atMs: number
      readonly supply: string
      readonly cause: FailureCause
    }
  | { readonly _tag: 'SupplyReplaced'; readonly atMs: number; readonly supply: string }
  | { readonly _tag: 'FeedLost'; readonly atMs: number; readonly feed: string }
  | { readonly _tag: 'FeedRestored'; readonly atMs: number; readonly feed: string }
  | { readonly _tag: 'CommLost'; readonly atMs: number; readonly supply: string }
  | { readonly _tag: 'CoolingFault'; readonly atMs: number; readonly on: boolean }
  | {
      readonly _tag: 'SwitchMoved'
      readonly atMs: number
      readonly supply: string
      readonly bus: string
      readonly closed: boolean
      readonly commandedAtMs: number
    }
  | {
      readonly _tag: 'SwitchStuck'
      readonly atMs: number
      readonly supply: string
      readonly bus: string
      readonly mode: SwitchFaultMode
    }
  | {
      readonly _tag: 'SwitchRepaired'
      readonly atMs: number
      readonly supply: string
      readonly bus: string
      readonly closed: boolean
    }
  | { readonly _tag: 'BusDark'; readonly atMs: number; readonly bus: string }
  | { readonly _tag: 'BusLive'; readonly atMs: number; readonly bus: string }
  | {
      readonly _tag: 'ServerDown'
      readonly atMs: number
      readonly server: string
      readonly gapStartMs: number
    }
  | {
      readonly _tag: 'ServerUp'
      readonly atMs: number
      readonly server: string
      readonly downSinceMs: number
    }
  | { readonly _tag: 'RideThrough'; readonly atMs: number; readonly server: string; readonly gapMs: number }
  | { readonly _tag: 'ServerShed'; readonly atMs: number; readonly server: string }
  | { readonly _tag: 'SafetyViolation'; readonly atMs: number; readonly detail: string }

type ServerState =
  | { readonly _tag: 'up' }
  | { readonly _tag: 'gap'; readonly sinceMs: number; readonly token: number }
  | { readonly _tag: 'down'; readonly sinceMs: number }
  | { readonly _tag: 'booting'; readonly downSinceMs: number; readonly token: number }
  | { readonly _tag: 'shed'; readonly sinceMs: number }

interface SupplyState {
  readonly spec: SupplySpec
  health: 'ok' | 'failed'
  /** Bumped on replacement so stale failure events of the old unit are ignored. */
  generation: number
  capacitorAge: number
  capacitorLifeHours: number
  fanFailAtMs: number
  degrade: { readonly startMs: number; readonly failAtMs: number } | undefined
  responding: boolean
  /** Condition snapshot as of the last physical event (piecewise constant between events). */
  view: SupplyView
  outputW: number
}

interface SwitchPhysical {
  readonly supply: string
  readonly bus: string
  readonly kind: SwitchKind
  closed: boolean
  /** Last commanded state (the expander pin), may differ from `closed` while settling or stuck. */
  commanded: boolean
  armedFault: SwitchFaultMode | undefined
  op: number
}

/** A bus at an instant of the simulation: load and capacity (W) and whether it was live. */
export interface BusSample {
  readonly atMs: number
  readonly bus: string
  readonly loadW: number
  readonly capacityW: number
  readonly live: boolean
}

/**
 * What happened physically in a run: outages, downtime, ride-throughs, shedding, switching, dark buses, time
 * without N+k.
 */
export interface WorldMetrics {
  readonly outages: number
  readonly downtimeMs: number
  readonly ridesThrough: number
  readonly shedEvents: number
  readonly switchOperations: number
  readonly switchFaults: number
  readonly busDarkEpisodes: number
  readonly timeWithoutNPlusKMs: Readonly<Record<string, number>>
  readonly supplyFailures: number
  readonly feedLosses: number
  readonly safetyViolations: number
}

/**
 * The simulated physical rack: advance its clock, read the hardware views, command switches, read its
 * metrics.
 */
export interface RackWorld {
  readonly scenario: Scenario
  readonly now: () => number
  /** Process every physical event up to and including `atMs`, then set the clock there. */
  readonly advanceTo: (atMs: number) => void
  readonly nextEventTime: () => number | undefined
  /** What the supply's registers would show now, or undefined when it does not answer (comm fault). */
  readonly supplyView: (supply: string) => SupplyView | undefined
  /** Physical truth, for checks and metrics; the controller never reads this. */
  readonly supplyFailed: (supply: string) => boolean
  readonly supplyDelivering: (supply: string) => boolean
  /** Drive a switch's control input (from an expander pin). */
  readonly commandSwitch: (supply: string, bus: string, closed: boolean) => void
  /** Switch position as its feedback contact reports it. */
  readonly switchClosed: (supply: string, bus: string) => boolean
  readonly switchCommanded: (supply: string, bus: string) => boolean
  /** Ask servers to power down (shed) or back up, over the management channel (claim 16). */
  readonly setShed: (servers: ReadonlySet<string>) => void
  /** What each running server reports using; servers that are down, booting or shed report nothing. */
  readonly serverPowerW: () => ReadonlyMap<string, number>
  readonly outcome: () => ElectricalOutcome
  readonly metrics: () => WorldMetrics
  readonly notes: () => readonly WorldNote[]
  readonly busSamples: () => readonly BusSample[]
  /** Called after every physical change (registers may have changed: SMBALERT# sources). */
  readonly onChange: (listener: (atMs: number) => void) => void
  /** Close the books at the end of the run (accumulate open downtime and redundancy-loss time). */
  readonly finish: (atMs: number) => void
}

/** World options: random faults on or off, bus sampling for the report, and the cap on kept notes. */
export interface WorldOptions {
  /** Random faults on (default from the scenario); false for scripted-only runs. */
  readonly randomFaults?: boolean
  /** Record bus samples at every profile step (for the report). */
  readonly sampleBuses?: boolean
  /** Cap on retained notes (the timeline). */
  readonly maxNotes?: number
}

/** Builds the discrete-event model of a scenario's rack, deterministic for a given `Rng`. */
export const createRackWorld = (scenario: Scenario, rng: Rng, options: WorldOptions = {}): RackWorld => {
  const queue = createEventQueue<PhysicalEvent>()
  const randomFaults = options.randomFaults ?? scenario.randomFaults
  const maxNotes = options.maxNotes ?? 200_000
  const stepMs = scenario.control.profileStepMinutes * 60_000
  const k = scenario.policy.supplyRedundancy
  const faultRng = rng.fork('faults')
  // One stream per fault process (each supply's abrupt failures, repairs and comm faults, each feed, each
  // switch's repairs, the cooling): a process draws the same numbers whatever else happened, so policies
  // run with the same seed meet the same faults (common random numbers). With one shared stream, the first
  // switch repair (controllers only) reshuffled every later failure, and the comparison was of different racks.
  const faultStreams = new Map<string, Rng>()
  const faultStream = (process: string): Rng => {
    let r = faultStreams.get(process)
    if (r === undefined) faultStreams.set(process, (r = faultRng.fork(process)))
    return r
  }
  const loadRng = rng.fork('load')
  const switchRng = rng.fork('switches')

  const feedUp = new Map(scenario.feeds.map((f) => [f.id, true]))
  let coolingFaultOn = false
  const supplies = new Map<string, SupplyState>()
  const switches = new Map<string, SwitchPhysical>()
  const servers = new Map<
    string,
    { spec: ServerSpec; state: ServerState; demandW: number; shedRequested: boolean; rng: Rng }
  >()
  const listeners: ((atMs: number) => void)[] = []
  const notes: WorldNote[] = []
  const samples: BusSample[] = []
  let tokenSeq = 0
  let opSeq = 0

  const m = {
    outages: 0,
    downtimeMs: 0,
    ridesThrough: 0,
    shedEvents: 0,
    switchOperations: 0,
    switchFaults: 0,
    busDarkEpisodes: 0,
    supplyFailures: 0,
    feedLosses: 0,
    safetyViolations: 0,
  }
  const withoutNPlusK = new Map(scenario.buses.map((b) => [b.id, 0]))
  const wiredBuses = new Set(scenario.servers.flatMap((s) => s.buses))

  const note = (n: WorldNote): void => {
    if (notes.length < maxNotes) notes.push(n)
  }
  const swKey = (supply: string, bus: string): string => `${supply}\u0000${bus}`

  const newUnit = (
    spec: SupplySpec,
    atMs: number,
    fresh: boolean,
    unitRng: Rng,
  ): Omit<SupplyState, 'view' | 'outputW'> => {
    const fanLifeMs = spec.fanLifeHours * HOUR
    // A fan's life is Weibull (shape 3: wear-out); an installed fan has already used part of it.
    const fanFailAtMs =
      scenario.cooling.kind !== 'builtIn' || fanLifeMs <= 0
        ? Number.POSITIVE_INFINITY
        : atMs + unitRng.weibull(3, fanLifeMs) * (fresh ? 1 : unitRng.uniform(0.05, 1))
    return {
      spec,
      health: 'ok',
      generation: 0,
      capacitorAge: fresh ? 0 : spec.capacitorAgeAtStart,
      capacitorLifeHours: spec.capacitorLifeHours * Math.min(1.4, Math.max(0.6, unitRng.normal(1, 0.12))),
      fanFailAtMs,
      degrade: undefined,
      responding: true,
    }
  }

  const inletC = (): number => scenario.cooling.ambientC + (coolingFaultOn ? scenario.cooling.faultRiseC : 0)

  const severities = (s: SupplyState, atMs: number): { capacitor: number; fan: number } => {
    const capFromAge = Math.min(
      1,
      Math.max(0, (s.capacitorAge - capacitorVisibleFrom) / (1 - capacitorVisibleFrom)),
    )
    const capFromScript =
      s.degrade === undefined
        ? 0
        : Math.min(1, Math.max(0, (atMs - s.degrade.startMs) / (s.degrade.failAtMs - s.degrade.startMs)))
    const fan = Number.isFinite(s.fanFailAtMs)
      ? Math.min(1, Math.max(0, 1 - (s.fanFailAtMs - atMs) / fanWarningWindowMs))
      : 0
    return { capacitor: Math.max(capFromAge, capFromScript), fan }
  }

  const condition = (s: SupplyState, atMs: number): SupplyCondition => {
    const sev = severities(s, atMs)
    return {
      health: s.health,
      inputOk: feedUp.get(s.spec.feed) ?? false,
      capacityW: s.spec.capacityW,
      efficiency: s.spec.efficiency,
      outputW: s.outputW,
      inletC: inletC(),
      cooling: scenario.cooling.kind,
      capacitorSeverity: sev.capacitor,
      fanSeverity: sev.fan,
    }
  }

  const delivering = (s: SupplyState): boolean => s.health === 'ok' && (feedUp.get(s.spec.feed) ?? false)

  // --- initial state ---
  for (const spec of scenario.supplies) {
    const unit = newUnit(spec, 0, false, faultRng.fork(`unit:${spec.id}:0`))
    const state: SupplyState = { ...unit, view: undefined as unknown as SupplyView, outputW: 0 }
    supplies.set(spec.id, state)
  }
  for (const w of scenario.switches) {
    switches.set(swKey(w.supply, w.bus), {
      supply: w.supply,
      bus: w.bus,
      kind: w.kind,
      closed: w.closed,
      commanded: w.closed,
      armedFault: undefined,
      op: 0,
    })
  }
  for (const spec of scenario.servers) {
    const serverRng = loadRng.fork(`server:${spec.id}`)
    servers.set(spec.id, {
      spec,
      state: { _tag: 'up' },
      demandW: serverDemandW(spec, 0, serverRng),
      shedRequested: false,
      rng: serverRng,
    })
  }

  // --- electrical evaluation ---
  let last: ElectricalOutcome = evaluateBuses(scenario.buses, [], [], k)
  let lastEvalMs = 0
  const busLive = new Map(scenario.buses.map((b) => [b.id, true]))

  // A down server would start as soon as its bus holds, so it counts (cold-load pickup); one asked to stay
  // off never starts, so it does not, else a bus that went dark could never come back by shedding.
  const serverWants = (s: { state: ServerState; demandW: number; shedRequested: boolean }): number =>
    s.state._tag === 'shed' || (s.state._tag === 'down' && s.shedRequested)
      ? 0
      : s.state._tag === 'booting'
        ? s.demandW * 0.6
        : s.demandW

  const closedTo = (supply: string): string[] => {
    const out: string[] = []
    for (const w of switches.values()) if (w.supply === supply && w.closed) out.push(w.bus)
    return out
  }

  const evaluate = (atMs: number): void => {
    // Account the stretch since the last evaluation under the previous outcome.
    const dt = atMs - lastEvalMs
    if (dt > 0) {
      for (const b of last.buses)
        if (wiredBuses.has(b.id) && !b.nPlusK) withoutNPlusK.set(b.id, (withoutNPlusK.get(b.id) ?? 0) + dt)
    }
    lastEvalMs = atMs
    const derate = scenario.policy.derate
    const outcome = evaluateBuses(
      scenario.buses,
      [...supplies.values()].map((s) => ({
        id: s.spec.id,
        deliverW: delivering(s) ? s.spec.capacityW * derate : 0,
        closedTo: closedTo(s.spec.id),
      })),
      [...servers.values()].map((s) => ({ id: s.spec.id, buses: s.spec.buses, demandW: serverWants(s) })),
      k,
    )
    if (outcome.bridged.length > 0 && outcome.bridged.join() !== last.bridged.join()) {
      m.safetyViolations++
      note({
        _tag: 'SafetyViolation',
        atMs,
        detail: `supply ${outcome.bridged.join(', ')} bridges two buses`,
      })
    }
    last = outcome
    // Supplies share their bus's load in proportion to their ratings.
    const busById = new Map(outcome.buses.map((b) => [b.id, b]))
    for (const s of supplies.values()) {
      const bus = closedTo(s.spec.id)[0]
      const b = bus === undefined ? undefined : busById.get(bus)
      s.outputW =
        b !== undefined && b.live && delivering(s) && b.capacityW > 0
          ? (b.loadW * s.spec.capacityW * derate) / b.capacityW
          : 0
    }
    for (const b of outcome.buses) {
      const was = busLive.get(b.id) ?? false
      const hasDemand = scenario.servers.some((sv) => sv.buses.includes(b.id))
      if (was && !b.live && hasDemand) {
        m.busDarkEpisodes++
        note({ _tag: 'BusDark', atMs, bus: b.id })
      } else if (!was && b.live && hasDemand) note({ _tag: 'BusLive', atMs, bus: b.id })
      busLive.set(b.id, b.live)
    }
    // Servers follow their cords.
    for (const s of servers.values()) {
      const powered = outcome.powered.has(s.spec.id)
      const st = s.state
      switch (st._tag) {
        case 'up':
          if (!powered) {
            const token = ++tokenSeq
            s.state = { _tag: 'gap', sinceMs: atMs, token }
            queue.schedule(atMs + s.spec.holdUpMs, { _tag: 'HoldUpExpired', server: s.spec.id, token })
          }
          break
        case 'gap':
          if (powered) {
            m.ridesThrough++
            note({ _tag: 'RideThrough', atMs, server: s.spec.id, gapMs: atMs - st.sinceMs })
            s.state = { _tag: 'up' }
          }
          break
        case 'down':
          if (powered && !s.shedRequested) {
            const token = ++tokenSeq
            s.state = { _tag: 'booting', downSinceMs: st.sinceMs, token }
            queue.schedule(atMs + s.spec.bootMs, { _tag: 'BootDone', server: s.spec.id, token })
          }
          break
        case 'booting':
          if (!powered) s.state = { _tag: 'down', sinceMs: st.downSinceMs }
          break
        case 'shed':
          break
      }
    }
    for (const s of supplies.values()) s.view = supplyView(condition(s, atMs))
  }

  const changed = (atMs: number): void => {
    evaluate(atMs)
    for (const l of listeners) l(atMs)
  }

  // --- random fault processes ---
  const scheduleAbrupt = (s: SupplyState, fromMs: number): void => {
    if (!randomFaults || s.spec.abruptMtbfHours <= 0) return
    const at = fromMs + faultStream(`abrupt:${s.spec.id}`).exponential(s.spec.abruptMtbfHours * HOUR)
    if (at <= scenario.durationMs)
      queue.schedule(at, { _tag: 'SupplyFail', supply: s.spec.id, cause: 'abrupt', generation: s.generation })
  }
  const scheduleFan = (s: SupplyState): void => {
    if (!randomFaults || !Number.isFinite(s.fanFailAtMs) || s.fanFailAtMs > scenario.durationMs) return
    queue.schedule(s.fanFailAtMs, {
      _tag: 'SupplyFail',
      supply: s.spec.id,
      cause: 'fan',
      generation: s.generation,
    })
  }
  const scheduleFeedOutage = (feed: Scenario['feeds'][number], fromMs: number): void => {
    if (!randomFaults || feed.outageMtbfHours <= 0) return
    const feedRng = faultStream(`feed:${feed.id}`)
    const at = fromMs + feedRng.exponential(feed.outageMtbfHours * HOUR)
    if (at <= scenario.durationMs)
      queue.schedule(at, {
        _tag: 'FeedDown',
        feed: feed.id,
        durationMs: feedRng.exponential(feed.outageMeanMinutes * 60_000),
      })
  }
  const scheduleComm = (supply: string, fromMs: number): void => {
    const c = scenario.commFaults
    if (!randomFaults || c.nackMtbfHours <= 0) return
    const commRng = faultStream(`comm:${supply}`)
    const at = fromMs + commRng.exponential(c.nackMtbfHours * HOUR)
    if (at <= scenario.durationMs)
      queue.schedule(at, {
        _tag: 'CommDown',
        supply,
        durationMs: commRng.exponential(c.nackMeanSeconds * 1000),
      })
  }
  const scheduleCooling = (fromMs: number): void => {
    const c = scenario.cooling
    if (!randomFaults || c.faultMtbfHours <= 0) return
    const coolingRng = faultStream('cooling')
    const at = fromMs + coolingRng.exponential(c.faultMtbfHours * HOUR)
    if (at <= scenario.durationMs)
      queue.schedule(at, {
        _tag: 'CoolingFault',
        on: true,
        durationMs: coolingRng.exponential(c.faultMeanHours * HOUR),
      })
  }

  for (const s of supplies.values()) {
    scheduleAbrupt(s, 0)
    scheduleFan(s)
    scheduleComm(s.spec.id, 0)
  }
  for (const f of scenario.feeds) scheduleFeedOutage(f, 0)
  scheduleCooling(0)
  for (const f of scenario.scripted) {
    switch (f.kind) {
      case 'supplyFail':
        queue.schedule(f.atMs, { _tag: 'SupplyFail', supply: f.supply, cause: 'abrupt', generation: 0 })
        break
      case 'supplyDegrade':
        queue.schedule(f.atMs, { _tag: 'DegradeStart', supply: f.supply, failAfterMs: f.failAfterMs })
        break
      case 'feedLoss':
        queue.schedule(f.atMs, { _tag: 'FeedDown', feed: f.feed, durationMs: f.durationMs })
        break
      case 'commLoss':
        queue.schedule(f.atMs, { _tag: 'CommDown', supply: f.supply, durationMs: f.durationMs })
        break
      case 'switchFault':
        queue.schedule(f.atMs, { _tag: 'SwitchFaultArmed', supply: f.supply, bus: f.bus, mode: f.mode })
        break
    }
  }
  queue.schedule(stepMs, { _tag: 'Epoch' })

  const fail = (s: SupplyState, atMs: number, cause: FailureCause): void => {
    if (s.health === 'failed') return
    s.health = 'failed'
    m.supplyFailures++
    note({ _tag: 'SupplyFailed', atMs, supply: s.spec.id, cause })
    // Scripted-only runs (hand-checked cases) replace nothing: every outcome follows from the script.
    if (!randomFaults) return
    const repairAt =
      atMs + faultStream(`repair:${s.spec.id}`).exponential(scenario.control.repairMeanHours * HOUR)
    if (repairAt <= scenario.durationMs)
      queue.schedule(repairAt, { _tag: 'SupplyReplaced', supply: s.spec.id })
  }

  const epoch = (atMs: number): void => {
    const dtHours = stepMs / HOUR
    for (const s of supplies.values()) {
      if (s.health !== 'ok') continue
      // Capacitors age at the temperature they ran at over the step (life halves per +10 C).
      const t = supplyTemperatureC(condition(s, atMs))
      s.capacitorAge += dtHours * capacitorAgingPerHour(s.capacitorLifeHours, t)
      if (randomFaults && s.capacitorAge >= 1) fail(s, atMs, 'capacitor')
    }
    for (const sv of servers.values()) sv.demandW = serverDemandW(sv.spec, atMs, sv.rng)
    if (options.sampleBuses === true) {
      evaluate(atMs)
      for (const b of last.buses)
        samples.push({ atMs, bus: b.id, loadW: b.loadW, capacityW: b.capacityW, live: b.live })
    }
    if (atMs + stepMs <= scenario.durationMs) queue.schedule(atMs + stepMs, { _tag: 'Epoch' })
  }

  const handle = (atMs: number, e: PhysicalEvent): void => {
    switch (e._tag) {
      case 'Epoch':
        epoch(atMs)
        break
      case 'SupplyFail': {
        const s = supplies.get(e.supply)
        if (s === undefined || s.generation !== e.generation) return
        fail(s, atMs, e.cause)
        break
      }
      case 'SupplyReplaced': {
        const old = supplies.get(e.supply)
        if (old === undefined) return
        const unit = newUnit(old.spec, atMs, true, faultRng.fork(`unit:${old.spec.id}:${old.generation + 1}`))
        const s: SupplyState = {
          ...unit,
          generation: old.generation + 1,
          responding: old.responding,
          view: old.view,
          outputW: 0,
        }
        supplies.set(e.supply, s)
        note({ _tag: 'SupplyReplaced', atMs, supply: e.supply })
        scheduleAbrupt(s, atMs)
        scheduleFan(s)
        break
      }
      case 'FeedDown':
        if (feedUp.get(e.feed) !== true) return
        feedUp.set(e.feed, false)
        m.feedLosses++
        note({ _tag: 'FeedLost', atMs, feed: e.feed })
        queue.schedule(atMs + e.durationMs, { _tag: 'FeedUp', feed: e.feed })
        break
      case 'FeedUp': {
        feedUp.set(e.feed, true)
        note({ _tag: 'FeedRestored', atMs, feed: e.feed })
        const f = scenario.feeds.find((x) => x.id === e.feed)
        if (f !== undefined) scheduleFeedOutage(f, atMs)
        break
      }
      case 'CommDown': {
        const s = supplies.get(e.supply)
        if (s === undefined || !s.responding) return
        s.responding = false
        note({ _tag: 'CommLost', atMs, supply: e.supply })
        queue.schedule(atMs + e.durationMs, { _tag: 'CommUp', supply: e.supply })
        break
      }
      case 'CommUp': {
        const s = supplies.get(e.supply)
        if (s === undefined) return
        s.responding = true
        scheduleComm(e.supply, atMs)
        break
      }
      case 'CoolingFault':
        coolingFaultOn = e.on
        note({ _tag: 'CoolingFault', atMs, on: e.on })
        if (e.on) queue.schedule(atMs + e.durationMs, { _tag: 'CoolingFault', on: false, durationMs: 0 })
        else scheduleCooling(atMs)
        break
      case 'DegradeStart': {
        const s = supplies.get(e.supply)
        if (s === undefined || s.health !== 'ok') return
        s.degrade = { startMs: atMs, failAtMs: atMs + e.failAfterMs }
        queue.schedule(atMs + e.failAfterMs, {
          _tag: 'SupplyFail',
          supply: e.supply,
          cause: 'scripted',
          generation: s.generation,
        })
        break
      }
      case 'SwitchFaultArmed': {
        const w = switches.get(swKey(e.supply, e.bus))
        if (w !== undefined) w.armedFault = e.mode
        break
      }
      case 'SwitchSettled': {
        const w = switches.get(swKey(e.supply, e.bus))
        if (w === undefined || w.op !== e.op) return
        w.closed = e.closed
        break
      }
      case 'SwitchRepaired': {
        const w = switches.get(swKey(e.supply, e.bus))
        if (w === undefined) return
        // The new switch follows its control input.
        w.op = ++opSeq
        w.closed = w.commanded
        note({ _tag: 'SwitchRepaired', atMs, supply: e.supply, bus: e.bus, closed: w.closed })
        break
      }
      case 'HoldUpExpired': {
        const s = servers.get(e.server)
        if (s === undefined || s.state._tag !== 'gap' || s.state.token !== e.token) return
        m.outages++
        note({ _tag: 'ServerDown', atMs, server: e.server, gapStartMs: s.state.sinceMs })
        s.state = { _tag: 'down', sinceMs: s.state.sinceMs }
        break
      }
      case 'BootDone': {
        const s = servers.get(e.server)
        if (s === undefined || s.state._tag !== 'booting' || s.state.token !== e.token) return
        m.downtimeMs += atMs - s.state.downSinceMs
        note({ _tag: 'ServerUp', atMs, server: e.server, downSinceMs: s.state.downSinceMs })
        s.state = { _tag: 'up' }
        break
      }
    }
    changed(atMs)
  }

  evaluate(0)

  const advanceTo = (atMs: number): void => {
    for (;;) {
      const t = queue.peekTime()
      if (t === undefined || t > atMs) break
      const next = queue.pop()!
      handle(next.atMs, next.event)
    }
    queue.advanceTo(atMs)
  }

  return {
    scenario,
    now: queue.now,
    advanceTo,
    nextEventTime: queue.peekTime,
    supplyView: (id) => {
      const s = supplies.get(id)
      return s === undefined || !s.responding ? undefined : s.view
    },
    supplyFailed: (id) => supplies.get(id)?.health === 'failed',
    supplyDelivering: (id) => {
      const s = supplies.get(id)
      return s !== undefined && delivering(s)
    },
    commandSwitch: (supply, bus, closed) => {
      const w = switches.get(swKey(supply, bus))
      if (w === undefined) throw new RangeError(`commandSwitch: no switch ${supply}->${bus}`)
      if (w.commanded === closed) return
      const atMs = queue.now()
      w.commanded = closed
      m.switchOperations++
      if (closed) {
        const s = supplies.get(supply)
        if (s !== undefined && s.health === 'failed') {
          m.safetyViolations++
          note({ _tag: 'SafetyViolation', atMs, detail: `closing ${supply}->${bus} onto a failed supply` })
        }
      }
      const sf = scenario.switchFaults
      let mode = w.armedFault
      w.armedFault = undefined
      if (mode === undefined && randomFaults) {
        const u = switchRng.next()
        if (closed && u < sf.stuckOpenPerOp) mode = 'stuckOpen'
        else if (!closed && u < sf.weldedPerOp) mode = 'welded'
        else if (u >= 0.5 && u - 0.5 < sf.slowPerOp) mode = 'slow'
      }
      const op = ++opSeq
      w.op = op
      if ((mode === 'stuckOpen' && closed) || (mode === 'welded' && !closed)) {
        m.switchFaults++
        note({ _tag: 'SwitchStuck', atMs, supply, bus, mode })
        // A technician replaces the switch; until then it ignores its control input.
        if (randomFaults)
          queue.schedule(
            atMs +
              faultStream(`switchRepair:${supply}->${bus}`).exponential(
                scenario.control.repairMeanHours * HOUR,
              ),
            {
              _tag: 'SwitchRepaired',
              supply,
              bus,
            },
          )
        return
      }
      if (mode === 'slow') m.switchFaults++
      const settle = switchSettleMs(w.kind, closed) * (mode === 'slow' ? slowSwitchFactor : 1)
      note({ _tag: 'SwitchMoved', atMs: atMs + settle, supply, bus, closed, commandedAtMs: atMs })
      queue.schedule(atMs + settle, { _tag: 'SwitchSettled', supply, bus, closed, op })
    },
    switchClosed: (supply, bus) => switches.get(swKey(supply, bus))?.closed ?? false,
    switchCommanded: (supply, bus) => switches.get(swKey(supply, bus))?.commanded ?? false,
    setShed: (shed) => {
      const atMs = queue.now()
      for (const s of servers.values()) {
        const want = shed.has(s.spec.id)
        if (want === s.shedRequested) continue
        s.shedRequested = want
        if (want) {
          if (s.state._tag === 'down' || s.state._tag === 'shed') continue
          const since =
            s.state._tag === 'booting' ? s.state.downSinceMs : s.state._tag === 'gap' ? s.state.sinceMs : atMs
          if (s.state._tag === 'up' || s.state._tag === 'gap') {
            m.outages++
            m.shedEvents++
            note({ _tag: 'ServerShed', atMs, server: s.spec.id })
          }
          s.state = { _tag: 'shed', sinceMs: since }
        } else if (s.state._tag === 'shed') {
          s.state = { _tag: 'down', sinceMs: s.state.sinceMs }
        }
      }
      changed(atMs)
    },
    serverPowerW: () => {
      // Only running servers report: a server that is down, booting or shed has no running OS to report
      // from, so the controller keeps its last report (what the server will draw when it comes back).
      const out = new Map<string, number>()
      for (const s of servers.values())
        if (s.state._tag === 'up' || s.state._tag === 'gap') out.set(s.spec.id, s.demandW)
      return out
    },
    outcome: () => last,
    metrics: () => ({ ...m, timeWithoutNPlusKMs: Object.fromEntries(withoutNPlusK) }),
    notes: () => notes,
    busSamples: () => samples,
    onChange: (l) => {
      listeners.push(l)
    },
    finish: (atMs) => {
      advanceTo(atMs)
      evaluate(atMs)
      for (const s of servers.values()) {
        const st = s.state
        if (st._tag === 'down' || st._tag === 'shed') m.downtimeMs += atMs - st.sinceMs
        else if (st._tag === 'booting') m.downtimeMs += atMs - st.downSinceMs
      }
    },
  }
}
