/**
 * Pure. Raw I2C transactions in, the equivalent i2c-dev I2C_SMBUS ioctl out, for adapters that only
 * speak SMBus (i2c-i801, i2c-piix4, i2c-stub have no I2C_FUNC_I2C, so I2C_RDWR fails on them).
 * Only transactions with an identical wire form are translated: the bytes on the bus are the same
 * as the raw transaction's, so software PEC computed above this layer stays valid. Anything else
 * (a plain multi-byte read, a multi-byte write before a repeated start) is refused with a reason.
 *
 * Layout (linux/i2c-dev.h, 64-bit): struct i2c_smbus_ioctl_data { __u8 read_write; __u8 command;
 * __u32 size; union i2c_smbus_data *data; } = 16 bytes (size at 4, data at 8); the union is 34 bytes
 * (byte, little-endian word, or block[0] = length followed by the bytes).
 */
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'

export const I2C_SMBUS = 0x0720
export const I2C_SLAVE = 0x0703
export const I2C_FUNCS = 0x0705
export const SMBUS_IOCTL_DATA_SIZE = 16
export const SMBUS_DATA_SIZE = 34
export const SMBUS_BLOCK_MAX = 32

export const smbusRead = 1
export const smbusWrite = 0

export const smbusSize = { quick: 0, byte: 1, byteData: 2, wordData: 3, i2cBlockData: 8 } as const

export const i2cFunc = {
  i2c: 0x00000001,
  quick: 0x00010000,
  readByte: 0x00020000,
  writeByte: 0x00040000,
  readByteData: 0x00080000,
  writeByteData: 0x00100000,
  readWordData: 0x00200000,
  writeWordData: 0x00400000,
  readI2cBlock: 0x04000000,
  writeI2cBlock: 0x08000000,
} as const

export type RawTransfer =
  | { readonly _tag: 'Write'; readonly bytes: Uint8Array }
  | { readonly _tag: 'Read'; readonly length: number }
  | { readonly _tag: 'WriteRead'; readonly bytes: Uint8Array; readonly length: number }

export interface SmbusTransfer {
  readonly readWrite: typeof smbusRead | typeof smbusWrite
  readonly command: number
  readonly size: number
  /** The 34-byte union i2c_smbus_data to pass in. */
  readonly data: Uint8Array
  /** How many bytes the raw transaction returns (0 for writes). */
  readonly resultLength: number
}

const has = (functionality: number, bit: number): boolean => (functionality & bit) !== 0

const plan = (
  readWrite: 0 | 1,
  command: number,
  size: number,
  data: Uint8Array,
  resultLength: number,
): SmbusTransfer => ({ readWrite, command, size, data, resultLength })

const blockData = (bytes: Uint8Array): Uint8Array => {
  const data = new Uint8Array(SMBUS_DATA_SIZE)
  data[0] = bytes.length
  data.set(bytes, 1)
  return data
}

const lengthOnly = (length: number): Uint8Array => {
  const data = new Uint8Array(SMBUS_DATA_SIZE)
  data[0] = length
  return data
}

