import { describe, expect, test } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import {
  clearSupplyFaults,
  identifySupply,
  PmbusCommand as C,
  pec,
  readStatus,
  readSupply,
  smbusDevice,
  type SupplyProfile,
} from '../../src/index.js'
import { createVirtualBus, createVirtualSupply, scriptedTransport } from '../../src/mock/index.js'

const A = 0x58
const ok = <T>(e: E.Either<unknown, T>): T => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left))
  return e.right
}

const setup = (options: Partial<Parameters<typeof createVirtualSupply>[0]> = {}) => {
  const bus = createVirtualBus()
  const supply = createVirtualSupply({
    address: A,
    capacityW: 2400,
    mfrId: 'ACME',
    mfrModel: 'P2400',
    mfrSerial: 'S123',
    ...options,
  })
  bus.attach(A, supply)
  return { bus, supply }
}

describe('identifySupply', () => {
  test('reads CAPABILITY, VOUT_MODE, MFR strings and MFR_POUT_MAX; PEC follows CAPABILITY', async () => {
    const { bus } = setup()
    const id = ok(await identifySupply(bus.transport, A))
    expect(id).toMatchObject({
      address: A,
      mfrId: 'ACME',
      mfrModel: 'P2400',
      mfrSerial: 'S123',
      capacityW: 2400,
      pecSupported: true,
      smbalertSupported: true,
      voutMode: { format: 'linear', exponent: -9, relative: true },
      profile: { address: A, pec: true, voutMode: 0x97 },
    })
    const noPec = setup({ pec: false, smbalert: false })
    expect(ok(await identifySupply(noPec.bus.transport, A))).toMatchObject({
      pecSupported: false,
      smbalertSupported: false,
      profile: { pec: false },
    })
  })

  test('the wire sequence: CAPABILITY without PEC, the rest with PEC; trailing pad stripped', async () => {
    const W = A << 1
    const R = W | 1
    const withPec = (cmd: number, data: number[]) => [...data, pec([W, cmd, R, ...data])]
    const block = (cmd: number, text: string) => {
      const data = [text.length, ...[...text].map((c) => c.charCodeAt(0))]
      return [...withPec(cmd, data), ...new Array(30 - text.length).fill(0xff)]
    }
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [C.CAPABILITY], length: 1, reply: [0xb0] },
      { op: 'writeRead', address: A, bytes: [C.VOUT_MODE], length: 2, reply: withPec(C.VOUT_MODE, [0x17]) },
      { op: 'writeRead', address: A, bytes: [C.MFR_ID], length: 32, reply: block(C.MFR_ID, 'ACME  ') },
      { op: 'writeRead', address: A, bytes: [C.MFR_MODEL], length: 32, reply: block(C.MFR_MODEL, 'M\0') },
      { op: 'writeRead', address: A, bytes: [C.MFR_SERIAL], length: 32, reply: block(C.MFR_SERIAL, '') },
      // 0x192C = 2400 W (hand-checked in test/codec/vectors.ts)
      {
        op: 'writeRead',
        address: A,
        bytes: [C.MFR_POUT_MAX],
        length: 3,
        reply: withPec(C.MFR_POUT_MAX, [0x2c, 0x19]),
      },
    ])
    expect(ok(await identifySupply(t, A))).toMatchObject({
      mfrId: 'ACME',
      mfrModel: 'M',
      mfrSerial: '',
      capacityW: 2400,
    })
    t.assertDone()
  })

  test('a PMBus 1.0 part without CAPABILITY is read without PEC', async () => {
    const { bus } = setup({ unsupportedCommands: [C.CAPABILITY] })
    expect(ok(await identifySupply(bus.transport, A))).toMatchObject({
      capability: undefined,
      pecSupported: false,
      smbalertSupported: false,
      capacityW: 2400,
      profile: { pec: false },
    })
  })

  test('MFR_POUT_MAX of 0 W is InvalidResponse; a NACK is passed on', async () => {
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [C.CAPABILITY], length: 1, reply: [0x00] },
      { op: 'writeRead', address: A, bytes: [C.VOUT_MODE], length: 1, reply: [0x17] },
      { op: 'writeRead', address: A, bytes: [C.MFR_ID], length: 32, reply: [0, ...new Array(31).fill(0xff)] },
      {
        op: 'writeRead',
        address: A,
        bytes: [C.MFR_MODEL],
        length: 32,
        reply: [0, ...new Array(31).fill(0xff)],
      },
      {
        op: 'writeRead',
        address: A,
        bytes: [C.MFR_SERIAL],
        length: 32,
        reply: [0, ...new Array(31).fill(0xff)],
      },
      { op: 'writeRead', address: A, bytes: [C.MFR_POUT_MAX], length: 2, reply: [0, 0] },
      // An absent device: CAPABILITY and then VOUT_MODE NACKed; the error names VOUT_MODE.
      { op: 'writeRead', address: A, bytes: [C.CAPABILITY], length: 1, error: { _tag: 'NoAck', address: A } },
      { op: 'writeRead', address: A, bytes: [C.VOUT_MODE], length: 1, error: { _tag: 'NoAck', address: A } },
      // Other errors on CAPABILITY stop at once.
      {
        op: 'writeRead',
        address: A,
        bytes: [C.CAPABILITY],
        length: 1,
        error: { _tag: 'Timeout', address: A },
      },
    ])
    expect(await identifySupply(t, A)).toMatchObject({
      left: {
        _tag: 'InvalidResponse',
        command: C.MFR_POUT_MAX,
        detail: expect.stringMatching(/capacityW must be > 0/),
      },
    })
    expect(await identifySupply(t, A)).toEqual(E.left({ _tag: 'NoAck', address: A, command: C.VOUT_MODE }))
    expect(await identifySupply(t, A)).toEqual(E.left({ _tag: 'Timeout', address: A, command: C.CAPABILITY }))
    t.assertDone()
  })
})

