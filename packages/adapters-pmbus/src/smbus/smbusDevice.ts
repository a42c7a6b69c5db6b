/**
 * SMBus protocol over the injected I2cTransport for one device: read byte / word / block, write byte /
 * word, send byte. With `pec` on, every write carries a PEC byte and every read fetches and checks one;
 * failures come back as core's CommError, never thrown.
 *
 * Block read: the transport reads a fixed length, so we read count + `maxBlockLength` data bytes (+ PEC)
 * in one combined transaction and use the count byte; bytes after the block are ignored (an idle bus reads
 * 0xFF). A count above `maxBlockLength` is InvalidResponse. The default keeps the whole transfer within 32
 * bytes (31 data bytes without PEC, 30 with), because SMBus-only adapters (i2c-i801, i2c-stub) can do that
 * as an I2C-block read with the same wire form; pass a larger `maxBlockLength` on a full I2C adapter.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import { pec as crc8 } from '../codec/pec.js'
import type { I2cTransport } from './I2cTransport.js'

/** An SMBus device's 7-bit address, whether to use PEC, and the largest block read accepted. */
export interface SmbusDeviceOptions {
  /** 7-bit address. */
  readonly address: number
  /** Generate and verify PEC (only for devices whose CAPABILITY bit 7 says they support it). */
  readonly pec: boolean
  /**
   * Largest block a read accepts (SMBus 2.0 allows 32, PMBus 1.3 up to 255). Default 31 without PEC, 30 with,
   * so one block read is at most 32 bytes on the wire.
   */
  readonly maxBlockLength?: number
}

/** SMBus protocol operations on one device (byte, word and block reads and writes), with optional PEC. */
export interface SmbusDevice {
  readonly address: number
  readonly pec: boolean
  readByte(command: number): Promise<Either<CommError, number>>
  /** Little-endian on the wire. */
  readWord(command: number): Promise<Either<CommError, number>>
  readBlock(command: number): Promise<Either<CommError, Uint8Array>>
  writeByte(command: number, value: number): Promise<Either<CommError, void>>
  writeWord(command: number, value: number): Promise<Either<CommError, void>>
  sendByte(command: number): Promise<Either<CommError, void>>
}

/** Fill in `command` on transport errors that lack it, so every error names what was being done. */
const withCommand = (error: CommError, command: number): CommError =>
  error._tag === 'MuxError' || error.command !== undefined ? error : { ...error, command }

const checkByte = (what: string, value: number, max = 0xff): void => {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`smbusDevice: ${what} must be an integer in 0..0x${max.toString(16)}, got ${value}`)
  }
}

/**
 * Binds SMBus protocol operations to one address on a transport; throws RangeError on a bad address or block
 * length.
 */
export const smbusDevice = (transport: I2cTransport, options: SmbusDeviceOptions): SmbusDevice => {
  const { address, pec } = options
  const maxBlockLength = options.maxBlockLength ?? (pec ? 30 : 31)
  checkByte('address', address, 0x7f)
  checkByte('maxBlockLength', maxBlockLength, 255)
  const writeAddr = (address << 1) & 0xff
  const readAddr = writeAddr | 1

  const invalid = (command: number, detail: string): CommError => ({
    _tag: 'InvalidResponse',
    address,
    command,
    detail,
  })

  /** Combined read: the command byte, repeated START, `length` bytes (PEC byte included when on). */
  const exchange = async (command: number, length: number): Promise<Either<CommError, Uint8Array>> => {
    checkByte('command', command)
    const result = await transport.writeRead(address, Uint8Array.of(command), length)
    if (E.isLeft(result)) return E.left(withCommand(result.left, command))
    if (result.right.length !== length) {
      return E.left(
        invalid(command, `expected ${length} bytes from the transport, got ${result.right.length}`),
      )
    }
    return E.right(result.right)
  }

  /** Checks the PEC byte that follows `data` against the whole exchange; returns `data`. */
  const verifyPec = (command: number, data: Uint8Array, actual: number): Either<CommError, Uint8Array> => {
    const expected = crc8(data, crc8([writeAddr, command, readAddr]))
    return expected === actual
      ? E.right(data)
      : E.left({ _tag: 'PecMismatch', address, command, expected, actual })
  }

  const readFixed = async (command: number, dataLength: number): Promise<Either<CommError, Uint8Array>> => {
    const result = await exchange(command, dataLength + (pec ? 1 : 0))
    if (E.isLeft(result) || !pec) return result
    return verifyPec(command, result.right.subarray(0, dataLength), result.right[dataLength] ?? 0)
  }

  const writeRaw = async (command: number, data: readonly number[]): Promise<Either<CommError, void>> => {
    checkByte('command', command)
    const payload = [command, ...data]
    const bytes = pec ? [...payload, crc8([writeAddr, ...payload])] : payload
    const result = await transport.write(address, Uint8Array.from(bytes))
    return E.isLeft(result) ? E.left(withCommand(result.left, command)) : E.right(undefined)
  }

  return {
    address,
    pec,
    readByte: async (command) => E.map((b: Uint8Array) => b[0] ?? 0)(await readFixed(command, 1)),
    readWord: async (command) =>
      E.map((b: Uint8Array) => (b[0] ?? 0) | ((b[1] ?? 0) << 8))(await readFixed(command, 2)),
    readBlock: async (command) => {
      const result = await exchange(command, 1 + maxBlockLength + (pec ? 1 : 0))
      if (E.isLeft(result)) return result
      const bytes = result.right
      const count = bytes[0] ?? 0
      // Check the count before the PEC: a bad count would otherwise show up as a confusing PEC mismatch.
      if (count > maxBlockLength)
        return E.left(invalid(command, `block length ${count} is outside 0..${maxBlockLength}`))
      if (pec) {
        const checked = verifyPec(command, bytes.subarray(0, 1 + count), bytes[1 + count] ?? 0)
        if (E.isLeft(checked)) return checked
      }
      return E.right(bytes.slice(1, 1 + count))
    },
    writeByte: (command, value) => {
      checkByte('value', value)
      return writeRaw(command, [value])
    },
    writeWord: (command, value) => {
      checkByte('value', value, 0xffff)
      return writeRaw(command, [value & 0xff, value >> 8])
    },
    sendByte: (command) => writeRaw(command, []),
  }
}
