/**
 * I/O. An I2cTransport over a Linux i2c-dev node (/dev/i2c-N): raw write, read and write-then-read
 * with a repeated start through ioctl I2C_RDWR. Adapters without I2C_FUNC_I2C (SMBus-only
 * controllers) get the wire-identical I2C_SMBUS ioctl instead (see smbusFallback.ts). The binding
 * stays raw: PEC, retries and PMBus meaning live above it. Transactions on one bus run one at a time
 * in call order (a mux selection must not be overtaken), each on koffi's worker pool.
 */
import type { Either } from 'fp-ts/lib/Either.js'
import { isLeft, left, right } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import type { I2cTransport } from '../../smbus/I2cTransport.js'
import { commErrorFromErrno } from './commErrorFromErrno.js'
import { errnoName } from './linuxErrno.js'
import type { I2cMessage } from './i2cRdwrLayout.js'
import {
  encodeI2cMessages,
  encodeRdwrIoctlData,
  I2C_MESSAGE_MAX_LENGTH,
  I2C_MSG_SIZE,
  I2C_RDWR,
  I2C_RDWR_DATA_SIZE,
} from './i2cRdwrLayout.js'
import type { Libc } from './libc.js'
import { loadLibc, O_CLOEXEC, O_RDWR } from './libc.js'
import type { RawTransfer } from './smbusFallback.js'
import {
  encodeSmbusIoctlData,
  I2C_FUNCS,
  I2C_SLAVE,
  I2C_SMBUS,
  i2cFunc,
  planSmbusTransfer,
  SMBUS_DATA_SIZE,
  SMBUS_IOCTL_DATA_SIZE,
  smbusResultBytes,
} from './smbusFallback.js'

/** How transactions reach the adapter: raw I2C_RDWR, or SMBus ioctls for SMBus-only adapters. */
export type I2cBusMode = 'i2c' | 'smbus'

/**
 * How to drive the adapter: raw I2C_RDWR (`i2c`), the SMBus ioctl (`smbus`), or whichever it supports
 * (`auto`).
 */
export interface OpenI2cBusOptions {
  /** 'auto' (default) picks 'i2c' when the adapter reports I2C_FUNC_I2C, else 'smbus'. */
  readonly mode?: 'auto' | I2cBusMode
}

/**
 * An `I2cTransport` on an open /dev/i2c-N node, with the mode in use and the adapter's functionality mask.
 */
export interface LinuxI2cBus extends I2cTransport {
  readonly path: string
  readonly mode: I2cBusMode
  /** The adapter's I2C_FUNCS mask (low 32 bits). */
  readonly functionality: number
  /** Waits for queued transactions, then closes the device; later calls return a BusError. */
  close(): Promise<void>
}

const busError = (detail: string, address?: number): CommError =>
  address === undefined ? { _tag: 'BusError', detail } : { _tag: 'BusError', address, detail }

const checkAddress = (address: number): CommError | undefined =>
  Number.isInteger(address) && address >= 0 && address <= 0x7f
    ? undefined
    : busError(`address ${String(address)} is not a 7-bit I2C address (0..0x7f)`)

const checkLength = (what: string, length: number, min: number): CommError | undefined =>
  Number.isInteger(length) && length >= min && length <= I2C_MESSAGE_MAX_LENGTH
    ? undefined
    : busError(`${what} ${String(length)} is outside ${min}..${I2C_MESSAGE_MAX_LENGTH}`)

const devicePath = (bus: number | string): Either<CommError, string> => {
  if (typeof bus === 'number') {
    return Number.isInteger(bus) && bus >= 0
      ? right(`/dev/i2c-${bus}`)
      : left(busError(`bus number ${String(bus)} must be a non-negative integer`))
  }
  return bus.length > 0 ? right(bus) : left(busError('bus path must not be empty'))
}

/** Opens /dev/i2c-N (or the given path) and reads the adapter's functionality. */
export const openI2cBus = async (
  bus: number | string,
  options: OpenI2cBusOptions = {},
): Promise<Either<CommError, LinuxI2cBus>> => {
  const path = devicePath(bus)
  if (isLeft(path)) return path
  const libc = await loadLibc()
  const opened = libc.open(path.right, O_RDWR | O_CLOEXEC)
  if (opened.result < 0) return left(busError(`cannot open ${path.right}: ${errnoName(opened.errno)}`))
  const fd = opened.result

  const funcs = libc.alloc(8)
  const asked = libc.ioctlPointer(fd, I2C_FUNCS, funcs)
  const functionality = new DataView(funcs.bytes.buffer, funcs.bytes.byteOffset, 8).getUint32(0, true)
  funcs.free()
  if (asked.result < 0) {
    libc.close(fd)
    return left(busError(`${path.right} is not an i2c-dev node (I2C_FUNCS: ${errnoName(asked.errno)})`))
  }
  const canI2c = (functionality & i2cFunc.i2c) !== 0
  const wanted = options.mode ?? 'auto'
  if (wanted === 'i2c' && !canI2c) {
    libc.close(fd)
    return left(
      busError(
        `${path.right}: the adapter lacks I2C_FUNC_I2C, so I2C_RDWR is unavailable (use mode 'smbus')`,
      ),
    )
  }
  const mode: I2cBusMode = wanted === 'auto' ? (canI2c ? 'i2c' : 'smbus') : wanted
  return right(makeBus(libc, fd, path.right, mode, functionality))
}