describe('readStatus', () => {
  test('fast path: STATUS_WORD only when it is zero', async () => {
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [C.STATUS_WORD], length: 2, reply: [0, 0] },
    ])
    const status = ok(await readStatus(smbusDevice(t, { address: A, pec: false })))
    expect(Object.keys(status)).toEqual(['word'])
    t.assertDone()
  })

  test('detail registers only for the bits set: 0x2848 reads STATUS_INPUT and nothing else', async () => {
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [C.STATUS_WORD], length: 2, reply: [0x48, 0x28] },
      { op: 'writeRead', address: A, bytes: [C.STATUS_INPUT], length: 1, reply: [0x18] },
    ])
    const status = ok(await readStatus(smbusDevice(t, { address: A, pec: false })))
    expect(status.input).toMatchObject({ vinUvFault: true, unitOffLowInput: true })
    expect(status.word).toMatchObject({ input: true, powerGoodNegated: true, off: true, vinUv: true })
    expect(status.vout).toBeUndefined()
    t.assertDone()
  })

  test('every summary bit leads to its register, in a fixed order', async () => {
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [C.STATUS_WORD], length: 2, reply: [0x06, 0xf6] },
      { op: 'writeRead', address: A, bytes: [C.STATUS_VOUT], length: 1, reply: [0x40] },
      { op: 'writeRead', address: A, bytes: [C.STATUS_IOUT], length: 1, reply: [0x20] },
      { op: 'writeRead', address: A, bytes: [C.STATUS_INPUT], length: 1, reply: [0x20] },
      { op: 'writeRead', address: A, bytes: [C.STATUS_TEMPERATURE], length: 1, reply: [0x40] },
      { op: 'writeRead', address: A, bytes: [C.STATUS_CML], length: 1, reply: [0x20] },
      { op: 'writeRead', address: A, bytes: [C.STATUS_FANS_1_2], length: 1, reply: [0x20] },
      { op: 'writeRead', address: A, bytes: [C.STATUS_OTHER], length: 1, reply: [0x01] },
      { op: 'writeRead', address: A, bytes: [C.STATUS_MFR_SPECIFIC], length: 1, reply: [0x80] },
    ])
    const status = ok(await readStatus(smbusDevice(t, { address: A, pec: false })))
    expect(status).toMatchObject({
      vout: { ovWarning: true },
      iout: { ocWarning: true },
      input: { vinUvWarning: true },
      temperature: { otWarning: true },
      cml: { pecFailed: true },
      fans12: { fan1Warning: true },
      otherRaw: 0x01,
      mfrRaw: 0x80,
    })
    t.assertDone()
  })

  test('a detail read that fails fails the status read', async () => {
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [C.STATUS_WORD], length: 2, reply: [0x04, 0x00] },
      {
        op: 'writeRead',
        address: A,
        bytes: [C.STATUS_TEMPERATURE],
        length: 1,
        error: { _tag: 'Timeout', address: A },
      },
    ])
    expect(await readStatus(smbusDevice(t, { address: A, pec: false }))).toEqual(
      E.left({ _tag: 'Timeout', address: A, command: C.STATUS_TEMPERATURE }),
    )
    t.assertDone()
  })
})

