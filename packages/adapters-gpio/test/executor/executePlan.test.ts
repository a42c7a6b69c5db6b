import { describe, expect, it } from 'vitest'
import { isLeft } from 'fp-ts/lib/Either.js'
import type { SwitchStep } from '@busbar/core'
import type { Wiring } from '../../src/wiring/Wiring.js'
import { decodeWiring } from '../../src/wiring/decodeWiring.js'
import { startSwitchBank } from '../../src/bank/startSwitchBank.js'
import { executePlan } from '../../src/executor/executePlan.js'
import { defaultSwitchTiming } from '../../src/executor/switchTiming.js'
import { createVirtualClock } from '../../src/mock/createVirtualClock.js'
import type { VirtualSwitchRigOptions } from '../../src/mock/createVirtualSwitchRig.js'
import { createVirtualSwitchRig } from '../../src/mock/createVirtualSwitchRig.js'

const wiringOf = (u: unknown): Wiring => {
  const decoded = decodeWiring(u)
  if (isLeft(decoded)) throw new Error(JSON.stringify(decoded.left))
  return decoded.right
}

// s1 can feed A or B through relays with auxiliary contacts; s2 feeds A through a FET on a GPIO line.
const wiring = wiringOf({
  expanders: [{ id: 'u1', kind: 'mcp23017', address: 0x21 }],
  switches: [
    {
      supply: 's1',
      bus: 'A',
      kind: 'relay',
      polarity: 'activeLow',
      output: { expander: 'u1', pin: 0 },
      feedback: { input: { expander: 'u1', pin: 8 }, polarity: 'activeLow' },
    },
    {
      supply: 's1',
      bus: 'B',
      kind: 'relay',
      polarity: 'activeHigh',
      output: { expander: 'u1', pin: 1 },
      feedback: { input: { expander: 'u1', pin: 9 }, polarity: 'activeHigh' },
    },
    { supply: 's2', bus: 'A', kind: 'fet', polarity: 'activeHigh', output: { gpioLine: 3 } },
  ],
})

const move: SwitchStep[] = [
  { op: 'open', supply: 's1', bus: 'A', kind: 'relay' },
  { op: 'close', supply: 's1', bus: 'B', kind: 'relay' },
]

const setUp = async (options: Omit<VirtualSwitchRigOptions, 'clock'> = {}) => {
  const clock = createVirtualClock()
  const rig = createVirtualSwitchRig(wiring, {
    clock,
    configuredWithClosed: [{ supply: 's1', bus: 'A' }],
    ...options,
  })
  const started = await startSwitchBank(rig.bank)
  if (isLeft(started)) throw new Error(JSON.stringify(started.left))
  return { clock, rig }
}

const state = (a: boolean, b: boolean, s2: boolean) => [
  { supply: 's1', bus: 'A', closed: a },
  { supply: 's1', bus: 'B', closed: b },
  { supply: 's2', bus: 'A', closed: s2 },
]

