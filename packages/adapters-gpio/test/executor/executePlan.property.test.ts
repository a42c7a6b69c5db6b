// Property tests of the plan executor against the virtual hardware: random wirings, random starting
// states, random plans (break-before-make, sometimes shuffled or naming unknown switches) and random
// injected faults (welded relays, feedback that never arrives, stuck outputs, NACKs, GPIO errors,
// slow switches).
import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { isLeft } from 'fp-ts/lib/Either.js'
import type { PlanExecutionResult, SwitchState, SwitchStep } from '@busbar/core'
import type { Wiring } from '../../src/wiring/Wiring.js'
import { switchKey } from '../../src/wiring/Wiring.js'
import { startSwitchBank } from '../../src/bank/startSwitchBank.js'
import { executePlan } from '../../src/executor/executePlan.js'
import { defaultSwitchTiming } from '../../src/executor/switchTiming.js'
import { createVirtualClock } from '../../src/mock/createVirtualClock.js'
import type { VirtualSwitchFaults } from '../../src/mock/createVirtualSwitchRig.js'
import { createVirtualSwitchRig } from '../../src/mock/createVirtualSwitchRig.js'
import { closedSetArbitrary, wiringArbitrary } from '../wiringArbitrary.js'

interface Scenario {
  readonly wiring: Wiring
  readonly initial: { supply: string; bus: string }[]
  readonly target: { supply: string; bus: string }[]
  readonly steps: SwitchStep[]
  readonly faults: Map<string, VirtualSwitchFaults>
  /** Per switch: physical delay as a fraction of what the executor can observe (see below). */
  readonly delayFractions: Map<string, number>
  /** Arm an expander NACK after this many writes (undefined: never). */
  readonly nackAfterWrites: number | undefined
  /** Arm a one-shot read NACK after this many writes. */
  readonly nackReadAfterWrites: number | undefined
  readonly gpioSetFailAfter: number | undefined
  /** How many consecutive writes / sets fail once armed (the executor retries an undo once). */
  readonly failCount: number
  readonly faultsOn: boolean
}

/** Break-before-make steps from `initial` to `target` (opens first, then closes), in wiring order. */
const planSteps = (wiring: Wiring, initial: Set<string>, target: Set<string>): SwitchStep[] => {
  const opens = wiring.switches.filter((s) => initial.has(switchKey(s)) && !target.has(switchKey(s)))
  const closes = wiring.switches.filter((s) => !initial.has(switchKey(s)) && target.has(switchKey(s)))
  return [
    ...opens.map((s): SwitchStep => ({ op: 'open', supply: s.supply, bus: s.bus, kind: s.kind })),
    ...closes.map((s): SwitchStep => ({ op: 'close', supply: s.supply, bus: s.bus, kind: s.kind })),
  ]
}

/** A value one time in `oneIn`, else undefined. */
const sometimes = <A>(arb: fc.Arbitrary<A>, oneIn: number): fc.Arbitrary<A | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: oneIn - 1 }, { arbitrary: arb, weight: 1 })

const scenarioArbitrary: fc.Arbitrary<Scenario> = wiringArbitrary.chain((wiring) =>
  fc
    .record({
      initial: closedSetArbitrary(wiring),
      target: closedSetArbitrary(wiring),
      shuffle: sometimes(fc.array(fc.nat(), { minLength: 12, maxLength: 12 }), 4),
      unknownStepAt: sometimes(fc.nat(12), 8),
      faultsOn: fc.boolean(),
      perSwitch: fc.array(
        fc.record({
          fault: fc.constantFrom<'none' | 'welded' | 'feedbackNeverArrives' | 'stuckOutput'>(
            'none',
            'none',
            'welded',
            'feedbackNeverArrives',
            'stuckOutput',
          ),
          delayFraction: fc.double({ min: 0, max: 2, noNaN: true }),
        }),
        { minLength: wiring.switches.length, maxLength: wiring.switches.length },
      ),
      nackAfterWrites: sometimes(fc.nat(6), 3),
      nackReadAfterWrites: sometimes(fc.integer({ min: 1, max: 6 }), 4),
      gpioSetFailAfter: sometimes(fc.nat(4), 3),
      failCount: fc.constantFrom(1, 1, 3),
    })
    .map((c): Scenario => {
      const initialKeys = new Set(c.initial.map(switchKey))
      let steps = planSteps(wiring, initialKeys, new Set(c.target.map(switchKey)))
      if (c.shuffle !== undefined) {
        const order = c.shuffle
        steps = steps
          .map((s, i) => [order[i] ?? 0, i, s] as const)
          .sort((a, b) => a[0] - b[0] || a[1] - b[1])
          .map(([, , s]) => s)
      }
      if (c.unknownStepAt !== undefined)
        steps.splice(Math.min(c.unknownStepAt, steps.length), 0, {
          op: 'close',
          supply: 'ghost',
          bus: 'A',
          kind: 'fet',
        })
      const faults = new Map<string, VirtualSwitchFaults>()
      const delayFractions = new Map<string, number>()
      wiring.switches.forEach((sw, i) => {
        const choice = c.perSwitch[i] as { fault: string; delayFraction: number }
        // Welded contacts and silent feedback can only be seen through a feedback input.
        const fault = !c.faultsOn
          ? 'none'
          : sw.feedback === undefined && choice.fault !== 'stuckOutput'
            ? 'none'
            : choice.fault
        if (fault !== 'none') faults.set(switchKey(sw), { [fault]: true })
        delayFractions.set(switchKey(sw), choice.delayFraction)
      })
      return {
        wiring,
        initial: c.initial,
        target: c.target,
        steps,
        faults,
        delayFractions,
        nackAfterWrites: c.faultsOn ? c.nackAfterWrites : undefined,
        nackReadAfterWrites: c.faultsOn ? c.nackReadAfterWrites : undefined,
        gpioSetFailAfter: c.faultsOn ? c.gpioSetFailAfter : undefined,
        failCount: c.failCount,
        faultsOn: c.faultsOn,
      }
    }),
)

