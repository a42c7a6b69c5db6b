import { describe, expect, test } from 'vitest'
import { isLeft, isRight } from 'fp-ts/lib/Either.js'
import type { SmbusTransfer } from '../../src/bindings/linux/smbusFallback.js'
import {
  encodeSmbusIoctlData,
  i2cFunc,
  planSmbusTransfer,
  smbusResultBytes,
  smbusSize,
} from '../../src/bindings/linux/smbusFallback.js'

// i2c-stub's functionality: quick, byte, byte data, word data, I2C block (no I2C_FUNC_I2C).
const stub =
  i2cFunc.quick |
  i2cFunc.readByte |
  i2cFunc.writeByte |
  i2cFunc.readByteData |
  i2cFunc.writeByteData |
  i2cFunc.readWordData |
  i2cFunc.writeWordData |
  i2cFunc.readI2cBlock |
  i2cFunc.writeI2cBlock

const planned = (result: ReturnType<typeof planSmbusTransfer>): SmbusTransfer => {
  if (isLeft(result)) throw new Error(result.left)
  return result.right
}

describe('planSmbusTransfer', () => {
  test('a 3-byte write is a word write with the two data bytes in wire (little-endian) order', () => {
    const p = planned(planSmbusTransfer({ _tag: 'Write', bytes: Uint8Array.of(0x21, 0x34, 0x12) }, stub))
    expect(p).toMatchObject({ readWrite: 0, command: 0x21, size: smbusSize.wordData, resultLength: 0 })
    expect([...p.data.slice(0, 2)]).toEqual([0x34, 0x12])
  })

  test('command-only, byte and block writes', () => {
    expect(planned(planSmbusTransfer({ _tag: 'Write', bytes: Uint8Array.of(0x03) }, stub))).toMatchObject({
      size: smbusSize.byte,
      command: 3,
    })
    const byte = planned(planSmbusTransfer({ _tag: 'Write', bytes: Uint8Array.of(0x01, 0x80) }, stub))
    expect(byte).toMatchObject({ size: smbusSize.byteData, command: 1 })
    expect(byte.data[0]).toBe(0x80)
    const block = planned(planSmbusTransfer({ _tag: 'Write', bytes: Uint8Array.of(0x9e, 1, 2, 3, 4) }, stub))
    expect(block).toMatchObject({ size: smbusSize.i2cBlockData, command: 0x9e })
    expect([...block.data.slice(0, 5)]).toEqual([4, 1, 2, 3, 4])
  })

  test('reads after a command: byte, word, and I2C block of any length up to 32', () => {
    expect(
      planned(planSmbusTransfer({ _tag: 'WriteRead', bytes: Uint8Array.of(0x78), length: 1 }, stub)),
    ).toMatchObject({ readWrite: 1, size: smbusSize.byteData })
    expect(
      planned(planSmbusTransfer({ _tag: 'WriteRead', bytes: Uint8Array.of(0x79), length: 2 }, stub)),
    ).toMatchObject({ size: smbusSize.wordData })
    const pec = planned(planSmbusTransfer({ _tag: 'WriteRead', bytes: Uint8Array.of(0x79), length: 3 }, stub))
    expect(pec).toMatchObject({ size: smbusSize.i2cBlockData, resultLength: 3 })
    expect(pec.data[0]).toBe(3)
  })

  test('transactions without a wire-identical SMBus form are refused with the reason', () => {
    const longRead = planSmbusTransfer({ _tag: 'Read', length: 4 }, stub)
    expect(isLeft(longRead) && longRead.left).toMatch(/plain 4-byte read/)
    const twoCommandBytes = planSmbusTransfer(
      { _tag: 'WriteRead', bytes: Uint8Array.of(1, 2), length: 2 },
      stub,
    )
    expect(isLeft(twoCommandBytes) && twoCommandBytes.left).toMatch(/2-byte write before a repeated start/)
    const tooLong = planSmbusTransfer({ _tag: 'WriteRead', bytes: Uint8Array.of(1), length: 33 }, stub)
    expect(isLeft(tooLong) && tooLong.left).toMatch(/at most 32 bytes/)
    const noWord = planSmbusTransfer(
      { _tag: 'WriteRead', bytes: Uint8Array.of(1), length: 2 },
      i2cFunc.readByteData,
    )
    expect(isLeft(noWord)).toBe(true)
  })

  test('the I2C block result is checked against the length asked for', () => {
    const p = planned(planSmbusTransfer({ _tag: 'WriteRead', bytes: Uint8Array.of(0x9a), length: 3 }, stub))
    const data = new Uint8Array(34)
    data.set([3, 0xaa, 0xbb, 0xcc])
    const ok = smbusResultBytes(p, data)
    expect(isRight(ok) && [...ok.right]).toEqual([0xaa, 0xbb, 0xcc])
    data[0] = 2
    expect(isLeft(smbusResultBytes(p, data))).toBe(true)
  })

  test('struct i2c_smbus_ioctl_data: read_write at 0, command at 1, size at 4, data pointer at 8', () => {
    const p = planned(planSmbusTransfer({ _tag: 'WriteRead', bytes: Uint8Array.of(0x8b), length: 2 }, stub))
    expect([...encodeSmbusIoctlData(p, 0x0102030405060708n)]).toEqual([
      1, 0x8b, 0, 0, 3, 0, 0, 0, 8, 7, 6, 5, 4, 3, 2, 1,
    ])
  })
})
