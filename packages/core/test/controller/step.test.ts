import { describe, expect, it } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import type { ControllerEvent } from '../../src/controller/events.js'
import { initialControllerState, step } from '../../src/controller/step.js'
import { readFailedEvent, telemetryEvent } from '../../src/testing/eventArbitraries.js'
import { alarmsCleared, alarmsRaised, drive, plansIn, rack, start } from './stepFixtures.js'

const tick = (atMs: number): ControllerEvent => ({ _tag: 'Tick', atMs })
const ot = ['temperature.otFault']

describe('initialControllerState: config validation', () => {
  it('accepts the fixture with defaults filled', () => {
    const s = start()
    expect(s.config.policies.deglitch.faultPolls).toBe(3)
    expect(s.config.policies.reallocation.minDwellMs).toBe(30_000)
    expect(Object.keys(s.health)).toEqual(['psu1', 'psu2', 'psu3'])
  })

  it('names every problem by its path', () => {
    const r = initialControllerState({
      rack: { ...rack, supplies: [{ id: 'psu1', capacityW: -5, state: 'ok' }, ...rack.supplies.slice(1)] },
      deglitch: { faultPolls: 0 },
      poll: { roundIntervalMs: Number.NaN },
      prediction: { signals: { ripple: { onset: 0.5, limit: 0.1 } } },
      reallocation: { riskHysteresis: 1.5, bogus: 1 } as never,
    })
    expect(E.isLeft(r)).toBe(true)
    if (E.isRight(r)) return
    const paths = r.left.issues.map((i) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining([
        'rack.supplies[0].capacityW',
        'deglitch.faultPolls',
        'poll.roundIntervalMs',
        'prediction.signals.ripple.limit',
        'reallocation.riskHysteresis',
        'reallocation.bogus',
      ]),
    )
    const text = r.left.issues.map((i) => `${i.path} ${i.message}`).join('\n')
    expect(text).toContain('deglitch.faultPolls must be an integer >= 1, got 0')
  })

  it('rejects a rack that is not a rack', () => {
    const r = initialControllerState({ rack: 42 })
    expect(E.isLeft(r) && r.left.issues[0]?.path).toBe('rack')
  })
})

describe('step: polling', () => {
  it('a tick issues the reads due, full telemetry on a first visit', () => {
    const r = step(start(), tick(0))
    expect(r.commands).toEqual([{ _tag: 'ReadSupply', supply: 'psu1', mode: 'full' }])
    const r2 = step(r.state, tick(334))
    expect(r2.commands).toEqual([{ _tag: 'ReadSupply', supply: 'psu2', mode: 'full' }])
  })

  it('an alert reads the named supply at once, or sweeps all', () => {
    expect(step(start(), { _tag: 'Alert', atMs: 5, supply: 'psu2' }).commands).toEqual([
      { _tag: 'ReadSupply', supply: 'psu2', mode: 'status' },
    ])
    expect(
      step(start(), { _tag: 'Alert', atMs: 5 }).commands.map((c) => c._tag === 'ReadSupply' && c.supply),
    ).toEqual(['psu1', 'psu2', 'psu3'])
  })

  it('clears faults only after a complete snapshot, and asks for detail otherwise', () => {
    const s = start()
    expect(step(s, telemetryEvent('psu1', 10, ot)).commands).toContainEqual({
      _tag: 'ClearFaults',
      supply: 'psu1',
    })
    const partial: ControllerEvent = {
      _tag: 'Telemetry',
      sample: {
        supply: 'psu1',
        atMs: 10,
        readings: {},
        status: { word: { ...telemetryWord(), temperature: true } },
      },
    }
    const cmds = step(s, partial).commands
    expect(cmds).toContainEqual({ _tag: 'ReadSupply', supply: 'psu1', mode: 'full' })
    expect(cmds.some((c) => c._tag === 'ClearFaults')).toBe(false)
  })
})

const telemetryWord = () => {
  const e = telemetryEvent('x', 0)
  return e._tag === 'Telemetry' ? e.sample.status.word : (undefined as never)
}