/**
 * Physical delays the executor can be expected to observe: a switch without (truthful) feedback must
 * finish moving within its settle time (nothing can see it otherwise); one with working feedback may
 * take up to twice its feedback deadline (beyond the deadline it must time out and be undone).
 */
const delayFor =
  (scenario: Scenario) =>
  (ref: { supply: string; bus: string }): number => {
    const sw = scenario.wiring.switches.find((s) => switchKey(s) === switchKey(ref))
    if (sw === undefined) return 0
    // Fault-free scenarios keep every switch within its deadline (a slower switch is itself a fault).
    const fraction = (scenario.delayFractions.get(switchKey(ref)) ?? 0) * (scenario.faultsOn ? 1 : 0.45)
    const t = defaultSwitchTiming[sw.kind]
    const feedbackTruthful =
      sw.feedback !== undefined && scenario.faults.get(switchKey(ref))?.feedbackNeverArrives !== true
    return feedbackTruthful ? fraction * t.feedbackDeadlineMs : Math.min(fraction, 1) * t.settleMs
  }

const bridged = (state: readonly SwitchState[]): string[] => {
  const n = new Map<string, number>()
  for (const s of state) if (s.closed) n.set(s.supply, (n.get(s.supply) ?? 0) + 1)
  return [...n].filter(([, k]) => k > 1).map(([supply]) => supply)
}

/** An independent model of "would any prefix bridge": the executor must refuse exactly these. */
const prefixBridges = (initial: Set<string>, steps: readonly SwitchStep[]): boolean => {
  const closed = new Set(initial)
  for (const step of steps) {
    const key = switchKey(step)
    if (step.op === 'open') closed.delete(key)
    else {
      closed.add(key)
      const buses = [...closed].filter((k) => (JSON.parse(k) as string[])[0] === step.supply)
      if (buses.length > 1) return true
    }
  }
  return false
}

const run = async (scenario: Scenario) => {
  const clock = createVirtualClock()
  const rig = createVirtualSwitchRig(scenario.wiring, {
    clock,
    configuredWithClosed: scenario.initial,
    faults: scenario.faults,
    delayMs: delayFor(scenario),
  })
  const started = await startSwitchBank(rig.bank)
  if (isLeft(started)) throw new Error(`start-up failed: ${JSON.stringify(started.left)}`)
  // Faults that need the board running: NACK after k writes, GPIO set failure after k sets.
  let writes = 0
  if (scenario.nackAfterWrites === 0)
    for (const expander of rig.expanders.values()) expander.faults.nackWrites = scenario.failCount
  if (scenario.gpioSetFailAfter === 0) rig.gpio.faults.failSets = scenario.failCount
  rig.bus.onWrite(() => {
    writes += 1
    if (scenario.nackAfterWrites !== undefined && writes === scenario.nackAfterWrites)
      for (const expander of rig.expanders.values()) expander.faults.nackWrites = scenario.failCount
    if (scenario.nackReadAfterWrites !== undefined && writes === scenario.nackReadAfterWrites)
      for (const expander of rig.expanders.values()) expander.faults.nackReads = 1
  })
  let sets = 0
  rig.gpio.onSet(() => {
    sets += 1
    if (scenario.gpioSetFailAfter !== undefined && sets === scenario.gpioSetFailAfter)
      rig.gpio.faults.failSets = scenario.failCount
  })
  // Observe the commanded state after every write and the physical state over the whole timeline.
  const commandedBridges: string[] = []
  rig.onChange(() => {
    const b = bridged(rig.commandedState())
    if (b.length > 0) commandedBridges.push(b.join(','))
  })
  const result = await executePlan(scenario.steps, { planId: 42, bank: rig.bank, clock })
  const physicalAtReport = rig.physicalState()
  const movingAtReport = rig.movingSwitches()
  return { clock, rig, result, physicalAtReport, movingAtReport, commandedBridges }
}

