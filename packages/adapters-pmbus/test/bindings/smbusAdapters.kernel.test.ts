// Runs inside the qemu guest (scripts/kernel/run-kernel-tests.sh) against real kernel drivers:
// i2c-stub (RAM-backed SMBus chips at 0x58 and 0x20) and i2c-i801 (QEMU q35's ICH9 SMBus controller).
// Both are SMBus-only adapters, so the binding runs in its I2C_SMBUS mode here; the I2C_RDWR mode is
// covered by rdwr.kernel.test.ts. busybox i2cget/i2cset serve as an independent oracle.
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { isLeft } from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { LinuxI2cBus } from '../../src/bindings/linux/index.js'
import { openI2cBus } from '../../src/bindings/linux/index.js'
import { findI2cAdapter } from './findI2cAdapter.js'

const ok = <E, A>(result: Either<E, A>): A => {
  if (isLeft(result)) throw new Error(`expected Right, got ${JSON.stringify(result.left)}`)
  return result.right
}

const busybox = (...args: string[]): string => execFileSync('busybox', args, { encoding: 'utf8' }).trim()

describe('i2c-stub through the SMBus ioctl', () => {
  const stubBus = findI2cAdapter('SMBus stub driver')
  let bus: LinuxI2cBus

  beforeAll(async () => {
    bus = ok(await openI2cBus(stubBus))
  })
  afterAll(() => bus.close())

  test('the stub has no I2C_FUNC_I2C, so auto mode picks smbus and forcing i2c is refused', async () => {
    expect(bus.mode).toBe('smbus')
    expect(bus.functionality & 1).toBe(0)
    const forced = await openI2cBus(`/dev/i2c-${stubBus}`, { mode: 'i2c' })
    expect(isLeft(forced) && forced.left).toMatchObject({
      _tag: 'BusError',
      detail: expect.stringMatching(/lacks I2C_FUNC_I2C/),
    })
  })

  test('a word written as [command, low, high] reads back in wire order and is 0x1234 to i2cget', async () => {
    ok(await bus.write(0x58, Uint8Array.of(0x21, 0x34, 0x12)))
    expect([...ok(await bus.writeRead(0x58, Uint8Array.of(0x21), 2))]).toEqual([0x34, 0x12])
    expect(busybox('i2cget', '-y', String(stubBus), '0x58', '0x21', 'w')).toBe('0x1234')
  })

  test('a word set by i2cset reads back little-endian through the binding', async () => {
    busybox('i2cset', '-y', String(stubBus), '0x20', '0x06', '0xbeef', 'w')
    expect([...ok(await bus.writeRead(0x20, Uint8Array.of(0x06), 2))]).toEqual([0xef, 0xbe])
  })

  test('byte write and byte read', async () => {
    ok(await bus.write(0x58, Uint8Array.of(0x10, 0xab)))
    expect([...ok(await bus.writeRead(0x58, Uint8Array.of(0x10), 1))]).toEqual([0xab])
    expect(busybox('i2cget', '-y', String(stubBus), '0x58', '0x10', 'b')).toBe('0xab')
  })

  test('block write and block read of 1..32 bytes', async () => {
    for (const length of [1, 3, 8, 32]) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff)
      ok(await bus.write(0x58, Uint8Array.of(0x40, ...data)))
      expect([...ok(await bus.writeRead(0x58, Uint8Array.of(0x40), length))]).toEqual([...data])
    }
  })

  test('the two stub chips are separate devices', async () => {
    ok(await bus.write(0x58, Uint8Array.of(0x30, 0x11)))
    ok(await bus.write(0x20, Uint8Array.of(0x30, 0x22)))
    expect([...ok(await bus.writeRead(0x58, Uint8Array.of(0x30), 1))]).toEqual([0x11])
    expect([...ok(await bus.writeRead(0x20, Uint8Array.of(0x30), 1))]).toEqual([0x22])
  })

  test('transactions issued without awaiting run in call order', async () => {
    const writes = [1, 2, 3, 4, 5].map((value) => bus.write(0x58, Uint8Array.of(0x50, value)))
    const readBack = bus.writeRead(0x58, Uint8Array.of(0x50), 1)
    await Promise.all(writes)
    expect([...ok(await readBack)]).toEqual([5])
  })

  test('an absent address: i2c-stub answers ENODEV, which stays a BusError naming it', async () => {
    const result = await bus.writeRead(0x31, Uint8Array.of(0x79), 2)
    expect(isLeft(result) && result.left).toMatchObject({
      _tag: 'BusError',
      address: 0x31,
      detail: expect.stringMatching(/ENODEV/),
    })
  })

  test('a plain multi-byte read has no SMBus form and is refused, not faked', async () => {
    const result = await bus.read(0x58, 4)
    expect(isLeft(result) && result.left).toMatchObject({
      _tag: 'BusError',
      detail: expect.stringMatching(/plain 4-byte read/),
    })
  })

  test('bad arguments are refused with what was wrong', async () => {
    const result = await bus.write(0x80, Uint8Array.of(1))
    expect(isLeft(result) && result.left).toMatchObject({
      _tag: 'BusError',
      detail: expect.stringMatching(/not a 7-bit I2C address/),
    })
  })
})

describe('i2c-i801 (QEMU q35 SMBus controller)', () => {
  test('an address nobody answers is a NoAck (the controller reports ENXIO)', async () => {
    const bus = ok(await openI2cBus(findI2cAdapter('SMBus I801 adapter')))
    try {
      expect(bus.mode).toBe('smbus')
      const result = await bus.writeRead(0x31, Uint8Array.of(0x79), 2)
      expect(isLeft(result) && result.left).toMatchObject({
        _tag: 'NoAck',
        address: 0x31,
        detail: expect.stringMatching(/ENXIO/),
      })
    } finally {
      await bus.close()
    }
  })
})

describe('closing', () => {
  test('a closed bus refuses transactions', async () => {
    const bus = ok(await openI2cBus(findI2cAdapter('SMBus stub driver')))
    await bus.close()
    const result = await bus.write(0x58, Uint8Array.of(0x10, 1))
    expect(isLeft(result) && result.left).toMatchObject({
      _tag: 'BusError',
      detail: expect.stringMatching(/closed/),
    })
  })

  test('a missing device node is a BusError naming the path', async () => {
    const result = await openI2cBus(97)
    expect(isLeft(result) && result.left).toMatchObject({
      _tag: 'BusError',
      detail: 'cannot open /dev/i2c-97: ENOENT',
    })
  })
})