describe('step: reallocation on failure (emergency)', () => {
  it('a supply whose PMBus goes silent stays connected (warning, a spare comes in) until it counts as absent', () => {
    const silent = Array.from({ length: 59 }, (_, i) => readFailedEvent('psu2', 2000 + i * 100, 'NoAck'))
    const d = drive(start(), [tick(0), tick(1000), ...silent, tick(9000)])
    expect(d.state.health.psu2?.state).toBe('warning')
    const plans = d.commands.flatMap(plansIn)
    expect(plans.every((p) => p.plan.closed.some((c) => c.supply === 'psu2' && c.bus === 'B'))).toBe(true)
    expect(plans.some((p) => p.plan.closed.some((c) => c.supply === 'psu3'))).toBe(true)
    const gone = step(d.state, readFailedEvent('psu2', 9100, 'NoAck'))
    expect(gone.state.health.psu2?.state).toBe('absent')
    expect(plansIn(gone.commands)[0]?.plan.steps).toContainEqual({
      op: 'open',
      supply: 'psu2',
      bus: 'B',
      kind: 'relay',
    })
  })

  it('opens a failed supply in the same step it is declared failed, and moves the spare in', () => {
    const d = drive(start(), [
      telemetryEvent('psu1', 10, ot),
      telemetryEvent('psu1', 20, ot),
      telemetryEvent('psu1', 30, ot),
    ])
    expect(plansIn(d.commands[0]!)).toEqual([])
    expect(plansIn(d.commands[1]!)).toEqual([])
    const [p] = plansIn(d.commands[2]!)
    expect(p).toBeDefined()
    expect(p!.plan.steps[0]).toEqual({ op: 'open', supply: 'psu1', bus: 'A', kind: 'relay' })
    expect(p!.plan.closed.some((c) => c.supply === 'psu1')).toBe(false)
    expect(p!.plan.closed).toContainEqual({ supply: 'psu3', bus: 'A' })
    expect(alarmsRaised(d.commands[2]!)).toContain('supplyFailed:psu1')
    expect(d.state.lastPlanKind).toBe('emergency')
    // ApplyPlan comes first in the step's commands (latency).
    expect(d.commands[2]![0]!._tag).toBe('ApplyPlan')
  })

  it('an absent supply (absentReads NoAcks) is opened at once too', () => {
    const d = drive(start({ deglitch: { absentReads: 3 } }), [
      readFailedEvent('psu2', 1),
      readFailedEvent('psu2', 2),
      readFailedEvent('psu2', 3),
    ])
    const [p] = plansIn(d.commands[2]!)
    expect(p!.plan.steps).toContainEqual({ op: 'open', supply: 'psu2', bus: 'B', kind: 'relay' })
    expect(alarmsRaised(d.commands[2]!)).toContain('supplyAbsent:psu2')
  })

  it("a failure during an applying plan still replans at once, from that plan's target", () => {
    const s0 = drive(start(), [
      telemetryEvent('psu1', 10, ot),
      telemetryEvent('psu1', 20, ot),
      telemetryEvent('psu1', 30, ot),
    ])
    expect(s0.state.applying).toBeDefined()
    const d = drive(s0.state, [
      telemetryEvent('psu3', 40, ot),
      telemetryEvent('psu3', 50, ot),
      telemetryEvent('psu3', 60, ot),
    ])
    const [p] = plansIn(d.commands[2]!)
    expect(p).toBeDefined()
    expect(p!.plan.steps).toContainEqual({ op: 'open', supply: 'psu3', bus: 'A', kind: 'relay' })
    expect(d.state.applying?.firstPlanId).toBe(1)
    expect(d.state.applying?.planId).toBe(2)
  })
})

describe('step: rate-limited reallocation', () => {
  const ready = () => drive(start(), [tick(0), tick(1000)]).state // past the start-up round, nothing to change

  it('waits one poll round after start before any routine plan', () => {
    const d = drive(start(), [tick(0), tick(500)])
    expect(d.commands.flat().some((c) => c._tag === 'ApplyPlan')).toBe(false)
    expect(d.state.replanPending).toBe(true)
  })

  it('evaluates a routine replan on the next Tick only, so a burst of reports costs one allocation', () => {
    let s = ready()
    s = step(s, { _tag: 'ServerPower', atMs: 2000, load: 'srv1', powerW: 100 }).state
    expect(s.replanPending).toBe(true)
    s = step(s, { _tag: 'ServerPower', atMs: 2001, load: 'srv2', powerW: 200 }).state
    expect(s.replanPending).toBe(true)
    expect(s.plannedLoadW).toEqual({ srv1: 800, srv2: 1000 })
    s = step(s, tick(2002)).state
    expect(s.replanPending).toBe(false)
    expect(s.plannedLoadW).toEqual({ srv1: 100, srv2: 200 })
  })

  it('ignores load changes within the margin; replans beyond it, at most once per dwell window', () => {
    let s = ready()
    // srv2 on A alone: 1000 W, psu1 3000 W. Within margin (max(50 W, 10 %)): nothing pending.
    s = step(s, { _tag: 'ServerPower', atMs: 2000, load: 'srv2', powerW: 1080 }).state
    expect(s.replanPending).toBe(false)
    // Beyond capacity of A alone -> overload of bus A: emergency, at once.
    const r = step(s, { _tag: 'ServerPower', atMs: 3000, load: 'srv2', powerW: 3500 })
    expect(plansIn(r.commands).length).toBe(1)
    expect(r.state.lastPlanKind).toBe('emergency')
  })

  it('a recovered supply is taken back only after the dwell', () => {
    const minDwellMs = 30_000
    let d = drive(ready(), [
      telemetryEvent('psu1', 1100, ot),
      telemetryEvent('psu1', 1200, ot),
      telemetryEvent('psu1', 1300, ot),
    ])
    const firstPlan = plansIn(d.commands[2]!)[0]!
    const actual = rack.switches.map((sw) => ({
      supply: sw.supply,
      bus: sw.bus,
      closed: firstPlan.plan.closed.some((c) => c.supply === sw.supply && c.bus === sw.bus),
    }))
    d = drive(d.state, [
      { _tag: 'SwitchResult', atMs: 1400, result: { _tag: 'Applied', planId: firstPlan.planId, actual } },
      telemetryEvent('psu1', 2000, []),
      telemetryEvent('psu1', 3000, []),
      telemetryEvent('psu1', 4000, []),
    ])
    expect(d.state.health.psu1?.state).toBe('ok')
    expect(d.state.replanPending).toBe(true)
    expect(d.commands.flat().some((c) => c._tag === 'ApplyPlan')).toBe(false)
    // Before the dwell ends: nothing; after: one evaluation.
    expect(plansIn(step(d.state, tick(1300 + minDwellMs - 1)).commands)).toEqual([])
    const after = step(d.state, tick(1300 + minDwellMs))
    expect(after.state.replanPending).toBe(false)
  })
})

