import { describe, expect, it } from 'vitest'
import { isLeft } from 'fp-ts/lib/Either.js'
import { decodeWiring } from '../../src/wiring/decodeWiring.js'
import { createVirtualClock } from '../../src/mock/createVirtualClock.js'
import { createVirtualSwitchRig } from '../../src/mock/createVirtualSwitchRig.js'
import { createMockGpioLines } from '../../src/mock/createMockGpioLines.js'
import { createScriptedI2cBus } from '../../src/mock/createScriptedI2cBus.js'

const decoded = decodeWiring({
  expanders: [{ id: 'u1', kind: 'pca9555', address: 0x20 }],
  switches: [
    {
      supply: 's1',
      bus: 'A',
      kind: 'relay',
      polarity: 'activeHigh',
      output: { expander: 'u1', pin: 0 },
      feedback: { input: { expander: 'u1', pin: 8 }, polarity: 'activeLow' },
    },
    { supply: 's1', bus: 'B', kind: 'relay', polarity: 'activeLow', output: { expander: 'u1', pin: 1 } },
    {
      supply: 's2',
      bus: 'A',
      kind: 'fet',
      polarity: 'activeHigh',
      output: { gpioLine: 4 },
      feedback: { input: { gpioLine: 5 }, polarity: 'activeHigh' },
    },
  ],
})
if (isLeft(decoded)) throw new Error('bad wiring')
const wiring = decoded.right
const closedOf = (state: { supply: string; bus: string; closed: boolean }[]) =>
  state.filter((s) => s.closed).map((s) => `${s.supply}/${s.bus}`)

describe('createVirtualSwitchRig', () => {
  it('physical state follows the drive pins through polarity, after the per-switch delay', async () => {
    const clock = createVirtualClock()
    const rig = createVirtualSwitchRig(wiring, { clock, delayMs: (r) => (r.bus === 'A' ? 10 : 0) })
    expect(closedOf(rig.physicalState())).toEqual([])
    // Latch: pin 0 high (s1/A closes), pin 1 high (s1/B, active-low, stays open); then make both outputs.
    await rig.bus.write(0x20, Uint8Array.of(0x02, 0xff, 0xff))
    await rig.bus.write(0x20, Uint8Array.of(0x06, 0xfc, 0xff))
    expect(closedOf(rig.commandedState())).toEqual(['s1/A'])
    expect(closedOf(rig.physicalState())).toEqual([])
    expect(rig.pendingChanges()).toBe(1)
    clock.advance(10)
    expect(closedOf(rig.physicalState())).toEqual(['s1/A'])
    // Feedback (active-low on pin 8) reads the physical state: low = closed.
    const input = await rig.bus.writeRead(0x20, Uint8Array.of(0x01), 1)
    expect(!isLeft(input) && (input.right[0] as number) & 1).toBe(0)
    expect(rig.physicalHistory()).toEqual([{ atMs: 10, supply: 's1', bus: 'A', closed: true }])
  })

  it('a command reversed before the delay elapses never moves the switch', async () => {
    const clock = createVirtualClock()
    const rig = createVirtualSwitchRig(wiring, { clock, delayMs: () => 10, configuredWithClosed: [] })
    await rig.gpio.set([{ offset: 4, value: true }])
    clock.advance(5)
    await rig.gpio.set([{ offset: 4, value: false }])
    clock.advance(100)
    expect(rig.physicalHistory()).toEqual([])
  })

  it('findBridge names the first instant a supply is on two buses', async () => {
    const clock = createVirtualClock()
    const rig = createVirtualSwitchRig(wiring, {
      clock,
      configuredWithClosed: [{ supply: 's1', bus: 'A' }],
      delayMs: (r) => (r.bus === 'A' ? 20 : 3),
    })
    expect(rig.findBridge()).toBeUndefined()
    clock.advance(7)
    // Open s1/A (pin 0 low) and close s1/B (pin 1 low, active-low) in one write: make-before-break physically.
    await rig.bus.write(0x20, Uint8Array.of(0x02, 0xfc, 0xff))
    clock.advance(50)
    expect(rig.findBridge()).toEqual({ atMs: 10, supply: 's1', buses: ['A', 'B'] })
  })

  it('welded stays closed; feedback that never arrives reads open; stuck outputs ignore writes', async () => {
    const clock = createVirtualClock()
    const rig = createVirtualSwitchRig(wiring, {
      clock,
      configuredWithClosed: [
        { supply: 's1', bus: 'A' },
        { supply: 's2', bus: 'A' },
      ],
    })
    rig.setFaults({ supply: 's1', bus: 'A' }, { welded: true })
    rig.setFaults({ supply: 's2', bus: 'A' }, { feedbackNeverArrives: true })
    await rig.bus.write(0x20, Uint8Array.of(0x02, 0xfe, 0xff))
    expect(closedOf(rig.commandedState())).toEqual(['s2/A'])
    expect(closedOf(rig.physicalState())).toEqual(['s1/A', 's2/A'])
    const fb = await rig.gpio.get([5])
    expect(!isLeft(fb) && fb.right).toEqual([{ offset: 5, value: false }])
    rig.setFaults({ supply: 's1', bus: 'B' }, { stuckOutput: true })
    // Pin 1 low would close active-low s1/B, but the pin is stuck at its open level.
    await rig.bus.write(0x20, Uint8Array.of(0x02, 0x00, 0x00))
    expect(closedOf(rig.commandedState())).toEqual(['s2/A'])
  })

  it('NACKs: an absent address and an injected fault', async () => {
    const clock = createVirtualClock()
    const rig = createVirtualSwitchRig(wiring, { clock })
    expect(await rig.bus.write(0x27, Uint8Array.of(0x02, 0, 0))).toEqual({
      _tag: 'Left',
      left: { _tag: 'I2cNack', address: 0x27 },
    })
    ;(rig.expanders.get('u1') as { faults: { nackReads: number } }).faults.nackReads = 1
    expect(isLeft(await rig.bus.writeRead(0x20, Uint8Array.of(0x00), 2))).toBe(true)
    expect(isLeft(await rig.bus.writeRead(0x20, Uint8Array.of(0x00), 2))).toBe(false)
  })
})