const makeBus = (
  libc: Libc,
  fd: number,
  path: string,
  mode: I2cBusMode,
  functionality: number,
): LinuxI2cBus => {
  let closed = false
  let tail: Promise<unknown> = Promise.resolve()
  let slaveAddress = -1

  const serially = <A>(task: () => Promise<A>): Promise<A> => {
    const run = tail.then(task, task)
    tail = run.catch(() => undefined)
    return run
  }

  const rdwr = async (
    address: number,
    transfer: RawTransfer,
    operation: string,
  ): Promise<Either<CommError, Uint8Array>> => {
    const writeBytes = transfer._tag === 'Read' ? new Uint8Array(0) : transfer.bytes
    const readLength = transfer._tag === 'Write' ? 0 : transfer.length
    const parts = [
      ...(transfer._tag === 'Read' ? [] : [{ read: false, length: writeBytes.length }]),
      ...(transfer._tag === 'Write' ? [] : [{ read: true, length: readLength }]),
    ]
    const messagesAt = I2C_RDWR_DATA_SIZE
    const dataAt = messagesAt + parts.length * I2C_MSG_SIZE
    const block = libc.alloc(dataAt + writeBytes.length + readLength)
    try {
      let offset = dataAt
      const messages: I2cMessage[] = parts.map((part) => {
        const message = {
          address,
          read: part.read,
          length: part.length,
          bufferAddress: block.address + BigInt(offset),
        }
        offset += part.length
        return message
      })
      block.bytes.set(encodeRdwrIoctlData(block.address + BigInt(messagesAt), messages.length), 0)
      block.bytes.set(encodeI2cMessages(messages), messagesAt)
      block.bytes.set(writeBytes, dataAt)
      const outcome = await libc.ioctlPointerAsync(fd, I2C_RDWR, block)
      if (outcome.result < 0) return left(commErrorFromErrno(outcome.errno, address, operation))
      if (outcome.result !== messages.length) {
        return left(
          busError(
            `${operation}: the adapter completed ${outcome.result} of ${messages.length} messages`,
            address,
          ),
        )
      }
      const readAt = dataAt + writeBytes.length
      return right(block.bytes.slice(readAt, readAt + readLength))
    } finally {
      block.free()
    }
  }

  const smbus = async (
    address: number,
    transfer: RawTransfer,
    operation: string,
  ): Promise<Either<CommError, Uint8Array>> => {
    const planned = planSmbusTransfer(transfer, functionality)
    if (isLeft(planned)) return left(busError(`${operation} on SMBus-only ${path}: ${planned.left}`, address))
    if (slaveAddress !== address) {
      const selected = libc.ioctlValue(fd, I2C_SLAVE, address)
      if (selected.result < 0) {
        return left(
          busError(
            `${operation}: cannot address 0x${address.toString(16)} (I2C_SLAVE: ${errnoName(selected.errno)}${
              selected.errno === 16 ? ', a kernel driver owns it' : ''
            })`,
            address,
          ),
        )
      }
      slaveAddress = address
    }
    const block = libc.alloc(SMBUS_IOCTL_DATA_SIZE + SMBUS_DATA_SIZE)
    try {
      block.bytes.set(encodeSmbusIoctlData(planned.right, block.address + BigInt(SMBUS_IOCTL_DATA_SIZE)), 0)
      block.bytes.set(planned.right.data, SMBUS_IOCTL_DATA_SIZE)
      const outcome = await libc.ioctlPointerAsync(fd, I2C_SMBUS, block)
      if (outcome.result < 0) return left(commErrorFromErrno(outcome.errno, address, operation))
      const result = smbusResultBytes(planned.right, block.bytes.slice(SMBUS_IOCTL_DATA_SIZE))
      return isLeft(result) ? left(busError(`${operation}: ${result.left}`, address)) : right(result.right)
    } finally {
      block.free()
    }
  }

  const transact = (
    address: number,
    transfer: RawTransfer,
    operation: string,
  ): Promise<Either<CommError, Uint8Array>> => {
    const invalid =
      checkAddress(address) ??
      (transfer._tag === 'Read'
        ? undefined
        : checkLength(`${operation} byte count`, transfer.bytes.length, transfer._tag === 'Write' ? 0 : 1)) ??
      (transfer._tag === 'Write' ? undefined : checkLength(`${operation} length`, transfer.length, 1))
    if (invalid) return Promise.resolve(left(invalid))
    return serially(async () => {
      if (closed) return left(busError(`${operation}: ${path} is closed`, address))
      return mode === 'i2c' ? rdwr(address, transfer, operation) : smbus(address, transfer, operation)
    })
  }

  return {
    path,
    mode,
    functionality,
    write: async (address, bytes) => {
      const result = await transact(address, { _tag: 'Write', bytes }, 'write')
      return isLeft(result) ? result : right(undefined)
    },
    read: (address, length) => transact(address, { _tag: 'Read', length }, 'read'),
    writeRead: (address, bytes, length) =>
      transact(address, { _tag: 'WriteRead', bytes, length }, 'write-read'),
    close: () =>
      serially(async () => {
        if (closed) return
        closed = true
        libc.close(fd)
      }),
  }
}
