import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import type { ControllerEvent } from '../../src/controller/events.js'
import type { SwitchStep } from '../../src/model/plan.js'
import type { SwitchRef } from '../../src/model/rack.js'
import { expectedClosed, step, type ControllerState } from '../../src/controller/step.js'
import {
  commErrorOf,
  eventSequenceArb,
  telemetryEvent,
  typicalFlagProfiles,
} from '../../src/testing/eventArbitraries.js'
import type { CommError } from '../../src/telemetry/telemetry.js'
import { rack, start } from './stepFixtures.js'

/** The hardware and the executor queue, as the model sees them. */
interface Model {
  hw: boolean[]
  queue: { planId: number; steps: readonly SwitchStep[] }[]
  now: number
  lastPlanMs: number | undefined
  routinePlans: number[]
}
interface Real {
  state: ControllerState
}

const MIN_DWELL = 30_000
const supplies = rack.supplies.map((s) => s.id)
const unusable = (s: string | undefined) => s === 'failed' || s === 'absent'
const idx = (sw: SwitchRef) => rack.switches.findIndex((x) => x.supply === sw.supply && x.bus === sw.bus)

/** Step the real controller and check the invariants of this step. */
const feed = (m: Model, r: Real, event: ControllerEvent): void => {
  const prev = r.state
  const { state, commands } = step(prev, event)
  const plans = commands.flatMap((c) => (c._tag === 'ApplyPlan' ? [c] : []))

  // 1. A plan never closes a supply that is failed or absent in the controller's current beliefs.
  for (const p of plans) {
    for (const c of p.plan.closed)
      expect(unusable(state.health[c.supply]?.state), `plan ${p.planId} closes ${c.supply}`).toBe(false)
    for (const s of p.steps) if (s.op === 'close') expect(unusable(state.health[s.supply]?.state)).toBe(false)
  }
  // 2. Every failure of a connected supply is answered in the same step by a plan that opens it.
  const expected = expectedClosed(prev)
  for (const id of supplies) {
    if (unusable(prev.health[id]?.state) || !unusable(state.health[id]?.state)) continue
    rack.switches.forEach((sw, i) => {
      if (sw.supply !== id || !expected[i]) return
      const opened = plans.some((p) =>
        p.steps.some((s) => s.op === 'open' && s.supply === id && s.bus === sw.bus),
      )
      expect(opened, `${id} failed while closed on ${sw.bus}, no plan opened it`).toBe(true)
    })
  }
  // 3. At most one non-emergency plan per dwell window, and none while a plan is being applied.
  if (plans.length > 0) {
    expect(plans.length).toBe(1)
    if (state.lastPlanKind === 'routine') {
      expect(m.queue, 'routine plan issued while the executor still has plans').toEqual([])
      if (m.lastPlanMs !== undefined) expect(m.now - m.lastPlanMs).toBeGreaterThanOrEqual(MIN_DWELL)
      m.routinePlans.push(m.now)
    }
    m.lastPlanMs = m.now
    for (const p of plans) m.queue.push({ planId: p.planId, steps: p.steps })
  }
  r.state = state
}

class PollCmd implements fc.Command<Model, Real> {
  constructor(
    readonly supply: string,
    readonly flags: readonly string[],
    readonly repeat: number,
  ) {}
  check = () => true
  run(m: Model, r: Real) {
    for (let i = 0; i < this.repeat; i++) {
      m.now += 100
      feed(m, r, telemetryEvent(this.supply, m.now, this.flags, {}))
    }
  }
  toString = () => `Poll(${this.supply}, [${this.flags.join(',')}] x${this.repeat})`
}

class FailReadCmd implements fc.Command<Model, Real> {
  constructor(
    readonly supply: string,
    readonly tag: CommError['_tag'],
    readonly repeat: number,
  ) {}
  check = () => true
  run(m: Model, r: Real) {
    for (let i = 0; i < this.repeat; i++) {
      m.now += 100
      feed(m, r, { _tag: 'ReadFailed', supply: this.supply, atMs: m.now, error: commErrorOf(this.tag) })
    }
  }
  toString = () => `FailRead(${this.supply}, ${this.tag} x${this.repeat})`
}

class LoadCmd implements fc.Command<Model, Real> {
  constructor(
    readonly load: string,
    readonly powerW: number,
  ) {}
  check = () => true
  run(m: Model, r: Real) {
    m.now += 10
    feed(m, r, { _tag: 'ServerPower', atMs: m.now, load: this.load, powerW: this.powerW })
  }
  toString = () => `Load(${this.load}, ${this.powerW.toFixed(0)} W)`
}

