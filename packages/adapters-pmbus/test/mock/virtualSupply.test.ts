import { describe, expect, test } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import { decodeLinear11, decodeLinear16, PmbusCommand as C, pec, smbusDevice } from '../../src/index.js'
import {
  createVirtualAlertLine,
  createVirtualBus,
  createVirtualPca9548,
  createVirtualSupply,
} from '../../src/mock/index.js'

const A = 0x58

const setup = (options: Partial<Parameters<typeof createVirtualSupply>[0]> = {}) => {
  const bus = createVirtualBus()
  const supply = createVirtualSupply({ address: A, capacityW: 2400, ...options })
  bus.attach(A, supply)
  return { bus, supply, dev: smbusDevice(bus.transport, { address: A, pec: options.pec ?? true }) }
}
const ok = <T>(e: E.Either<unknown, T>): T => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}

describe('virtual PMBus supply', () => {
  test('identity registers and telemetry encodings', async () => {
    const { supply, dev } = setup({ mfrId: 'ACME', mfrModel: 'P2400', mfrSerial: 'X1' })
    supply.setReadings({
      vinV: 230.5,
      voutV: 12.25,
      ioutA: 100.5,
      poutW: 1230,
      temperatureC: 41.5,
      fanRpm: 9800,
    })
    expect(new TextDecoder().decode(ok(await dev.readBlock(C.MFR_ID)))).toBe('ACME')
    expect(new TextDecoder().decode(ok(await dev.readBlock(C.MFR_MODEL)))).toBe('P2400')
    expect(decodeLinear11(ok(await dev.readWord(C.MFR_POUT_MAX)))).toBe(2400)
    expect(ok(await dev.readByte(C.CAPABILITY)) & 0x90).toBe(0x90)
    expect(ok(await dev.readByte(C.VOUT_MODE))).toBe(0x97)
    expect(decodeLinear11(ok(await dev.readWord(C.READ_VIN)))).toBe(230.5)
    expect(decodeLinear16(ok(await dev.readWord(C.READ_VOUT)), 0x97)).toBe(12.25)
    // 9800 rpm needs exponent 4 (LSB 16): 612.5 is a tie, rounded away from zero to 613 × 16.
    expect(decodeLinear11(ok(await dev.readWord(C.READ_FAN_SPEED_1)))).toBe(9808)
  })

  test('input loss gives the usual 0x2848; bits latch until CLEAR_FAULTS; a present condition re-latches at once', async () => {
    const { supply, dev } = setup()
    supply.setCondition('inputLoss', true)
    expect(ok(await dev.readWord(C.STATUS_WORD))).toBe(0x2848)
    expect(ok(await dev.readByte(C.STATUS_INPUT))).toBe(0x18)
    // Input comes back: OFF and POWER_GOOD# follow at once, the latched input bits stay.
    supply.setCondition('inputLoss', false)
    expect(ok(await dev.readWord(C.STATUS_WORD))).toBe(0x2008)
    ok(await dev.sendByte(C.CLEAR_FAULTS))
    expect(ok(await dev.readWord(C.STATUS_WORD))).toBe(0)
    // Still present: CLEAR_FAULTS clears and the bit is set again at once.
    supply.setCondition('overTemperatureWarning', true)
    ok(await dev.sendByte(C.CLEAR_FAULTS))
    expect(ok(await dev.readByte(C.STATUS_TEMPERATURE))).toBe(0x40)
    expect(ok(await dev.readWord(C.STATUS_WORD))).toBe(0x0004)
  })

  test('SMBALERT# asserts on a new unmasked bit, releases on ARA answer and on CLEAR_FAULTS, honours the mask', async () => {
    let now = 5
    const { bus, supply, dev } = setup()
    const wire = createVirtualAlertLine(() => now)
    const edges: number[] = []
    wire.line.onAssert((at) => edges.push(at))
    wire.connect(supply)
    supply.setCondition('fan1Warning', true)
    expect(supply.alertAsserted()).toBe(true)
    expect(edges).toEqual([5])
    expect(ok(await bus.transport.read(0x0c, 1))).toEqual(Uint8Array.of(A << 1))
    expect(supply.alertAsserted()).toBe(false)
    expect(E.isLeft(await bus.transport.read(0x0c, 1))).toBe(true)
    // CLEAR_FAULTS with the condition still present: latched again, alert again.
    now = 9
    ok(await dev.sendByte(C.CLEAR_FAULTS))
    expect(supply.alertAsserted()).toBe(true)
    expect(edges).toEqual([5, 9])
    ok(await dev.sendByte(C.CLEAR_FAULTS))
    supply.setCondition('fan1Warning', false)
    ok(await dev.sendByte(C.CLEAR_FAULTS))
    expect(supply.alertAsserted()).toBe(false)
    // Mask FANS bit 5 through the bus (SMBALERT_MASK word: low = status command, high = mask).
    ok(await dev.writeWord(C.SMBALERT_MASK, (0x20 << 8) | C.STATUS_FANS_1_2))
    supply.setCondition('fan1Warning', true)
    expect(supply.alertAsserted()).toBe(false)
    expect(ok(await dev.readByte(C.STATUS_FANS_1_2))).toBe(0x20)
  })

  test('a supply that does not answer the ARA keeps asserting', async () => {
    const { bus, supply } = setup({ answersAra: false })
    supply.setCondition('ioutOcWarning', true)
    expect(ok(await bus.transport.read(0x0c, 1).then((r) => E.swap(r)))._tag).toBe('NoAck')
    expect(supply.alertAsserted()).toBe(true)
  })

  test('ARA arbitration: the lowest address wins; ARA with PEC', async () => {
    const bus = createVirtualBus()
    const high = createVirtualSupply({ address: 0x5a, capacityW: 1000 })
    const low = createVirtualSupply({ address: 0x59, capacityW: 1000 })
    bus.attach(0x5a, high)
    bus.attach(0x59, low)
    high.setCondition('vinUvWarning', true)
    low.setCondition('vinUvWarning', true)
    const first = ok(await bus.transport.read(0x0c, 2))
    expect(Array.from(first)).toEqual([0x59 << 1, pec([0x19, 0x59 << 1])])
    expect(Array.from(ok(await bus.transport.read(0x0c, 1)))).toEqual([0x5a << 1])
  })

  test('PEC: reads carry it, a bad write PEC is NACKed and latches STATUS_CML', async () => {
    const { bus, dev } = setup()
    const raw = ok(await bus.transport.writeRead(A, Uint8Array.of(C.VOUT_MODE), 2))
    expect(raw[1]).toBe(pec([A << 1, C.VOUT_MODE, (A << 1) | 1, 0x97]))
    const bad = await bus.transport.write(A, Uint8Array.of(C.CLEAR_FAULTS, 0x00))
    expect(E.isLeft(bad) && bad.left).toMatchObject({ _tag: 'NoAck', command: C.CLEAR_FAULTS })
    expect(ok(await dev.readByte(C.STATUS_CML))).toBe(0x20)
    expect(ok(await dev.readWord(C.STATUS_WORD))).toBe(0x0002)
  })

  test('a part without PEC pads with 0xFF and rejects a PEC-length write', async () => {
    const { bus } = setup({ pec: false })
    expect(Array.from(ok(await bus.transport.writeRead(A, Uint8Array.of(C.VOUT_MODE), 2)))).toEqual([
      0x97, 0xff,
    ])
    expect(E.isLeft(await bus.transport.write(A, Uint8Array.of(C.CLEAR_FAULTS, 0x12)))).toBe(true)
  })

  test('unsupported commands are NACKed and set CML invalid command', async () => {
    const { dev } = setup({ unsupportedCommands: [C.READ_FAN_SPEED_1] })
    const r = await dev.readWord(C.READ_FAN_SPEED_1)
    expect(E.isLeft(r) && r.left).toMatchObject({ _tag: 'NoAck', command: C.READ_FAN_SPEED_1 })
    expect(ok(await dev.readByte(C.STATUS_CML))).toBe(0x80)
    expect(E.isLeft(await dev.readWord(0xd0))).toBe(true)
  })

  test('fault injection: NACK next N, NACK always, PEC error next N, timeout', async () => {
    const { supply, dev } = setup()
    supply.injectFault({ _tag: 'Nack', count: 2 })
    expect(await dev.readWord(C.STATUS_WORD)).toMatchObject({ left: { _tag: 'NoAck' } })
    expect(await dev.readWord(C.STATUS_WORD)).toMatchObject({ left: { _tag: 'NoAck' } })
    expect(await dev.readWord(C.STATUS_WORD)).toEqual(E.right(0))
    supply.setResponding(false)
    for (let i = 0; i < 5; i++) expect(E.isLeft(await dev.readWord(C.STATUS_WORD))).toBe(true)
    supply.setResponding(true)
    supply.injectFault({ _tag: 'PecError', count: 1 })
    expect(await dev.readWord(C.STATUS_WORD)).toMatchObject({
      left: { _tag: 'PecMismatch', address: A, command: C.STATUS_WORD },
    })
    expect(await dev.readWord(C.STATUS_WORD)).toEqual(E.right(0))
    supply.injectFault({ _tag: 'Timeout', count: 1 })
    expect(await dev.sendByte(C.CLEAR_FAULTS)).toMatchObject({ left: { _tag: 'Timeout', address: A } })
    expect(E.isRight(await dev.sendByte(C.CLEAR_FAULTS))).toBe(true)
  })

  test('bad construction arguments throw with a clear message', () => {
    expect(() => createVirtualSupply({ address: 0x80, capacityW: 1 })).toThrow(
      /address must be a 7-bit device address/,
    )
    expect(() => createVirtualSupply({ address: 0x58, capacityW: 0 })).toThrow(/capacityW must be > 0, got 0/)
  })
})