describe('executePlan against the virtual hardware', () => {
  test.prop([scenarioArbitrary], { numRuns: 250 })(
    'at no instant is a supply closed onto two buses',
    async (scenario) => {
      const { clock, rig, commandedBridges } = await run(scenario)
      clock.advance(10_000)
      expect(rig.findBridge()).toBeUndefined()
      expect(commandedBridges).toEqual([])
    },
  )

  test.prop([scenarioArbitrary], { numRuns: 250 })(
    'the report is typed, names the failed step, and equals the virtual hardware (moving switches: closed); nothing closes after it',
    async (scenario) => {
      const { clock, rig, result, physicalAtReport, movingAtReport } = await run(scenario)
      expect(result.planId).toBe(42)
      // Settled switches are reported exactly as they physically are; a switch still moving at report
      // time (slower than its deadline, or its undo failed) is reported closed: open at one end or the other
      // it may be connected, and the conservative answer is the safe one.
      const moving = new Set(movingAtReport.map(switchKey))
      const expected = physicalAtReport.map((s) => (moving.has(switchKey(s)) ? { ...s, closed: true } : s))
      expect(result.actual).toEqual(expected)
      if (result._tag === 'Aborted') {
        expect(result.failedStep).toBeGreaterThanOrEqual(0)
        expect(result.failedStep).toBeLessThan(scenario.steps.length)
        expect(result.step).toEqual(scenario.steps[result.failedStep])
        if (result.restored) expect(bridged(result.actual)).toEqual([])
      }
      // Afterwards nothing closes that the report called open. (A switch commanded open but slower than
      // its deadline may still finish opening: the report called it closed, truthfully, at the time.)
      clock.advance(10_000)
      const reportedClosed = new Set(result.actual.filter((s) => s.closed).map(switchKey))
      const closedLater = rig.physicalState().filter((s) => s.closed && !reportedClosed.has(switchKey(s)))
      expect(closedLater).toEqual([])
    },
  )

  test.prop([scenarioArbitrary], { numRuns: 250 })(
    'refuses exactly the plans with an unknown switch or a bridging prefix, writing nothing; fault-free plans apply',
    async (scenario) => {
      const initial = new Set(scenario.initial.map(switchKey))
      const writesBefore = { n: 0 }
      const { rig, result } = await run(scenario)
      writesBefore.n = rig.bus.log.filter((e) => e.op === 'write').length
      const unknown = scenario.steps.some((s) => s.supply === 'ghost')
      const shouldRefuse = unknown || prefixBridges(initial, scenario.steps)
      const refused = result._tag === 'Aborted' && result.fault._tag === 'PlanRejected'
      expect(refused).toBe(shouldRefuse)
      if (refused) {
        // Start-up wrote nothing either (the board was configured), so no write at all happened.
        expect(rig.bus.log.filter((e) => e.op === 'write')).toEqual([])
        expect(
          rig
            .physicalState()
            .filter((s) => s.closed)
            .map(switchKey)
            .sort(),
        ).toEqual([...initial].sort())
      }
      if (!shouldRefuse && !scenario.faultsOn) {
        expect(result._tag).toBe('Applied')
        const target = new Set(scenario.target.map(switchKey))
        expect(
          (result as PlanExecutionResult).actual
            .filter((s) => s.closed)
            .map(switchKey)
            .sort(),
        ).toEqual([...target].sort())
      }
    },
  )

  test.prop([scenarioArbitrary.filter((s) => s.faultsOn)], { numRuns: 200 })(
    'a failed close of an open switch is undone; a restored abort leaves that switch open',
    async (scenario) => {
      const { result } = await run(scenario)
      if (result._tag !== 'Aborted' || result.fault._tag === 'PlanRejected') return
      const failed = result.actual.find((s) => switchKey(s) === switchKey(result.step))
      if (result.step.op === 'close' && result.restored) expect(failed?.closed).toBe(false)
    },
  )
})

describe('the scenario generator reaches every outcome (so the properties above are not vacuous)', () => {
  it('300 sampled scenarios include applied plans, refusals, and every hardware fault', async () => {
    const seen = new Set<string>()
    for (const scenario of fc.sample(scenarioArbitrary, { numRuns: 300, seed: 20261121 })) {
      const { result } = await run(scenario)
      seen.add(result._tag === 'Applied' ? 'Applied' : `${result.fault._tag} ${result.step.op}`)
      if (result._tag === 'Aborted' && !result.restored) seen.add('not restored')
    }
    for (const outcome of [
      'Applied',
      'PlanRejected close',
      'FeedbackMismatch open',
      'FeedbackTimeout close',
      'ReadbackMismatch open',
      'ReadbackMismatch close',
      'TransportError open',
      'TransportError close',
      'not restored',
    ])
      expect([...seen]).toContain(outcome)
  })
})