class TickCmd implements fc.Command<Model, Real> {
  constructor(readonly dtMs: number) {}
  check = () => true
  run(m: Model, r: Real) {
    m.now += this.dtMs
    feed(m, r, { _tag: 'Tick', atMs: m.now })
  }
  toString = () => `Tick(+${this.dtMs})`
}

class AlertCmd implements fc.Command<Model, Real> {
  constructor(readonly supply: string | undefined) {}
  check = () => true
  run(m: Model, r: Real) {
    m.now += 1
    feed(
      m,
      r,
      this.supply === undefined
        ? { _tag: 'Alert', atMs: m.now }
        : { _tag: 'Alert', atMs: m.now, supply: this.supply },
    )
  }
  toString = () => `Alert(${this.supply ?? '?'})`
}

/** The executor runs the oldest queued plan on the model hardware, maybe aborting at a step. */
class ExecuteCmd implements fc.Command<Model, Real> {
  constructor(readonly abortAt: number | undefined) {}
  check = (m: Readonly<Model>) => m.queue.length > 0
  run(m: Model, r: Real) {
    const p = m.queue.shift()!
    const abortAt = this.abortAt !== undefined && this.abortAt < p.steps.length ? this.abortAt : undefined
    const n = abortAt ?? p.steps.length
    for (let i = 0; i < n; i++) {
      const s = p.steps[i]!
      m.hw[idx(s)] = s.op === 'close'
      // Rule 2 holds on the hardware after every single step, even across chained plans.
      for (const id of supplies) {
        const closedCount = rack.switches.filter((sw, j) => sw.supply === id && m.hw[j]).length
        expect(closedCount, `${id} on two buses after plan ${p.planId} step ${i}`).toBeLessThanOrEqual(1)
      }
    }
    const actual = rack.switches.map((sw, j) => ({
      supply: sw.supply,
      bus: sw.bus,
      closed: m.hw[j] ?? false,
    }))
    m.now += 20
    if (abortAt === undefined) {
      feed(m, r, { _tag: 'SwitchResult', atMs: m.now, result: { _tag: 'Applied', planId: p.planId, actual } })
    } else {
      m.queue = [] // the executor drops plans queued behind an aborted one
      feed(m, r, {
        _tag: 'SwitchResult',
        atMs: m.now,
        result: {
          _tag: 'Aborted',
          planId: p.planId,
          failedStep: abortAt,
          step: p.steps[abortAt]!,
          fault: { _tag: 'FeedbackTimeout', waitedMs: 30 },
          restored: true,
          actual,
        },
      })
    }
  }
  toString = () => `Execute(${this.abortAt === undefined ? 'ok' : `abort@${this.abortAt}`})`
}

const supplyArb = fc.constantFrom(...supplies)
const commands = [
  fc
    .tuple(supplyArb, fc.constantFrom(...typicalFlagProfiles), fc.integer({ min: 1, max: 6 }))
    .map(([s, f, n]) => new PollCmd(s, f, n)),
  fc
    .tuple(
      supplyArb,
      fc.constantFrom<CommError['_tag']>('NoAck', 'PecMismatch', 'Timeout'),
      fc.integer({ min: 1, max: 4 }),
    )
    .map(([s, t, n]) => new FailReadCmd(s, t, n)),
  fc
    .tuple(fc.constantFrom(...rack.loads.map((l) => l.id)), fc.double({ min: 0, max: 4000, noNaN: true }))
    .map(([l, w]) => new LoadCmd(l, w)),
  fc.integer({ min: 10, max: 40_000 }).map((dt) => new TickCmd(dt)),
  fc.option(supplyArb, { nil: undefined }).map((s) => new AlertCmd(s)),
  fc.option(fc.nat({ max: 4 }), { nil: undefined, freq: 3 }).map((a) => new ExecuteCmd(a)),
  fc.constant(new ExecuteCmd(undefined)),
]