describe('step: switch results', () => {
  const failed = () =>
    drive(start(), [
      telemetryEvent('psu1', 10, ot),
      telemetryEvent('psu1', 20, ot),
      telemetryEvent('psu1', 30, ot),
    ])

  it('Applied: the believed state becomes the actual one and the plan is done', () => {
    const d = failed()
    const p = plansIn(d.commands[2]!)[0]!
    const actual = rack.switches.map((sw) => ({
      supply: sw.supply,
      bus: sw.bus,
      closed: p.plan.closed.some((c) => c.supply === sw.supply && c.bus === sw.bus),
    }))
    const r = step(d.state, {
      _tag: 'SwitchResult',
      atMs: 40,
      result: { _tag: 'Applied', planId: p.planId, actual },
    })
    expect(r.state.applying).toBeUndefined()
    expect(r.state.believedClosed).toEqual(actual.map((a) => a.closed))
    expect(r.commands.filter((c) => c._tag === 'RaiseAlarm')).toEqual([])
  })

  it('Aborted: switchFault, quarantine, and a replan from the actual state in the same step', () => {
    const d = failed()
    const p = plansIn(d.commands[2]!)[0]!
    // psu1 opened, but closing psu3 onto A failed: actual has A with no supply.
    const actual = rack.switches.map((sw) => ({
      supply: sw.supply,
      bus: sw.bus,
      closed: sw.supply === 'psu2' && sw.bus === 'B',
    }))
    const r = step(d.state, {
      _tag: 'SwitchResult',
      atMs: 40,
      result: {
        _tag: 'Aborted',
        planId: p.planId,
        failedStep: 1,
        step: { op: 'close', supply: 'psu3', bus: 'A', kind: 'relay' },
        fault: { _tag: 'FeedbackTimeout', waitedMs: 50 },
        restored: true,
        actual,
      },
    })
    expect(alarmsRaised(r.commands)).toContain('switchFault:psu3->A')
    expect(r.state.quarantine).toEqual([{ supply: 'psu3', bus: 'A', untilMs: 40 + 60_000 }])
    const [again] = plansIn(r.commands)
    expect(again).toBeDefined()
    // The quarantined open switch is not used: A is served otherwise (psu2 or psu3 via other switches).
    expect(again!.plan.closed).not.toContainEqual({ supply: 'psu3', bus: 'A' })
    expect(again!.plan.closed.some((c) => c.supply === 'psu1')).toBe(false)
  })

  it('a plan with no result after planTimeoutMs is alarmed, not replanned around; a late result clears it', () => {
    const d = failed()
    const r = step(d.state, tick(30 + 10_001))
    expect(alarmsRaised(r.commands)).toContain('switchFault:executor')
    expect(plansIn(r.commands)).toEqual([])
    expect(r.state.applying).toBeDefined()
    const p = plansIn(d.commands[2]!)[0]!
    const actual = rack.switches.map((sw) => ({
      supply: sw.supply,
      bus: sw.bus,
      closed: p.plan.closed.some((c) => c.supply === sw.supply && c.bus === sw.bus),
    }))
    const late = step(r.state, {
      _tag: 'SwitchResult',
      atMs: 20_000,
      result: { _tag: 'Applied', planId: p.planId, actual },
    })
    expect(alarmsCleared(late.commands)).toContain('switchFault:executor')
    expect(late.state.applying).toBeUndefined()
  })
})