describe('createMockGpioLines', () => {
  it('sets outputs, samples inputs, refuses lines it does not hold, injects failures', async () => {
    const lines = createMockGpioLines({ outputs: [1, 2], inputs: [7] })
    lines.inputLevel = (offset) => offset === 7
    expect(lines.offsets).toEqual([1, 2, 7])
    await lines.set([{ offset: 2, value: true }])
    const got = await lines.get([1, 2, 7])
    expect(!isLeft(got) && got.right.map((v) => v.value)).toEqual([false, true, true])
    expect(await lines.set([{ offset: 9, value: true }])).toEqual({
      _tag: 'Left',
      left: { _tag: 'GpioLineNotRequested', offset: 9 },
    })
    expect(isLeft(await lines.set([{ offset: 7, value: true }]))).toBe(true)
    lines.faults.failSets = 1
    expect(isLeft(await lines.set([{ offset: 1, value: true }]))).toBe(true)
    expect(lines.level(1)).toBe(false)
  })
})

describe('createScriptedI2cBus', () => {
  it('answers the script and records calls that differ', async () => {
    const bus = createScriptedI2cBus([{ op: 'writeRead', address: 0x20, bytes: [0x00], reply: [1, 2] }])
    expect(await bus.write(0x20, Uint8Array.of(0x02, 0, 0))).toMatchObject({ _tag: 'Left' })
    expect(bus.mismatches).toEqual([
      'call 0: got write 0x20 [0x02 0x00 0x00], expected writeRead 0x20 [0x00] 2 bytes',
    ])
    const read = await bus.writeRead(0x20, Uint8Array.of(0x00), 2)
    expect(!isLeft(read) && Array.from(read.right)).toEqual([1, 2])
    expect(bus.remaining()).toBe(0)
  })
})