describe('step: model-based', () => {
  test.prop([fc.commands(commands, { maxCommands: 60 }), fc.constantFrom(0, 1)], { numRuns: 200 })(
    'safety, same-step failure response and dwell hold over random event sequences',
    (cmds, k) => {
      const setup = () => ({
        model: {
          hw: rack.switches.map((s) => s.closed),
          queue: [],
          now: 0,
          lastPlanMs: undefined,
          routinePlans: [],
        } as Model,
        real: {
          state: start({
            rack: { ...rack, policy: { ...rack.policy, supplyRedundancy: k } },
            reallocation: { minDwellMs: MIN_DWELL },
          }),
        },
      })
      fc.modelRun(setup, cmds)
    },
  )

  test.prop([eventSequenceArb(rack, { maxLength: 200 })], { numRuns: 60 })(
    'any event sequence (including bogus switch results) keeps plans free of failed supplies',
    (events) => {
      let s = start()
      for (const e of events) {
        const r = step(s, e)
        for (const c of r.commands) {
          if (c._tag !== 'ApplyPlan') continue
          for (const k of c.plan.closed) expect(unusable(r.state.health[k.supply]?.state)).toBe(false)
        }
        s = r.state
      }
    },
  )
})

describe('step: bounded state', () => {
  it('the state stays bounded in size over 10k random events', () => {
    const [events] = fc.sample(
      eventSequenceArb(rack, { minLength: 10_000, maxLength: 10_000, maxGapMs: 500 }),
      { numRuns: 1, seed: 42 },
    )
    let s = start()
    let max = 0
    let at1k = 0
    events!.forEach((e, i) => {
      s = step(s, e).state
      if (i % 100 === 0) max = Math.max(max, JSON.stringify(s).length)
      if (i === 1000) at1k = JSON.stringify(s).length
    })
    max = Math.max(max, JSON.stringify(s).length)
    // Fixed-size records: after the first thousand events the size only varies with digit counts.
    expect(max).toBeLessThan(at1k * 1.5)
    expect(max).toBeLessThan(40_000)
  })
})

describe('step: closed loop with a shell that reports every command', () => {
  // A shell like the pmbus poll runner: ReadSupply -> Telemetry of the supply's live condition;
  // ClearFaults -> a Telemetry report of the snapshot (unmarked, the worst case). Every command's
  // cascade must end: no command storm, whatever the faults.
  test.prop(
    [
      fc.array(fc.tuple(fc.constantFrom(...supplies), fc.constantFrom(...typicalFlagProfiles)), {
        minLength: 1,
        maxLength: 6,
      }),
      fc.array(
        fc.oneof(fc.constant<'tick'>('tick'), fc.option(fc.constantFrom(...supplies), { nil: undefined })),
        { minLength: 1, maxLength: 40 },
      ),
    ],
    { numRuns: 100 },
  )('each Tick or Alert leads to a bounded cascade of events', (conditions, triggers) => {
    const live = new Map<string, readonly string[]>(conditions)
    let s = start()
    let now = 0
    for (const t of triggers) {
      now += 250
      const pending: ControllerEvent[] = [
        t === 'tick'
          ? { _tag: 'Tick', atMs: now }
          : t === undefined
            ? { _tag: 'Alert', atMs: now }
            : { _tag: 'Alert', atMs: now, supply: t },
      ]
      let processed = 0
      while (pending.length > 0) {
        processed++
        expect(processed, 'command cascade does not end').toBeLessThan(60)
        const r = step(s, pending.shift()!)
        s = r.state
        for (const c of r.commands) {
          if (c._tag === 'ReadSupply' || c._tag === 'ClearFaults')
            pending.push(telemetryEvent(c.supply, now, live.get(c.supply) ?? []))
        }
      }
    }
  })
})

describe('step: pure', () => {
  const deepFreeze = <T>(o: T): T => {
    if (typeof o === 'object' && o !== null && !Object.isFrozen(o)) {
      Object.freeze(o)
      for (const v of Object.values(o)) deepFreeze(v)
    }
    return o
  }
  test.prop([eventSequenceArb(rack, { maxLength: 120 })], { numRuns: 40 })(
    'never mutates its input and gives the same result for the same state and events',
    (events) => {
      const runOnce = () => {
        let s = deepFreeze(start())
        const out: unknown[] = []
        for (const e of events) {
          const r = step(s, deepFreeze(e))
          out.push(r.commands)
          s = deepFreeze(r.state)
        }
        return { s, out }
      }
      const a = runOnce()
      const b = runOnce()
      expect(JSON.stringify(a.s)).toBe(JSON.stringify(b.s))
      expect(JSON.stringify(a.out)).toBe(JSON.stringify(b.out))
    },
  )
})
