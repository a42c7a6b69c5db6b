import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import { isLeft, isRight } from 'fp-ts/lib/Either.js'
import type { Wiring } from '../../src/wiring/Wiring.js'
import { decodeWiring } from '../../src/wiring/decodeWiring.js'
import { startSwitchBank } from '../../src/bank/startSwitchBank.js'
import { createScriptedI2cBus } from '../../src/mock/createScriptedI2cBus.js'
import { createVirtualClock } from '../../src/mock/createVirtualClock.js'
import { createVirtualSwitchRig } from '../../src/mock/createVirtualSwitchRig.js'
import { closedSetArbitrary, wiringArbitrary } from '../wiringArbitrary.js'

const wiringOf = (u: unknown): Wiring => {
  const decoded = decodeWiring(u)
  if (isLeft(decoded)) throw new Error(JSON.stringify(decoded.left))
  return decoded.right
}

const pcaWiring = wiringOf({
  expanders: [{ id: 'u1', kind: 'pca9555', address: 0x20 }],
  switches: [
    {
      supply: 's1',
      bus: 'A',
      kind: 'relay',
      polarity: 'activeHigh',
      output: { expander: 'u1', pin: 0 },
      feedback: { input: { expander: 'u1', pin: 8 }, polarity: 'activeHigh' },
    },
    { supply: 's1', bus: 'B', kind: 'relay', polarity: 'activeLow', output: { expander: 'u1', pin: 1 } },
  ],
})

const snapshotReads = (latch: number[], direction: number[], polarity: number[], input: number[]) => [
  { op: 'writeRead' as const, address: 0x20, bytes: [0x02], reply: latch },
  { op: 'writeRead' as const, address: 0x20, bytes: [0x06], reply: direction },
  { op: 'writeRead' as const, address: 0x20, bytes: [0x04], reply: polarity },
  { op: 'writeRead' as const, address: 0x20, bytes: [0x00], reply: input },
]

