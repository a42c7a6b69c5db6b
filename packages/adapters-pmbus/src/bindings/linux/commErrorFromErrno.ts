/**
 * Pure. A failed i2c-dev ioctl's errno in, core's CommError out.
 * Follows the kernel's Documentation/i2c/fault-codes.rst: ENXIO (SMBus adapters) and EREMOTEIO
 * (I2C adapters) mean the address or a data byte was not acknowledged; ETIMEDOUT means the transfer
 * timed out (clock stretching, stuck bus, or an adapter such as hid-cp2112 that reports NACK this way).
 * Everything else is a BusError that names the errno, so nothing is silently retried as a NACK.
 */
import type { CommError } from '@busbar/core'
import { errnoName, linuxErrno } from './linuxErrno.js'

/**
 * Pure. Maps a failed i2c-dev ioctl's errno to core's `CommError` (ENXIO/EREMOTEIO: NoAck, ETIMEDOUT:
 * Timeout, else BusError).
 */
export const commErrorFromErrno = (errno: number, address: number, operation: string): CommError => {
  const detail = `${operation} at 0x${address.toString(16).padStart(2, '0')}: ${errnoName(errno)}`
  switch (errno) {
    case linuxErrno.ENXIO:
    case linuxErrno.EREMOTEIO:
      return { _tag: 'NoAck', address, detail }
    case linuxErrno.ETIMEDOUT:
      return { _tag: 'Timeout', address, detail }
    default:
      return { _tag: 'BusError', address, detail: `${detail} (errno ${errno})` }
  }
}