describe('step: prediction and preemption', () => {
  const warnPolls = (supply: string, from: number, n: number): ControllerEvent[] =>
    Array.from({ length: n }, (_, i) => telemetryEvent(supply, from + i * 100, ['iout.currentShareFault']))

  it('a supply whose warnings persist is predicted at risk: one alarm, and a routine replan', () => {
    const d = drive(start(), [tick(0), tick(1000), ...warnPolls('psu1', 1100, 40), tick(5100)])
    const raised = d.commands.flatMap(alarmsRaised)
    expect(raised.filter((a) => a === 'predictedFailure:psu1')).toHaveLength(1)
    expect(d.state.risk.psu1?.atRisk).toBe(true)
    // Held warning -> warning state too; the allocator brings the spare in (psu1 at risk on A).
    const plans = d.commands.flatMap(plansIn)
    expect(plans.length).toBeGreaterThanOrEqual(1)
    expect(plans[plans.length - 1]!.plan.closed).toContainEqual({ supply: 'psu3', bus: 'A' })
  })

  it('prediction can be turned off', () => {
    const d = drive(start({ prediction: { enabled: false } }), [tick(0), ...warnPolls('psu1', 1100, 40)])
    expect(d.commands.flatMap(alarmsRaised)).not.toContain('predictedFailure:psu1')
    expect(d.state.risk.psu1?.failureRisk).toBe(0)
  })

  it('clears the prediction alarm only below preemptRisk − hysteresis', () => {
    let d = drive(start({ reallocation: { riskHoldMs: 0 } }), [tick(0), ...warnPolls('psu1', 1100, 40)])
    const clean = Array.from({ length: 60 }, (_, i) => telemetryEvent('psu1', 6000 + i * 100, []))
    d = drive(d.state, clean)
    const clearedAt = d.commands.findIndex((c) => alarmsCleared(c).includes('predictedFailure:psu1'))
    expect(clearedAt).toBeGreaterThan(0)
    expect(d.state.risk.psu1?.atRisk).toBe(false)
  })
})

describe('step: the at-risk flag holds after each change (riskHoldMs)', () => {
  const warnPolls = (from: number, n: number): ControllerEvent[] =>
    Array.from({ length: n }, (_, i) => telemetryEvent('psu1', from + i * 100, ['iout.currentShareFault']))
  const cleanPolls = (from: number, n: number, everyMs = 100): ControllerEvent[] =>
    Array.from({ length: n }, (_, i) => telemetryEvent('psu1', from + i * everyMs, []))
  const atRiskSince = (holdMs: number) => {
    const d = drive(start({ reallocation: { riskHoldMs: holdMs } }), [tick(0), ...warnPolls(1100, 40)])
    expect(d.state.risk.psu1?.atRisk).toBe(true)
    return d.state
  }

  // A supply moved off a bus reads differently at its new load, and its risk can fall back across the
  // threshold at once; the simulator then moved it back and forth every 30 s.
  it('keeps a supply at risk through readings that would clear it, until the hold has passed', () => {
    const held = drive(atRiskSince(60_000), cleanPolls(6000, 60))
    expect(held.state.risk.psu1?.failureRisk).toBeLessThan(0.4)
    expect(held.state.risk.psu1?.atRisk).toBe(true)
    expect(held.commands.flatMap(alarmsCleared)).not.toContain('predictedFailure:psu1')
    const later = drive(held.state, cleanPolls(70_000, 3))
    expect(later.state.risk.psu1?.atRisk).toBe(false)
    expect(later.commands.flatMap(alarmsCleared)).toContain('predictedFailure:psu1')
  })

  it('with no hold, the same readings clear it at once', () => {
    const d = drive(atRiskSince(0), cleanPolls(6000, 60))
    expect(d.state.risk.psu1?.atRisk).toBe(false)
  })
})

describe('initialControllerState: cross-checks', () => {
  it('riskHysteresis may not exceed preemptRisk', () => {
    const r = initialControllerState({ rack, reallocation: { riskHysteresis: 0.9 } })
    expect(E.isLeft(r) && r.left.issues.map((i) => `${i.path} ${i.message}`)).toEqual([
      'reallocation.riskHysteresis must be <= rack.policy.preemptRisk (0.5), got 0.9',
    ])
  })
})