describe('executePlan', () => {
  it('moves a supply break-before-make, waiting settle times on the injected clock', async () => {
    const { clock, rig } = await setUp({ delayMs: () => 12 })
    const result = await executePlan(move, { planId: 7, bank: rig.bank, clock })
    expect(result).toEqual({ _tag: 'Applied', planId: 7, actual: state(false, true, false) })
    expect(rig.physicalState()).toEqual(state(false, true, false))
    expect(clock.nowMs()).toBeGreaterThanOrEqual(2 * defaultSwitchTiming.relay.settleMs)
    expect(rig.findBridge()).toBeUndefined()
  })

  it('polls feedback past the settle time until it arrives (slow relay within the deadline)', async () => {
    const { clock, rig } = await setUp({ delayMs: () => 25 })
    const result = await executePlan(move, { planId: 1, bank: rig.bank, clock })
    expect(result._tag).toBe('Applied')
    expect(rig.findBridge()).toBeUndefined()
  })

  it('an empty plan reports the actual state', async () => {
    const { clock, rig } = await setUp()
    expect(await executePlan([], { planId: 2, bank: rig.bank, clock })).toEqual({
      _tag: 'Applied',
      planId: 2,
      actual: state(true, false, false),
    })
  })

  const rejected = async (steps: SwitchStep[], detail: string, failedStep: number) => {
    const { clock, rig } = await setUp()
    const writesBefore = rig.bus.log.filter((e) => e.op === 'write').length
    const result = await executePlan(steps, { planId: 3, bank: rig.bank, clock })
    expect(result).toEqual({
      _tag: 'Aborted',
      planId: 3,
      failedStep,
      step: steps[failedStep],
      fault: { _tag: 'PlanRejected', detail },
      restored: true,
      actual: state(true, false, false),
    })
    expect(rig.bus.log.filter((e) => e.op === 'write').length).toBe(writesBefore)
  }

  it('refuses an unknown switch before touching hardware', () =>
    rejected(
      [move[0] as SwitchStep, { op: 'close', supply: 's9', bus: 'B', kind: 'fet' }],
      'steps[1] (s9, B) is not in the wiring',
      1,
    ))

  it('refuses a step whose kind differs from the wiring', () =>
    rejected(
      [{ op: 'open', supply: 's2', bus: 'A', kind: 'relay' }],
      'steps[0] (s2, A) says kind relay but the wiring says fet',
      0,
    ))

  it('refuses a plan whose prefix would close a supply onto a second bus (checked against the state read)', () =>
    rejected([...move].reverse(), 'steps[0] would close s1 onto B while it is (possibly) closed onto A', 0))

  it('refuses to drive pins that were never made outputs', async () => {
    const clock = createVirtualClock()
    const rig = createVirtualSwitchRig(wiring, { clock })
    const result = await executePlan(move, { planId: 4, bank: rig.bank, clock })
    expect(result._tag === 'Aborted' && result.fault._tag).toBe('PlanRejected')
  })

  it('welded relay: the open fails on feedback, the close onto B never happens, the real state is reported', async () => {
    const { clock, rig } = await setUp({ faults: new Map([[JSON.stringify(['s1', 'A']), { welded: true }]]) })
    const result = await executePlan(move, { planId: 5, bank: rig.bank, clock })
    expect(result).toEqual({
      _tag: 'Aborted',
      planId: 5,
      failedStep: 0,
      step: move[0],
      fault: { _tag: 'FeedbackMismatch', expectedClosed: false, feedbackClosed: true },
      restored: true,
      actual: state(true, false, false),
    })
    expect(rig.physicalState()).toEqual(state(true, false, false))
  })

  it('feedback that never arrives: the close times out at the deadline and is undone', async () => {
    const { clock, rig } = await setUp({
      faults: new Map([[JSON.stringify(['s1', 'B']), { feedbackNeverArrives: true }]]),
    })
    const result = await executePlan(move, { planId: 6, bank: rig.bank, clock })
    expect(result._tag).toBe('Aborted')
    if (result._tag !== 'Aborted') return
    expect(result.failedStep).toBe(1)
    expect(result.fault).toEqual({
      _tag: 'FeedbackTimeout',
      waitedMs: defaultSwitchTiming.relay.feedbackDeadlineMs,
    })
    expect(result.restored).toBe(true)
    expect(result.actual).toEqual(state(false, false, false))
    expect(rig.physicalState()).toEqual(state(false, false, false))
  })

  it('a relay slower than the feedback deadline: timeout, undone before it ever closes', async () => {
    const { clock, rig } = await setUp({ delayMs: (ref) => (ref.bus === 'B' ? 500 : 0) })
    const result = await executePlan(move, { planId: 8, bank: rig.bank, clock })
    expect(result._tag === 'Aborted' && [result.fault._tag, result.restored]).toEqual([
      'FeedbackTimeout',
      true,
    ])
    clock.advance(1000)
    expect(rig.physicalState()).toEqual(state(false, false, false))
  })

  it('feedback polling ends even when the clock stops advancing (float rounding near the deadline)', async () => {
    const { rig } = await setUp({
      faults: new Map([[JSON.stringify(['s1', 'B']), { feedbackNeverArrives: true }]]),
    })
    const frozen = { nowMs: () => 1e9 + 0.05, sleepMs: async () => {} }
    const result = await executePlan(move, { planId: 13, bank: rig.bank, clock: frozen })
    expect(result._tag === 'Aborted' && [result.failedStep, result.fault._tag]).toEqual([
      1,
      'FeedbackTimeout',
    ])
  })

  it('a close slower than its deadline whose undo fails: not restored, reported closed while still moving', async () => {
    const { clock, rig } = await setUp({ delayMs: (ref) => (ref.bus === 'B' ? 500 : 0) })
    let writes = 0
    rig.bus.onWrite(() => {
      writes += 1
      // The undo write and its one retry both NACK.
      if (writes === 2) (rig.expanders.get('u1') as { faults: { nackWrites: number } }).faults.nackWrites = 2
    })
    const result = await executePlan(move, { planId: 14, bank: rig.bank, clock })
    expect(
      result._tag === 'Aborted' && [result.failedStep, result.fault._tag, result.restored, result.actual],
    ).toEqual([1, 'FeedbackTimeout', false, state(false, true, false)])
    expect(rig.movingSwitches()).toEqual([{ supply: 's1', bus: 'B', closed: true }])
    clock.advance(1000)
    expect(rig.physicalState()).toEqual(state(false, true, false))
  })

  it('an undo whose first write NACKs is retried once', async () => {
    const { clock, rig } = await setUp({ delayMs: (ref) => (ref.bus === 'B' ? 500 : 0) })
    let writes = 0
    rig.bus.onWrite(() => {
      writes += 1
      if (writes === 2) (rig.expanders.get('u1') as { faults: { nackWrites: number } }).faults.nackWrites = 1
    })
    const result = await executePlan(move, { planId: 15, bank: rig.bank, clock })
    expect(result._tag === 'Aborted' && [result.fault._tag, result.restored, result.actual]).toEqual([
      'FeedbackTimeout',
      true,
      state(false, false, false),
    ])
    clock.advance(1000)
    expect(rig.physicalState()).toEqual(state(false, false, false))
  })

  it('stuck output: the pin readback shows the mismatch', async () => {
    const { clock, rig } = await setUp()
    rig.setFaults({ supply: 's1', bus: 'B' }, { stuckOutput: true })
    const result = await executePlan(move, { planId: 9, bank: rig.bank, clock })
    expect(result._tag === 'Aborted' && [result.failedStep, result.fault, result.restored]).toEqual([
      1,
      { _tag: 'ReadbackMismatch', expectedClosed: true, actualClosed: false },
      true,
    ])
  })

  it('a NACK on the latch write is a TransportError; state read back', async () => {
    const { clock, rig } = await setUp()
    ;(rig.expanders.get('u1') as { faults: { nackWrites: number } }).faults.nackWrites = 1
    const result = await executePlan(move, { planId: 10, bank: rig.bank, clock })
    expect(result).toEqual({
      _tag: 'Aborted',
      planId: 10,
      failedStep: 0,
      step: move[0],
      fault: {
        _tag: 'TransportError',
        detail: 'write mcp23017 u1 at 0x21 register 0x14: I2cNack {"address":33}',
      },
      restored: true,
      actual: state(true, false, false),
    })
  })

  it('a GPIO set failure is a TransportError', async () => {
    const { clock, rig } = await setUp()
    rig.gpio.faults.failSets = 1
    const result = await executePlan([{ op: 'close', supply: 's2', bus: 'A', kind: 'fet' }], {
      planId: 11,
      bank: rig.bank,
      clock,
    })
    expect(result._tag === 'Aborted' && [result.fault._tag, result.restored, result.actual]).toEqual([
      'TransportError',
      true,
      state(true, false, false),
    ])
  })

  it('a bus that throws is a TransportError, not an exception', async () => {
    const { clock, rig } = await setUp()
    const throwing = {
      ...rig.bus,
      write: async () => {
        throw new Error('EIO')
      },
    }
    const result = await executePlan(move, { planId: 12, bank: { ...rig.bank, i2c: throwing }, clock })
    expect(result._tag === 'Aborted' && result.fault).toEqual({
      _tag: 'TransportError',
      detail: 'write mcp23017 u1 at 0x21 register 0x14: threw Error: EIO',
    })
  })
})
