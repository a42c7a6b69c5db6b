import { describe, expect, test } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import { pec, smbusDevice } from '../../src/index.js'
import { scriptedTransport } from '../../src/mock/index.js'

const A = 0x58
const W = A << 1
const R = W | 1

const leftOf = <A>(e: E.Either<CommError, A>): CommError => {
  if (E.isRight(e)) throw new Error(`expected Left, got ${JSON.stringify(e.right)}`)
  return e.left
}

describe('without PEC', () => {
  test('read byte / word / block, write byte / word, send byte put the right bytes on the wire', async () => {
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [0x20], length: 1, reply: [0x97] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [0x48, 0x28] },
      {
        op: 'writeRead',
        address: A,
        bytes: [0x99],
        length: 32,
        reply: [3, 0x41, 0x43, 0x4d, ...new Array(28).fill(0xff)],
      },
      { op: 'write', address: A, bytes: [0x00, 0x01] },
      { op: 'write', address: A, bytes: [0x1b, 0x7c, 0x10] },
      { op: 'write', address: A, bytes: [0x03] },
    ])
    const d = smbusDevice(t, { address: A, pec: false })
    expect(await d.readByte(0x20)).toEqual(E.right(0x97))
    expect(await d.readWord(0x79)).toEqual(E.right(0x2848))
    const block = await d.readBlock(0x99)
    expect(E.isRight(block) && new TextDecoder().decode(block.right)).toBe('ACM')
    expect(await d.writeByte(0x00, 0x01)).toEqual(E.right(undefined))
    expect(await d.writeWord(0x1b, 0x107c)).toEqual(E.right(undefined))
    expect(await d.sendByte(0x03)).toEqual(E.right(undefined))
    t.assertDone()
  })

  test('transport errors come back typed, with the command filled in', async () => {
    const errors: CommError[] = [
      { _tag: 'NoAck', address: A },
      { _tag: 'Timeout', address: A },
      { _tag: 'BusError', address: A, detail: 'arbitration lost' },
    ]
    const t = scriptedTransport(
      errors.map((error) => ({ op: 'writeRead', address: A, bytes: [0x79], length: 2, error })),
    )
    const d = smbusDevice(t, { address: A, pec: false })
    for (const error of errors) expect(leftOf(await d.readWord(0x79))).toEqual({ ...error, command: 0x79 })
    t.expect({ op: 'write', address: A, bytes: [0x03], error: { _tag: 'NoAck', address: A, command: 0x42 } })
    // A command the transport already named is kept.
    expect(leftOf(await d.sendByte(0x03))).toEqual({ _tag: 'NoAck', address: A, command: 0x42 })
    t.expect({
      op: 'write',
      address: A,
      bytes: [0x00, 0x00],
      error: { _tag: 'MuxError', mux: 0x70, channel: 1, detail: 'x' },
    })
    expect(leftOf(await d.writeByte(0x00, 0))).toEqual({
      _tag: 'MuxError',
      mux: 0x70,
      channel: 1,
      detail: 'x',
    })
    t.assertDone()
  })

  test('a short reply is InvalidResponse', async () => {
    const t = scriptedTransport([{ op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [0x48] }])
    const e = leftOf(await smbusDevice(t, { address: A, pec: false }).readWord(0x79))
    expect(e).toMatchObject({ _tag: 'InvalidResponse', address: A, command: 0x79 })
    t.assertDone()
  })

  test('by default a block read is one 32-byte transfer (31 data bytes, 30 with PEC); larger on request', async () => {
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [0x9e], length: 32, reply: [32, ...new Array(31).fill(0x41)] },
      { op: 'writeRead', address: A, bytes: [0x9e], length: 32, reply: [31, ...new Array(31).fill(0x41)] },
      { op: 'writeRead', address: A, bytes: [0x9e], length: 33, reply: [32, ...new Array(32).fill(0x41)] },
    ])
    expect(leftOf(await smbusDevice(t, { address: A, pec: false }).readBlock(0x9e))).toMatchObject({
      _tag: 'InvalidResponse',
      detail: 'block length 32 is outside 0..31',
    })
    const ok31 = await smbusDevice(t, { address: A, pec: false }).readBlock(0x9e)
    expect(E.isRight(ok31) && ok31.right.length).toBe(31)
    const ok32 = await smbusDevice(t, { address: A, pec: false, maxBlockLength: 32 }).readBlock(0x9e)
    expect(E.isRight(ok32) && ok32.right.length).toBe(32)
    t.assertDone()
  })

  test('a block count above the maximum is InvalidResponse', async () => {
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [0x9a], length: 9, reply: [9, 1, 2, 3, 4, 5, 6, 7, 8] },
    ])
    const e = leftOf(await smbusDevice(t, { address: A, pec: false, maxBlockLength: 8 }).readBlock(0x9a))
    expect(e).toEqual({
      _tag: 'InvalidResponse',
      address: A,
      command: 0x9a,
      detail: 'block length 9 is outside 0..8',
    })
    t.assertDone()
  })

  test('bad arguments are programming errors and throw with a clear message', () => {
    const t = scriptedTransport()
    expect(() => smbusDevice(t, { address: 0x80, pec: false })).toThrow(
      /address must be an integer in 0..0x7f, got 128/,
    )
    const d = smbusDevice(t, { address: A, pec: false })
    expect(() => d.writeByte(0x01, 256)).toThrow(/value must be an integer in 0..0xff, got 256/)
    expect(() => d.writeWord(0x01, 0x10000)).toThrow(/value/)
  })
})