describe('step: plan alarms and start-up hazards', () => {
  it('a supply configured failed but closed is opened at the first event', () => {
    const s = start({
      rack: {
        ...rack,
        supplies: [{ id: 'psu1', capacityW: 3000, state: 'failed' }, ...rack.supplies.slice(1)],
      },
    })
    const r = step(s, tick(0))
    const [p] = plansIn(r.commands)
    expect(p?.plan.steps).toContainEqual({ op: 'open', supply: 'psu1', bus: 'A', kind: 'relay' })
    expect(r.state.lastPlanKind).toBe('emergency')
  })

  it('raises redundancyLost for a bus that cannot meet N+k, once', () => {
    const s = start({ rack: { ...rack, policy: { ...rack.policy, supplyRedundancy: 1 } } })
    const d = drive(s, [tick(0), tick(1000), tick(1500), tick(40_000)])
    const raised = d.commands.flatMap(alarmsRaised).filter((a) => a.startsWith('redundancyLost:'))
    expect(raised).toHaveLength(1)
    const bus = raised[0]!.split(':')[1]
    expect(d.state.alarms).toContainEqual({ kind: 'redundancyLost', subject: bus })
  })

  it('a load that cannot be carried is shed at once (overload is an emergency) and alarmed', () => {
    const d = drive(start(), [tick(0), { _tag: 'ServerPower', atMs: 100, load: 'srv2', powerW: 10_000 }])
    const [p] = plansIn(d.commands[1]!)
    expect(p?.plan.shed).toEqual(['srv2'])
    expect(alarmsRaised(d.commands[1]!)).toContain('loadShed:srv2')
    // Back to normal: the shed alarm clears with the next allocation.
    // A shed-only plan has no switch steps; the executor still reports it.
    expect(p?.plan.steps).toEqual([])
    const actual = rack.switches.map((sw) => ({ supply: sw.supply, bus: sw.bus, closed: sw.closed }))
    const back = drive(d.state, [
      { _tag: 'SwitchResult', atMs: 200, result: { _tag: 'Applied', planId: p!.planId, actual } },
      { _tag: 'ServerPower', atMs: 40_000, load: 'srv2', powerW: 1000 },
      tick(40_100),
    ])
    expect(back.commands.flatMap(alarmsCleared)).toContain('loadShed:srv2')
  })

  /** psu1 failed (three over-temperature polls), and the executor's report that psu1->A would not open. */
  const psu1Failed = () =>
    drive(start(), [
      telemetryEvent('psu1', 10, ot),
      telemetryEvent('psu1', 20, ot),
      telemetryEvent('psu1', 30, ot),
    ])
  const psu1StuckClosed = (
    planId: number,
    atMs: number,
    failedStep: number,
    actual: readonly { supply: string; bus: string; closed: boolean }[],
    restored: boolean,
  ): ControllerEvent => ({
    _tag: 'SwitchResult',
    atMs,
    result: {
      _tag: 'Aborted',
      planId,
      failedStep,
      step: { op: 'open', supply: 'psu1', bus: 'A', kind: 'relay' },
      fault: restored
        ? { _tag: 'FeedbackMismatch', expectedClosed: false, feedbackClosed: true }
        : { _tag: 'ReadbackMismatch', expectedClosed: false, actualClosed: true },
      restored,
      actual,
    },
  })

  it('a stuck switch does not make the controller re-issue plans in a loop', () => {
    // psu1 fails; the executor cannot open psu1->A (stays closed) and reports Aborted twice.
    const d = psu1Failed()
    const stuck = rack.switches.map((sw) => ({ supply: sw.supply, bus: sw.bus, closed: sw.closed }))
    const abort = (planId: number, atMs: number) => psu1StuckClosed(planId, atMs, 0, stuck, false)
    const first = step(d.state, abort(1, 40))
    expect(plansIn(first.commands)).toHaveLength(1) // first fault: replan at once
    const second = step(first.state, abort(2, 50))
    expect(plansIn(second.commands)).toHaveLength(0) // repeat on a quarantined switch: waits for the dwell
    expect(second.state.replanPending).toBe(true)
    const calm = drive(second.state, [tick(60), tick(70), telemetryEvent('psu2', 80, [])])
    expect(calm.commands.flatMap(plansIn)).toHaveLength(0)
  })

  it('a welded switch of a failed supply does not keep the next failed supply connected', () => {
    // psu1 failed and its switch to A will not open (quarantined, believed closed). Then psu2 fails:
    // the executor stops at its first fault, so psu2's open must come before the retry of psu1's.
    const d = psu1Failed()
    const actual = rack.switches.map((sw) => ({ supply: sw.supply, bus: sw.bus, closed: sw.closed }))
    const welded = step(d.state, psu1StuckClosed(1, 40, 0, actual, true))
    const [retry] = plansIn(welded.commands)
    // The retry is the last step, after the spare's close: the spare does not wait on the welded switch.
    expect(retry!.plan.steps.at(-1)).toEqual({ op: 'open', supply: 'psu1', bus: 'A', kind: 'relay' })
    expect(retry!.plan.steps).toContainEqual({ op: 'close', supply: 'psu3', bus: 'A', kind: 'relay' })
    const spareIn = actual.map((a) => (a.supply === 'psu3' && a.bus === 'A' ? { ...a, closed: true } : a))
    const stillWelded = step(
      welded.state,
      psu1StuckClosed(retry!.planId, 50, retry!.plan.steps.length - 1, spareIn, true),
    )
    const psu2Fails = drive(stillWelded.state, [
      telemetryEvent('psu2', 60, ot),
      telemetryEvent('psu2', 70, ot),
      telemetryEvent('psu2', 80, ot),
    ])
    const [p] = plansIn(psu2Fails.commands[2]!)
    expect(p!.plan.steps[0]).toEqual({ op: 'open', supply: 'psu2', bus: 'B', kind: 'relay' })
    expect(p!.plan.steps.at(-1)).toEqual({ op: 'open', supply: 'psu1', bus: 'A', kind: 'relay' })
  })
})

