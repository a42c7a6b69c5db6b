import { describe, expect, test } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import { createPca9548, createPca9548Group, smbusDevice } from '../../src/index.js'
import { scriptedTransport } from '../../src/mock/index.js'

const MUX = 0x70
const A = 0x58

describe('PCA9548 decorator', () => {
  test('selects the channel once, then uses the cache; another channel selects again', async () => {
    const t = scriptedTransport([
      { op: 'write', address: MUX, bytes: [0x04] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [0, 0] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [0, 0] },
      { op: 'write', address: MUX, bytes: [0x80] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [0x48, 0x28] },
    ])
    const mux = createPca9548(t, MUX)
    const ch2 = smbusDevice(mux.channel(2), { address: A, pec: false })
    const ch7 = smbusDevice(mux.channel(7), { address: A, pec: false })
    expect(await ch2.readWord(0x79)).toEqual(E.right(0))
    expect(await ch2.readWord(0x79)).toEqual(E.right(0))
    expect(mux.cachedControl()).toBe(0x04)
    expect(await ch7.readWord(0x79)).toEqual(E.right(0x2848))
    t.assertDone()
  })

  test('re-selects after an error behind the mux (cache invalidated)', async () => {
    const t = scriptedTransport([
      { op: 'write', address: MUX, bytes: [0x02] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, error: { _tag: 'NoAck', address: A } },
      { op: 'write', address: MUX, bytes: [0x02] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [0, 0] },
    ])
    const mux = createPca9548(t, MUX)
    const d = smbusDevice(mux.channel(1), { address: A, pec: false })
    expect(E.isLeft(await d.readWord(0x79))).toBe(true)
    expect(mux.cachedControl()).toBeUndefined()
    expect(await d.readWord(0x79)).toEqual(E.right(0))
    t.assertDone()
  })

  test('a failed select is MuxError, skips the transaction, and is retried next time', async () => {
    const t = scriptedTransport([
      { op: 'write', address: MUX, bytes: [0x01], error: { _tag: 'NoAck', address: MUX } },
      { op: 'write', address: MUX, bytes: [0x01] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [1, 0] },
    ])
    const mux = createPca9548(t, MUX)
    const d = smbusDevice(mux.channel(0), { address: A, pec: false })
    const failed = await d.readWord(0x79)
    expect(failed).toEqual(
      E.left({ _tag: 'MuxError', mux: MUX, channel: 0, detail: 'writing control 0x01 failed: NoAck' }),
    )
    expect(await d.readWord(0x79)).toEqual(E.right(1))
    t.assertDone()
  })

  test('concurrent transactions on two channels do not interleave select and transfer', async () => {
    const t = scriptedTransport([
      { op: 'write', address: MUX, bytes: [0x01] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [1, 0] },
      { op: 'write', address: MUX, bytes: [0x02] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [2, 0] },
      { op: 'write', address: MUX, bytes: [0x00] },
    ])
    const mux = createPca9548(t, MUX)
    const [a, b] = await Promise.all([
      smbusDevice(mux.channel(0), { address: A, pec: false }).readWord(0x79),
      smbusDevice(mux.channel(1), { address: A, pec: false }).readWord(0x79),
    ])
    expect([a, b]).toEqual([E.right(1), E.right(2)])
    expect(await mux.deselect()).toEqual(E.right(undefined))
    t.assertDone()
  })

  test('a group closes the other mux before opening a channel, and only when it is not known closed', async () => {
    const t = scriptedTransport([
      { op: 'write', address: 0x71, bytes: [0x00] },
      { op: 'write', address: 0x70, bytes: [0x01] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [1, 0] },
      { op: 'write', address: 0x70, bytes: [0x00] },
      { op: 'write', address: 0x71, bytes: [0x20] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [2, 0] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [3, 0] },
      // Closing the other mux fails: MuxError naming that mux, no transaction.
      { op: 'write', address: 0x71, bytes: [0x00], error: { _tag: 'Timeout', address: 0x71 } },
    ])
    const group = createPca9548Group(t, [0x70, 0x71])
    const m0 = group.muxes.get(0x70)
    const m1 = group.muxes.get(0x71)
    if (m0 === undefined || m1 === undefined) throw new Error('group')
    expect(await smbusDevice(m0.channel(0), { address: A, pec: false }).readWord(0x79)).toEqual(E.right(1))
    expect(await smbusDevice(m1.channel(5), { address: A, pec: false }).readWord(0x79)).toEqual(E.right(2))
    expect(await smbusDevice(m1.channel(5), { address: A, pec: false }).readWord(0x79)).toEqual(E.right(3))
    expect(m0.cachedControl()).toBe(0)
    expect(await smbusDevice(m0.channel(0), { address: A, pec: false }).readWord(0x79)).toEqual(
      E.left({ _tag: 'MuxError', mux: 0x71, channel: 0, detail: 'writing control 0x00 failed: Timeout' }),
    )
    t.assertDone()
    expect(() => createPca9548Group(t, [0x70, 0x70])).toThrow(/duplicate mux address/)
  })

  test("the group's closed upstream closes every mux not known closed before a root transaction", async () => {
    const t = scriptedTransport([
      { op: 'write', address: 0x70, bytes: [0x00] },
      { op: 'write', address: 0x71, bytes: [0x00] },
      { op: 'read', address: 0x0c, length: 1, reply: [0xb0] },
      // Both known closed now: no writes.
      { op: 'read', address: 0x0c, length: 1, error: { _tag: 'NoAck', address: 0x0c } },
      // Opening 0x70 channel 2: 0x71 is known closed, so only the select.
      { op: 'write', address: 0x70, bytes: [0x04] },
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [0, 0] },
      // Closing 0x70 fails: MuxError (channel -1 = closing), no ARA read.
      { op: 'write', address: 0x70, bytes: [0x00], error: { _tag: 'NoAck', address: 0x70 } },
    ])
    const group = createPca9548Group(t, [0x70, 0x71])
    const m0 = group.muxes.get(0x70)
    if (m0 === undefined) throw new Error('group')
    expect(await group.closed.read(0x0c, 1)).toEqual(E.right(Uint8Array.of(0xb0)))
    expect(E.isLeft(await group.closed.read(0x0c, 1))).toBe(true)
    expect(await smbusDevice(m0.channel(2), { address: A, pec: false }).readWord(0x79)).toEqual(E.right(0))
    expect(await group.closed.read(0x0c, 1)).toEqual(
      E.left({ _tag: 'MuxError', mux: 0x70, channel: -1, detail: 'writing control 0x00 failed: NoAck' }),
    )
    t.assertDone()
  })

  test('channel out of range throws', () => {
    expect(() => createPca9548(scriptedTransport(), MUX).channel(8)).toThrow(/channel must be 0..7, got 8/)
  })
})