/** The SMBus ioctl with the same wire form as `transfer`, or why there is none on this adapter. */
export const planSmbusTransfer = (
  transfer: RawTransfer,
  functionality: number,
): Either<string, SmbusTransfer> => {
  const refuse = (what: string, needs: string): Either<string, SmbusTransfer> =>
    left(`${what} has no SMBus equivalent this adapter supports (needs ${needs})`)
  switch (transfer._tag) {
    case 'Write': {
      const [command, ...rest] = transfer.bytes
      const n = transfer.bytes.length
      if (command === undefined) {
        return has(functionality, i2cFunc.quick)
          ? right(plan(smbusWrite, 0, smbusSize.quick, new Uint8Array(SMBUS_DATA_SIZE), 0))
          : refuse('an empty write', 'I2C_FUNC_SMBUS_QUICK')
      }
      if (n === 1 && has(functionality, i2cFunc.writeByte)) {
        return right(plan(smbusWrite, command, smbusSize.byte, new Uint8Array(SMBUS_DATA_SIZE), 0))
      }
      if (n === 2 && has(functionality, i2cFunc.writeByteData)) {
        const data = new Uint8Array(SMBUS_DATA_SIZE)
        data[0] = rest[0]! // the union's __u8 byte
        return right(plan(smbusWrite, command, smbusSize.byteData, data, 0))
      }
      if (n === 3 && has(functionality, i2cFunc.writeWordData)) {
        const data = new Uint8Array(SMBUS_DATA_SIZE)
        data[0] = rest[0]! // the union's __u16 word, little-endian like the wire
        data[1] = rest[1]!
        return right(plan(smbusWrite, command, smbusSize.wordData, data, 0))
      }
      if (n >= 2 && n - 1 <= SMBUS_BLOCK_MAX && has(functionality, i2cFunc.writeI2cBlock)) {
        return right(plan(smbusWrite, command, smbusSize.i2cBlockData, blockData(Uint8Array.from(rest)), 0))
      }
      return refuse(
        `a ${n}-byte write`,
        n - 1 > SMBUS_BLOCK_MAX
          ? `at most ${SMBUS_BLOCK_MAX + 1} bytes`
          : 'a byte/word/I2C-block write function',
      )
    }
    case 'Read': {
      if (transfer.length === 1 && has(functionality, i2cFunc.readByte)) {
        return right(plan(smbusRead, 0, smbusSize.byte, new Uint8Array(SMBUS_DATA_SIZE), 1))
      }
      return refuse(`a plain ${transfer.length}-byte read`, 'I2C_FUNC_I2C for reads longer than one byte')
    }
    case 'WriteRead': {
      const n = transfer.length
      const command = transfer.bytes[0]
      if (transfer.bytes.length !== 1 || command === undefined) {
        return refuse(
          `a ${transfer.bytes.length}-byte write before a repeated start`,
          'exactly one command byte',
        )
      }
      if (n === 1 && has(functionality, i2cFunc.readByteData)) {
        return right(plan(smbusRead, command, smbusSize.byteData, new Uint8Array(SMBUS_DATA_SIZE), 1))
      }
      if (n === 2 && has(functionality, i2cFunc.readWordData)) {
        return right(plan(smbusRead, command, smbusSize.wordData, new Uint8Array(SMBUS_DATA_SIZE), 2))
      }
      if (n >= 1 && n <= SMBUS_BLOCK_MAX && has(functionality, i2cFunc.readI2cBlock)) {
        return right(plan(smbusRead, command, smbusSize.i2cBlockData, lengthOnly(n), n))
      }
      return refuse(
        `a ${n}-byte read after a command`,
        n > SMBUS_BLOCK_MAX ? `at most ${SMBUS_BLOCK_MAX} bytes` : 'a byte/word/I2C-block read function',
      )
    }
  }
}

/** The raw bytes a read returned, taken from the union the kernel filled in. */
export const smbusResultBytes = (transfer: SmbusTransfer, data: Uint8Array): Either<string, Uint8Array> => {
  if (transfer.resultLength === 0) return right(new Uint8Array(0))
  if (transfer.size === smbusSize.i2cBlockData) {
    const got = data[0] ?? 0
    return got === transfer.resultLength
      ? right(data.slice(1, 1 + got))
      : left(`I2C block read returned ${got} bytes, wanted ${transfer.resultLength}`)
  }
  // byte: union byte at 0; word: union __u16 at 0, little-endian, already in wire order.
  return right(data.slice(0, transfer.resultLength))
}

/** The 16-byte struct i2c_smbus_ioctl_data pointing at the union stored at `dataAddress`. */
export const encodeSmbusIoctlData = (transfer: SmbusTransfer, dataAddress: bigint): Uint8Array => {
  const bytes = new Uint8Array(SMBUS_IOCTL_DATA_SIZE)
  const view = new DataView(bytes.buffer)
  view.setUint8(0, transfer.readWrite)
  view.setUint8(1, transfer.command)
  view.setUint32(4, transfer.size, true)
  view.setBigUint64(8, dataAddress, true)
  return bytes
}