describe('step: ClearFaults is never looped', () => {
  const clears = (cmds: readonly { _tag: string }[]) => cmds.filter((c) => c._tag === 'ClearFaults').length

  it('answers at most one snapshot per supply with ClearFaults until the next read it issues', () => {
    const s = start()
    const d = drive(s, [
      telemetryEvent('psu1', 10, ['word.off']), // a poll: clear
      telemetryEvent('psu1', 11, ['word.off']), // the shell's report of that clear: no second clear
      telemetryEvent('psu1', 12, ['word.off']),
      { _tag: 'Alert', atMs: 13, supply: 'psu1' }, // the controller issues a read
      telemetryEvent('psu1', 14, ['word.off', 'temperature.otFault']), // its answer, with other bits: clear again
    ])
    expect(d.commands.map(clears)).toEqual([1, 0, 0, 0, 1])
  })

  it('a snapshot marked afterClearFaults is not counted as a poll', () => {
    const poll = (atMs: number): ControllerEvent[] => [
      telemetryEvent('psu1', atMs, ot),
      {
        ...(telemetryEvent('psu1', atMs + 1, ot) as Extract<ControllerEvent, { _tag: 'Telemetry' }>),
        afterClearFaults: true,
      },
    ]
    const d = drive(start(), [...poll(10), ...poll(20)])
    expect(d.state.health.psu1?.faultStreak).toBe(2)
    expect(d.state.health.psu1?.state).toBe('ok')
    expect(step(d.state, telemetryEvent('psu1', 30, ot)).state.health.psu1?.state).toBe('failed')
  })
})

describe('step: prediction only for supplies in service', () => {
  it('an absent supply is not predicted to fail (any such alarm ends), and its predictor restarts', () => {
    const fails = Array.from({ length: 40 }, (_, i) => readFailedEvent('psu3', 100 + i * 100, 'NoAck'))
    const d = drive(start({ deglitch: { absentReads: 10 } }), fails)
    expect(d.state.health.psu3?.state).toBe('absent')
    expect(d.state.alarms).not.toContainEqual({ kind: 'predictedFailure', subject: 'psu3' })
    const after = d.commands.slice(10).flatMap(alarmsRaised)
    expect(after).not.toContain('predictedFailure:psu3')
    expect(d.state.risk.psu3).toEqual({ failureRisk: 0, timeToFailureMs: undefined, atRisk: false })
    expect(d.state.predictors.psu3?.signals.commErrors.stats.n).toBe(0)
  })
})

describe('step: preemption from readings (claims 24, 25)', () => {
  it('a supply running ever hotter for its load gets a spare switched in before it fails', () => {
    const readings = (i: number) => ({
      poutW: 1400,
      vinV: 230,
      voutV: 12,
      temperatureC: 40 + Math.max(0, i - 30) * 0.2, // healthy for 30 samples, then heating
      fanCommandPct: 50,
      fanRpm: 7500,
    })
    const events: ControllerEvent[] = [tick(0), tick(1000)]
    for (let i = 0; i < 200; i++) {
      events.push(telemetryEvent('psu1', 2000 + i * 1000, [], readings(i)))
      events.push(tick(2000 + i * 1000 + 1))
    }
    const d = drive(start(), events)
    const preemptedAt = d.commands.findIndex((c) =>
      plansIn(c).some((p) => p.plan.closed.some((k) => k.supply === 'psu3' && k.bus === 'A')),
    )
    expect(preemptedAt).toBeGreaterThan(0)
    const warnedAt = d.commands.findIndex((c) => alarmsRaised(c).includes('predictedFailure:psu1'))
    expect(warnedAt).toBeGreaterThan(0)
    expect(warnedAt).toBeLessThanOrEqual(preemptedAt)
    // psu1 never reported a status fault: it is still ok, merely at risk, when the spare comes in.
    expect(d.state.health.psu1?.state).toBe('ok')
    expect(d.state.risk.psu1?.atRisk).toBe(true)
  })
})

