/**
 * Test double / simulator part. A virtual PCA9548 I2C switch: one control byte (bit n connects
 * downstream channel n; several may be on; power-up 0x00). Attach it to an upstream VirtualBus at
 * 0x70..0x77 and attach devices to `channel(n)`. Fault injection: NACK the next N transactions (or all).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import { createVirtualBus, type VirtualBus, type VirtualI2cDevice } from './virtualBus.js'

/** A virtual PCA9548 I2C switch: eight downstream segments, its control byte, reset and NACK injection. */
export interface VirtualPca9548 extends VirtualI2cDevice {
  readonly address: number
  channel(n: number): VirtualBus
  control(): number
  /** Back to the power-up state (control 0x00), as after a reset pulse or power cycle. */
  reset(): void
  /** NACK the next `count` transactions, or every one while `count` is undefined; `null` clears. */
  injectNack(count: number | undefined | null): void
  /** Control bytes written, in order (to check selects and re-selects). */
  readonly writes: readonly number[]
}

/** Creates a virtual PCA9548 at power-up (no channel selected), by default at address 0x70. */
export const createVirtualPca9548 = (address = 0x70): VirtualPca9548 => {
  const channels = Array.from({ length: 8 }, (_, n) =>
    createVirtualBus(`pca9548@0x${address.toString(16)} channel ${n}`),
  )
  let control = 0
  let nack: { remaining: number | undefined } | null = null
  const writes: number[] = []

  const nacked = (): CommError | undefined => {
    if (nack === null) return undefined
    if (nack.remaining !== undefined) {
      nack.remaining--
      if (nack.remaining <= 0) nack = null
    }
    return { _tag: 'NoAck', address, detail: 'injected NACK' }
  }

  return {
    address,
    writes,
    channel: (n) => {
      const bus = channels[n]
      if (bus === undefined) throw new RangeError(`virtual PCA9548 channel must be 0..7, got ${n}`)
      return bus
    },
    control: () => control,
    reset: () => {
      control = 0
    },
    injectNack: (count) => {
      nack = count === null ? null : { remaining: count }
    },
    downstream: () => channels.filter((_, n) => (control >> n) & 1),
    write: (bytes) => {
      const error = nacked()
      if (error !== undefined) return E.left(error)
      // Every byte lands in the control register; the last one wins.
      for (const byte of bytes) {
        control = byte
        writes.push(byte)
      }
      return E.right(undefined)
    },
    read: (length) => {
      const error = nacked()
      return error !== undefined ? E.left(error) : E.right(new Uint8Array(length).fill(control))
    },
    writeRead: (bytes, length) => {
      const error = nacked()
      if (error !== undefined) return E.left(error)
      for (const byte of bytes) {
        control = byte
        writes.push(byte)
      }
      return E.right(new Uint8Array(length).fill(control))
    },
  }
}