describe('readSupply against the virtual supply', () => {
  const profile: SupplyProfile = { address: A, pec: true, voutMode: 0x97 }

  test('full read gives a TelemetrySample in SI units, time from the injected clock', async () => {
    const { bus, supply } = setup({
      readings: {
        vinV: 230,
        iinA: 5.5,
        voutV: 12.1,
        ioutA: 95.5,
        poutW: 1154,
        pinW: 1240,
        temperatureC: 38.25,
        fanRpm: 8000,
      },
    })
    supply.setCondition('ioutOcWarning', true)
    const sample = ok(await readSupply(bus.transport, profile, 'psu1', 'full', () => 1234))
    expect(sample.supply).toBe('psu1')
    expect(sample.atMs).toBe(1234)
    expect(sample.status.word).toMatchObject({ ioutPout: true, noneOfTheAbove: true, off: false })
    expect(sample.status.iout).toMatchObject({ ocWarning: true, ocFault: false })
    const r = sample.readings
    expect(r).toMatchObject({
      vinV: 230,
      iinA: 5.5,
      ioutA: 95.5,
      poutW: 1154,
      pinW: 1240,
      temperatureC: 38.25,
      fanRpm: 8000,
    })
    expect(Math.abs((r.voutV ?? 0) - 12.1)).toBeLessThanOrEqual(2 ** -10)
  })

  test('status mode reads no telemetry', async () => {
    const { bus, supply } = setup()
    const before = supply.transactionCount()
    const sample = ok(await readSupply(bus.transport, profile, 'psu1', 'status', () => 0))
    expect(sample.readings).toEqual({})
    expect(supply.transactionCount() - before).toBe(1)
  })

  test('a supply that NACKs mid-sweep fails the whole read with NoAck naming the command', async () => {
    const { bus, supply } = setup()
    // STATUS_WORD, READ_VIN, READ_IIN pass; READ_VOUT is NACKed.
    supply.injectFault({ _tag: 'Nack', after: 3, count: 1 })
    const result = await readSupply(bus.transport, profile, 'psu1', 'full', () => 0)
    expect(result).toEqual(
      E.left({ _tag: 'NoAck', address: A, command: C.READ_VOUT, detail: 'injected NACK' }),
    )
    expect(E.isRight(await readSupply(bus.transport, profile, 'psu1', 'full', () => 0))).toBe(true)
  })

  test('a corrupted PEC mid-sweep is PecMismatch', async () => {
    const { bus, supply } = setup()
    supply.injectFault({ _tag: 'PecError', after: 2, count: 1 })
    expect(await readSupply(bus.transport, profile, 'psu1', 'full', () => 0)).toMatchObject({
      left: { _tag: 'PecMismatch', command: C.READ_IIN },
    })
  })

  test('readings the profile leaves out are not read; VOUT in DIRECT needs coefficients', async () => {
    const { bus } = setup({ unsupportedCommands: [C.READ_FAN_SPEED_1, C.READ_PIN], voutMode: 0x40 })
    const p: SupplyProfile = { address: A, pec: true, voutMode: 0x40, readings: ['vinV', 'voutV'] }
    expect(await readSupply(bus.transport, p, 'x', 'full', () => 0)).toMatchObject({
      left: {
        _tag: 'InvalidResponse',
        command: C.READ_VOUT,
        detail: expect.stringMatching(/DIRECT but no coefficients/),
      },
    })
    const direct = ok(
      await readSupply(bus.transport, { ...p, voutDirect: { m: 1, b: 0, R: 0 } }, 'x', 'full', () => 0),
    )
    expect(Object.keys(direct.readings).sort()).toEqual(['vinV', 'voutV'])
  })
})

describe('clearSupplyFaults', () => {
  test('snapshots every status register, then clears; latched bits are in the snapshot', async () => {
    const { bus, supply } = setup()
    supply.setCondition('inputLoss', true)
    supply.setCondition('inputLoss', false)
    const result = ok(await clearSupplyFaults(bus.transport, { address: A, pec: true, voutMode: 0x97 }))
    expect(result._tag).toBe('Cleared')
    expect(result.snapshot.input).toMatchObject({ vinUvFault: true, unitOffLowInput: true })
    // 'all' reads every register, including those that are zero.
    expect(result.snapshot.fans12).toBeDefined()
    expect(result.snapshot.mfrRaw).toBe(0)
    expect(supply.statusWord()).toBe(0)
  })

  test('a failed snapshot clears nothing; a failed clear still returns the snapshot', async () => {
    const { bus, supply } = setup()
    supply.setCondition('fan1Fault', true)
    supply.setCondition('fan1Fault', false)
    supply.injectFault({ _tag: 'Nack', after: 2, count: 1 })
    expect(await clearSupplyFaults(bus.transport, { address: A, pec: true, voutMode: 0x97 })).toMatchObject({
      left: { _tag: 'NoAck' },
    })
    expect(supply.statusRegisters().fans12).toBe(0x80)
    // Snapshot: STATUS_WORD + 8 detail registers = 9 transactions; the 10th (CLEAR_FAULTS) is NACKed.
    supply.injectFault({ _tag: 'Nack', after: 9, count: 1 })
    const failedClear = ok(await clearSupplyFaults(bus.transport, { address: A, pec: true, voutMode: 0x97 }))
    expect(failedClear).toMatchObject({
      _tag: 'ClearFailed',
      snapshot: { fans12: { fan1Fault: true } },
      error: { _tag: 'NoAck', command: C.CLEAR_FAULTS },
    })
    expect(supply.statusRegisters().fans12).toBe(0x80)
  })
})