describe('step: hardware reports that break the rules', () => {
  it('a supply reported on two buses is an emergency: the plan leaves it on one', () => {
    const s = drive(start(), [tick(0), tick(1000)]).state
    const actual = rack.switches.map((sw) => ({
      supply: sw.supply,
      bus: sw.bus,
      closed: sw.closed || sw.supply === 'psu3',
    }))
    const r = step(s, { _tag: 'SwitchResult', atMs: 1100, result: { _tag: 'Applied', planId: 99, actual } })
    const [p] = plansIn(r.commands)
    expect(p).toBeDefined()
    expect(p!.plan.closed.filter((c) => c.supply === 'psu3').length).toBeLessThanOrEqual(1)
    expect(p!.plan.steps.some((st) => st.op === 'open' && st.supply === 'psu3')).toBe(true)
    expect(r.state.lastPlanKind).toBe('emergency')
  })

  it('an abort naming a switch the rack does not have blames the executor, without quarantining it', () => {
    const d = drive(start(), [
      telemetryEvent('psu1', 10, ot),
      telemetryEvent('psu1', 20, ot),
      telemetryEvent('psu1', 30, ot),
    ])
    const actual = rack.switches.map((sw) => ({ supply: sw.supply, bus: sw.bus, closed: sw.closed }))
    const r = step(d.state, {
      _tag: 'SwitchResult',
      atMs: 40,
      result: {
        _tag: 'Aborted',
        planId: 1,
        failedStep: 0,
        step: { op: 'close', supply: 'ghost', bus: 'Z', kind: 'fet' },
        fault: { _tag: 'PlanRejected', detail: 'unknown switch' },
        restored: true,
        actual,
      },
    })
    expect(alarmsRaised(r.commands)).toEqual(['switchFault:executor'])
    expect(r.state.quarantine).toEqual([])
    expect(plansIn(r.commands)).toHaveLength(1)
  })
})

describe('step: round-robin through ticks', () => {
  it('every present supply is read once per round; an absent one only on probe rounds', () => {
    let s = drive(start({ deglitch: { absentReads: 3 } }), [
      readFailedEvent('psu3', 1),
      readFailedEvent('psu3', 2),
      readFailedEvent('psu3', 3),
    ]).state
    expect(s.health.psu3?.state).toBe('absent')
    const reads: string[] = []
    for (let t = 10; t < 10 + 10 * 1000; t += 50) {
      const r = step(s, tick(t))
      s = r.state
      for (const c of r.commands) if (c._tag === 'ReadSupply') reads.push(c.supply)
    }
    const count = (id: string) => reads.filter((x) => x === id).length
    expect(count('psu1')).toBeGreaterThanOrEqual(10)
    expect(count('psu1')).toBeLessThanOrEqual(11)
    expect(count('psu2')).toBe(count('psu1'))
    expect(count('psu3')).toBeGreaterThanOrEqual(1)
    expect(count('psu3')).toBeLessThanOrEqual(3)
  })
})

describe('step: ambient excursions are not degradation', () => {
  const run = (ambientCompensation: boolean, heated: readonly string[]) => {
    const events: ControllerEvent[] = [tick(0), tick(1000)]
    for (let i = 0; i < 150; i++) {
      for (const id of ['psu1', 'psu2', 'psu3']) {
        const hot = i >= 40 && heated.includes(id) ? 12 : 0 // +12 C inlet excursion from sample 40 on
        events.push(
          telemetryEvent(id, 2000 + i * 1000, [], {
            poutW: 1400,
            vinV: 230,
            voutV: 12,
            temperatureC: 40 + hot,
            fanCommandPct: 50,
            fanRpm: 7500,
          }),
        )
      }
      events.push(tick(2000 + i * 1000 + 1))
    }
    return drive(start({ prediction: { ambientCompensation } }), events)
  }

  it('an inlet excursion that heats every supply raises no predictedFailure', () => {
    const d = run(true, ['psu1', 'psu2', 'psu3'])
    expect(d.commands.flatMap(alarmsRaised).filter((a) => a.startsWith('predictedFailure'))).toEqual([])
  })

  it('without compensation the same excursion alarms every supply (the test can fail)', () => {
    const d = run(false, ['psu1', 'psu2', 'psu3'])
    expect(
      d.commands
        .flatMap(alarmsRaised)
        .filter((a) => a.startsWith('predictedFailure'))
        .sort(),
    ).toEqual(['predictedFailure:psu1', 'predictedFailure:psu2', 'predictedFailure:psu3'])
  })

  it('one supply running hot while its peers do not is still predicted', () => {
    const d = run(true, ['psu2'])
    expect(d.commands.flatMap(alarmsRaised).filter((a) => a.startsWith('predictedFailure'))).toEqual([
      'predictedFailure:psu2',
    ])
  })
})