describe('virtual bus and PCA9548', () => {
  test('empty address is NoAck; taken address throws', async () => {
    const bus = createVirtualBus('root')
    expect(await bus.transport.writeRead(0x40, Uint8Array.of(0), 1)).toMatchObject({
      left: { _tag: 'NoAck', address: 0x40 },
    })
    bus.attach(A, createVirtualSupply({ address: A, capacityW: 1 }))
    expect(() => bus.attach(A, createVirtualSupply({ address: A, capacityW: 1 }))).toThrow(/already taken/)
  })

  test('the mux routes by its control byte; two enabled channels with the same address collide', async () => {
    const bus = createVirtualBus('root')
    const mux = createVirtualPca9548(0x70)
    bus.attach(0x70, mux)
    const s0 = createVirtualSupply({ address: A, capacityW: 1000 })
    const s1 = createVirtualSupply({ address: A, capacityW: 2000 })
    mux.channel(0).attach(A, s0)
    mux.channel(1).attach(A, s1)
    const dev = smbusDevice(bus.transport, { address: A, pec: true })
    expect(await dev.readWord(C.MFR_POUT_MAX)).toMatchObject({ left: { _tag: 'NoAck' } })
    ok(await bus.transport.write(0x70, Uint8Array.of(0x02)))
    expect(decodeLinear11(ok(await dev.readWord(C.MFR_POUT_MAX)))).toBe(2000)
    ok(await bus.transport.write(0x70, Uint8Array.of(0x01)))
    expect(decodeLinear11(ok(await dev.readWord(C.MFR_POUT_MAX)))).toBe(1000)
    ok(await bus.transport.write(0x70, Uint8Array.of(0x03)))
    expect(await dev.readWord(C.MFR_POUT_MAX)).toMatchObject({ left: { _tag: 'BusError' } })
    expect(Array.from(ok(await bus.transport.read(0x70, 1)))).toEqual([0x03])
    mux.injectNack(1)
    expect(E.isLeft(await bus.transport.write(0x70, Uint8Array.of(0x01)))).toBe(true)
    expect(mux.control()).toBe(0x03)
    mux.reset()
    expect(mux.control()).toBe(0)
  })

  test('the ARA reaches only devices on enabled channels', async () => {
    const bus = createVirtualBus('root')
    const mux = createVirtualPca9548(0x71)
    bus.attach(0x71, mux)
    const s = createVirtualSupply({ address: A, capacityW: 1000 })
    mux.channel(5).attach(A, s)
    s.setCondition('ioutOcWarning', true)
    expect(E.isLeft(await bus.transport.read(0x0c, 1))).toBe(true)
    ok(await bus.transport.write(0x71, Uint8Array.of(1 << 5)))
    expect(Array.from(ok(await bus.transport.read(0x0c, 1)))).toEqual([A << 1])
  })
})
