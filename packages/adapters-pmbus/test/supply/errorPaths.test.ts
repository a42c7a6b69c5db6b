/** Every CommError kind through each reader step, with the scripted transport. */
import { describe, expect, test } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import {
  clearSupplyFaults,
  PmbusCommand as C,
  readReadings,
  readSupply,
  smbusDevice,
} from '../../src/index.js'
import { scriptedTransport, type ScriptedStep } from '../../src/mock/index.js'

const A = 0x58
const profile = { address: A, pec: false, voutMode: 0x17 }
const errors: readonly CommError[] = [
  { _tag: 'NoAck', address: A },
  { _tag: 'Timeout', address: A, detail: 'clock stretched past 35 ms' },
  { _tag: 'BusError', address: A, detail: 'arbitration lost' },
  { _tag: 'MuxError', mux: 0x70, channel: 2, detail: 'selecting control 0x04 failed: NoAck' },
]
const readWord = (command: number, reply: number[]): ScriptedStep => ({
  op: 'writeRead',
  address: A,
  bytes: [command],
  length: 2,
  reply,
})
const readByte = (command: number, reply: number): ScriptedStep => ({
  op: 'writeRead',
  address: A,
  bytes: [command],
  length: 1,
  reply: [reply],
})
const withCommand = (e: CommError, command: number): CommError =>
  e._tag === 'MuxError' ? e : { ...e, command }

const telemetryOrder = [
  C.READ_VIN,
  C.READ_IIN,
  C.READ_VOUT,
  C.READ_IOUT,
  C.READ_POUT,
  C.READ_PIN,
  C.READ_TEMPERATURE_1,
  C.READ_FAN_SPEED_1,
]

describe('readSupply error paths', () => {
  for (const error of errors) {
    test(`${error._tag} on STATUS_WORD`, async () => {
      const t = scriptedTransport([{ op: 'writeRead', address: A, bytes: [C.STATUS_WORD], length: 2, error }])
      expect(await readSupply(t, profile, 's', 'full', () => 0)).toEqual(
        E.left(withCommand(error, C.STATUS_WORD)),
      )
      t.assertDone()
    })
    test(`${error._tag} on a flagged detail register`, async () => {
      const t = scriptedTransport([
        readWord(C.STATUS_WORD, [0x00, 0x80]),
        { op: 'writeRead', address: A, bytes: [C.STATUS_VOUT], length: 1, error },
      ])
      expect(await readSupply(t, profile, 's', 'status', () => 0)).toEqual(
        E.left(withCommand(error, C.STATUS_VOUT)),
      )
      t.assertDone()
    })
  }
  // A failure at each telemetry register stops the visit there.
  telemetryOrder.forEach((failing, index) => {
    test(`NoAck at READ_* #${index + 1} (0x${failing.toString(16)}) fails the visit and reads nothing after it`, async () => {
      const t = scriptedTransport([
        readWord(C.STATUS_WORD, [0, 0]),
        ...telemetryOrder.slice(0, index).map((c) => readWord(c, [0, 0])),
        { op: 'writeRead', address: A, bytes: [failing], length: 2, error: { _tag: 'NoAck', address: A } },
      ])
      expect(await readSupply(t, profile, 's', 'full', () => 0)).toEqual(
        E.left({ _tag: 'NoAck', address: A, command: failing }),
      )
      t.assertDone()
    })
  })
  test('a one-byte answer to a word read is InvalidResponse', async () => {
    const t = scriptedTransport([readWord(C.STATUS_WORD, [0])])
    expect(await readSupply(t, profile, 's', 'status', () => 0)).toMatchObject({
      left: { _tag: 'InvalidResponse', command: C.STATUS_WORD },
    })
    t.assertDone()
  })
  test('VOUT_MODE in VID: READ_VOUT is InvalidResponse naming the VID table', async () => {
    const t = scriptedTransport([readWord(C.READ_VOUT, [0x10, 0])])
    const dev = smbusDevice(t, { address: A, pec: false })
    expect(
      await readReadings(dev, { address: A, pec: false, voutMode: 0x21, readings: ['voutV'] }),
    ).toMatchObject({
      left: { _tag: 'InvalidResponse', command: C.READ_VOUT, detail: expect.stringMatching(/VID table/) },
    })
    t.assertDone()
  })
})

describe('clearSupplyFaults error paths', () => {
  const snapshotSteps = (): ScriptedStep[] => [
    readWord(C.STATUS_WORD, [0x00, 0x04]),
    readByte(C.STATUS_VOUT, 0),
    readByte(C.STATUS_IOUT, 0),
    readByte(C.STATUS_INPUT, 0),
    readByte(C.STATUS_TEMPERATURE, 0),
    readByte(C.STATUS_CML, 0),
    readByte(C.STATUS_FANS_1_2, 0x80),
    readByte(C.STATUS_OTHER, 0),
    readByte(C.STATUS_MFR_SPECIFIC, 0),
  ]
  for (const error of errors) {
    test(`${error._tag} on CLEAR_FAULTS keeps the snapshot`, async () => {
      const t = scriptedTransport([
        ...snapshotSteps(),
        { op: 'write', address: A, bytes: [C.CLEAR_FAULTS], error },
      ])
      const result = await clearSupplyFaults(t, profile)
      expect(result).toMatchObject({
        right: {
          _tag: 'ClearFailed',
          snapshot: { fans12: { fan1Fault: true } },
          error: withCommand(error, C.CLEAR_FAULTS),
        },
      })
      t.assertDone()
    })
  }
  test('a snapshot read failing sends no CLEAR_FAULTS', async () => {
    const t = scriptedTransport([
      ...snapshotSteps().slice(0, 3),
      {
        op: 'writeRead',
        address: A,
        bytes: [C.STATUS_INPUT],
        length: 1,
        error: { _tag: 'Timeout', address: A },
      },
    ])
    expect(await clearSupplyFaults(t, profile)).toEqual(
      E.left({ _tag: 'Timeout', address: A, command: C.STATUS_INPUT }),
    )
    t.assertDone()
  })
  test('the profile can drop registers a part lacks from the snapshot', async () => {
    const t = scriptedTransport([
      readWord(C.STATUS_WORD, [0, 0]),
      readByte(C.STATUS_INPUT, 0),
      { op: 'write', address: A, bytes: [C.CLEAR_FAULTS] },
    ])
    expect(await clearSupplyFaults(t, { ...profile, statusRegisters: ['input'] })).toMatchObject({
      right: { _tag: 'Cleared' },
    })
    t.assertDone()
  })
})