describe('step: a PMBus outage is a comm fault, not a predicted failure', () => {
  it('30 s of silence from a working supply raises commFault only', () => {
    const silent = Array.from({ length: 30 }, (_, i) => readFailedEvent('psu2', 2000 + i * 1000, 'NoAck'))
    const back = Array.from({ length: 5 }, (_, i) => telemetryEvent('psu2', 33_000 + i * 1000, []))
    const d = drive(start(), [tick(0), tick(1000), ...silent, ...back])
    const raised = d.commands.flatMap(alarmsRaised)
    expect(raised).toContain('commFault:psu2')
    expect(raised).not.toContain('predictedFailure:psu2')
    expect(d.state.health.psu2?.state).toBe('ok')
  })

  it('intermittent errors (every other read) still build the commErrors signal', () => {
    const events: ControllerEvent[] = []
    for (let i = 0; i < 60; i++)
      events.push(
        i % 2 === 0
          ? readFailedEvent('psu2', 2000 + i * 1000, 'PecMismatch')
          : telemetryEvent('psu2', 2000 + i * 1000, []),
      )
    const d = drive(start(), [tick(0), ...events])
    expect(d.state.predictors.psu2?.signals.commErrors.stats.mean).toBeGreaterThan(0.3)
    expect(d.state.risk.psu2?.failureRisk).toBeGreaterThan(0.3)
  })
})

describe('step: feed losses do not look like wear (lead priority)', () => {
  it('supplies on a lost feed, through several feed losses, are never predicted to fail', () => {
    const lostInput = [
      'word.vinUv',
      'input.vinUvFault',
      'input.unitOffLowInput',
      'word.powerGoodNegated',
      'word.off',
    ]
    const good = { poutW: 1400, vinV: 230, voutV: 12, temperatureC: 40, fanCommandPct: 50, fanRpm: 7500 }
    const dead = { poutW: 0, vinV: 0, voutV: 0, temperatureC: 25, fanCommandPct: 0, fanRpm: 0 }
    const events: ControllerEvent[] = [tick(0)]
    let t = 1000
    for (let cycle = 0; cycle < 4; cycle++) {
      for (let i = 0; i < 60; i++) {
        const outage = i >= 30 && i < 45
        for (const id of ['psu1', 'psu2', 'psu3']) {
          const onLostFeed = id !== 'psu3'
          events.push(
            telemetryEvent(id, t, outage && onLostFeed ? lostInput : [], outage && onLostFeed ? dead : good),
          )
        }
        events.push(tick(t + 1))
        t += 1000
      }
    }
    const d = drive(start(), events)
    const raised = d.commands.flatMap(alarmsRaised)
    expect(raised.filter((a) => a.startsWith('predictedFailure'))).toEqual([])
    expect(raised).toContain('inputLoss:psu1') // the outage itself is seen, as input loss
    expect(d.state.health.psu1?.state).toBe('ok')
    expect(Math.max(...['psu1', 'psu2', 'psu3'].map((id) => d.state.risk[id]!.failureRisk))).toBeLessThan(0.2)
  })
})

describe('step: ids that are Object.prototype names', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'an event naming %s (not configured) is ignored',
    (id) => {
      const s = start()
      for (const e of [
        telemetryEvent(id, 10, ['temperature.otFault']),
        readFailedEvent(id, 11, 'NoAck'),
        { _tag: 'ServerPower', atMs: 12, load: id, powerW: 500 } as ControllerEvent,
        { _tag: 'Alert', atMs: 13, supply: id } as ControllerEvent,
      ]) {
        const r = step(s, e)
        expect(r.commands.filter((c) => c._tag !== 'ReadSupply')).toEqual([])
        expect(Object.keys(r.state.health)).toEqual(['psu1', 'psu2', 'psu3'])
        expect(Object.keys(r.state.loadW)).toEqual(['srv1', 'srv2'])
      }
    },
  )

  it('a rack whose ids are Object.prototype names works', () => {
    const weird = {
      ...rack,
      supplies: [
        { id: 'constructor', capacityW: 3000, state: 'ok' },
        { id: '__proto__', capacityW: 3000, state: 'ok' },
      ],
      switches: [
        { supply: 'constructor', bus: 'A', kind: 'relay', closed: true },
        { supply: '__proto__', bus: 'B', kind: 'relay', closed: true },
      ],
      loads: [{ id: 'toString', powerW: 800, priority: 1, buses: ['A', 'B'] }],
    }
    const d = drive(start({ rack: weird }), [
      telemetryEvent('constructor', 10, ot),
      telemetryEvent('constructor', 20, ot),
      telemetryEvent('constructor', 30, ot),
    ])
    expect(d.state.health['constructor']?.state).toBe('failed')
    expect(plansIn(d.commands[2]!)[0]?.plan.steps).toContainEqual({
      op: 'open',
      supply: 'constructor',
      bus: 'A',
      kind: 'relay',
    })
  })
})