describe('startSwitchBank', () => {
  it('PCA9555 at power-up: reads first, writes the latch to open BEFORE making pins outputs (exact bytes)', async () => {
    const bus = createScriptedI2cBus([
      ...snapshotReads([0xff, 0xff], [0xff, 0xff], [0x00, 0x00], [0xfe, 0xfe]),
      // Pin 0 active-high opens low; pin 1 active-low opens high: latch 0xfffe.
      { op: 'write', address: 0x20, bytes: [0x02, 0xfe, 0xff] },
      // Pins 0 and 1 outputs, pin 8 (feedback) stays an input: 0xfffc.
      { op: 'write', address: 0x20, bytes: [0x06, 0xfc, 0xff] },
      ...snapshotReads([0xfe, 0xff], [0xfc, 0xff], [0x00, 0x00], [0xfe, 0xfe]),
      ...snapshotReads([0xfe, 0xff], [0xfc, 0xff], [0x00, 0x00], [0xfe, 0xfe]),
    ])
    const started = await startSwitchBank({ wiring: pcaWiring, i2c: bus })
    expect(bus.mismatches).toEqual([])
    expect(bus.remaining()).toBe(0)
    expect(isRight(started) && started.right.state).toEqual([
      { supply: 's1', bus: 'A', closed: false },
      { supply: 's1', bus: 'B', closed: false },
    ])
    expect(isRight(started) && started.right.expanders).toEqual([
      { id: 'u1', wasConfigured: false, keptPins: [], openedPins: [0, 1], writes: 2 },
    ])
  })

  it('already configured with s1-A closed: writes nothing, keeps it closed, reports it', async () => {
    const bus = createScriptedI2cBus([
      ...snapshotReads([0xff, 0xff], [0xfc, 0xff], [0x00, 0x00], [0xff, 0xff]),
      ...snapshotReads([0xff, 0xff], [0xfc, 0xff], [0x00, 0x00], [0xff, 0xff]),
      ...snapshotReads([0xff, 0xff], [0xfc, 0xff], [0x00, 0x00], [0xff, 0xff]),
    ])
    const started = await startSwitchBank({ wiring: pcaWiring, i2c: bus })
    expect(bus.mismatches).toEqual([])
    expect(isRight(started) && started.right.state).toEqual([
      { supply: 's1', bus: 'A', closed: true },
      { supply: 's1', bus: 'B', closed: false },
    ])
    expect(isRight(started) && started.right.expanders[0]?.wasConfigured).toBe(true)
  })

  it('reports a switch whose feedback disagrees with its drive pin (and a supply found bridged)', async () => {
    const clock = createVirtualClock()
    const rig = createVirtualSwitchRig(pcaWiring, {
      clock,
      configuredWithClosed: [
        { supply: 's1', bus: 'A' },
        { supply: 's1', bus: 'B' },
      ],
      faults: new Map([[JSON.stringify(['s1', 'A']), { feedbackNeverArrives: true }]]),
    })
    const started = await startSwitchBank(rig.bank)
    expect(isRight(started) && [started.right.feedbackDisagrees, started.right.bridgedSupplies]).toEqual([
      [{ supply: 's1', bus: 'A' }],
      ['s1'],
    ])
    // Found bridged, kept as found: start-up does not switch anything.
    expect(rig.physicalState().filter((s) => s.closed).length).toBe(2)
  })

  it('a NACK during start-up is a typed fault naming the expander and register', async () => {
    const bus = createScriptedI2cBus([
      ...snapshotReads([0xff, 0xff], [0xff, 0xff], [0x00, 0x00], [0xff, 0xff]),
      { op: 'write', address: 0x20, bytes: [0x02, 0xfe, 0xff], nack: true },
    ])
    const started = await startSwitchBank({ wiring: pcaWiring, i2c: bus })
    expect(started).toEqual({
      _tag: 'Left',
      left: { _tag: 'StartupTransportError', detail: 'write pca9555 u1 at 0x20 register 0x02: I2cNack' },
    })
  })

  it('the "nothing closes during start-up" check can fail: direction before latch closes active-high switches', async () => {
    const clock = createVirtualClock()
    const rig = createVirtualSwitchRig(pcaWiring, { clock })
    let closedSeen = false
    rig.onChange(() => {
      if (rig.physicalState().some((s) => s.closed)) closedSeen = true
    })
    await rig.bus.write(0x20, Uint8Array.of(0x06, 0xfc, 0xff)) // the wrong order
    expect(closedSeen).toBe(true)
  })

  test.prop(
    [
      wiringArbitrary.chain((w) =>
        fc.tuple(fc.constant(w), fc.option(closedSetArbitrary(w), { nil: undefined })),
      ),
    ],
    { numRuns: 150 },
  )(
    'start-up reads the actual state: closed switches stay closed, nothing else closes at any write, report = hardware',
    async ([wiring, closed]) => {
      const clock = createVirtualClock()
      const rig = createVirtualSwitchRig(wiring, {
        clock,
        ...(closed === undefined ? {} : { configuredWithClosed: closed }),
      })
      const before = rig.physicalState()
      const violations: string[] = []
      rig.onChange(() => {
        const now = rig.physicalState()
        if (JSON.stringify(now) !== JSON.stringify(before)) violations.push(JSON.stringify(now))
      })
      const started = await startSwitchBank(rig.bank)
      expect(violations).toEqual([])
      expect(isRight(started)).toBe(true)
      if (!isRight(started)) return
      expect(started.right.state).toEqual(rig.physicalState())
      expect(rig.physicalState()).toEqual(before)
      expect(started.right.feedbackDisagrees).toEqual([])
      expect(started.right.bridgedSupplies).toEqual([])
      // Afterwards every drive pin is an output and every feedback input an input.
      for (const sw of wiring.switches) {
        const readback = started.right.readbacks.find((r) => r.supply === sw.supply && r.bus === sw.bus)
        expect(readback?.isOutput).toBe(true)
      }
      if (closed !== undefined) expect(rig.bus.log.filter((e) => e.op === 'write')).toEqual([])
    },
  )
})