describe('with PEC', () => {
  test('reads check the PEC over address+W, command, address+R and data', async () => {
    const word = [0x48, 0x28]
    const good = pec([W, 0x79, R, ...word])
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [0x79], length: 3, reply: [...word, good] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 3, reply: [...word, good ^ 0x01] },
      { op: 'writeRead', address: A, bytes: [0x20], length: 2, reply: [0x97, pec([W, 0x20, R, 0x97])] },
    ])
    const d = smbusDevice(t, { address: A, pec: true })
    expect(await d.readWord(0x79)).toEqual(E.right(0x2848))
    expect(leftOf(await d.readWord(0x79))).toEqual({
      _tag: 'PecMismatch',
      address: A,
      command: 0x79,
      expected: good,
      actual: good ^ 0x01,
    })
    expect(await d.readByte(0x20)).toEqual(E.right(0x97))
    t.assertDone()
  })

  test('block read: the PEC follows the block, whatever is clocked in after it', async () => {
    const data = [2, 0x41, 0x42]
    const crc = pec([W, 0x99, R, ...data])
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [0x99], length: 6, reply: [...data, crc, 0xff, 0xff] },
      { op: 'writeRead', address: A, bytes: [0x99], length: 6, reply: [...data, crc ^ 0x80, 0xff, 0xff] },
      // A count beyond the maximum is reported as such, not as a PEC mismatch.
      { op: 'writeRead', address: A, bytes: [0x99], length: 6, reply: [200, 0, 0, 0, 0, 0] },
    ])
    const d = smbusDevice(t, { address: A, pec: true, maxBlockLength: 4 })
    const ok = await d.readBlock(0x99)
    expect(E.isRight(ok) && Array.from(ok.right)).toEqual([0x41, 0x42])
    expect(leftOf(await d.readBlock(0x99))._tag).toBe('PecMismatch')
    expect(leftOf(await d.readBlock(0x99))._tag).toBe('InvalidResponse')
    t.assertDone()
  })

  test('writes append the PEC over address+W and the payload', async () => {
    const t = scriptedTransport([
      { op: 'write', address: A, bytes: [0x03, pec([W, 0x03])] },
      { op: 'write', address: A, bytes: [0x00, 0x01, pec([W, 0x00, 0x01])] },
      { op: 'write', address: A, bytes: [0x1b, 0x7c, 0x10, pec([W, 0x1b, 0x7c, 0x10])] },
    ])
    const d = smbusDevice(t, { address: A, pec: true })
    expect(E.isRight(await d.sendByte(0x03))).toBe(true)
    expect(E.isRight(await d.writeByte(0x00, 0x01))).toBe(true)
    expect(E.isRight(await d.writeWord(0x1b, 0x107c))).toBe(true)
    t.assertDone()
  })
})
