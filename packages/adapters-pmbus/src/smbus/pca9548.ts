/**
 * A PCA9548/TCA9548 I2C mux as a decorator of I2cTransport (claim 7): `channel(n)` is a transport
 * for the devices behind channel n. Before each transaction it writes the control byte (bit n = channel n)
 * unless its cache says that channel is already selected; any error, from the select or from the
 * transaction behind it, drops the cache so the next transaction selects again (the mux may have reset,
 * or a glitch may have changed its register). Transactions through one mux are serialised, because a
 * select and the transaction after it must not interleave with another channel's.
 *
 * Several muxes on one segment: each caches only itself; with channels of two muxes enabled at once,
 * devices at the same address behind both would collide. Use distinct addresses or one mux per segment.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import type { I2cTransport } from './I2cTransport.js'

export interface Pca9548 {
  readonly address: number
  /** A transport reaching the devices behind channel `channel` (0..7). */
  channel(channel: number): I2cTransport
  /** Writes 0x00 (no channel), e.g. before leaving the bus to another master. */
  deselect(): Promise<Either<CommError, void>>
  /** The control byte we believe the mux holds, or undefined after an error / before the first select. */
  cachedControl(): number | undefined
}

const describe = (e: CommError): string => ('detail' in e && e.detail !== undefined ? `${e._tag}: ${e.detail}` : e._tag)

export const createPca9548 = (upstream: I2cTransport, muxAddress: number): Pca9548 => {
  if (!Number.isInteger(muxAddress) || muxAddress < 0 || muxAddress > 0x7f) {
    throw new RangeError(`createPca9548: muxAddress must be a 7-bit address, got ${muxAddress}`)
  }
  let cached: number | undefined
  let queue: Promise<unknown> = Promise.resolve()

  /** Runs `task` after every earlier task through this mux has finished. */
  const serialise = <A>(task: () => Promise<A>): Promise<A> => {
    const run = queue.then(task, task)
    queue = run.catch(() => undefined)
    return run
  }

  const writeControl = async (control: number, channel: number): Promise<Either<CommError, void>> => {
    if (cached === control) return E.right(undefined)
    cached = undefined
    const result = await upstream.write(muxAddress, Uint8Array.of(control))
    if (E.isLeft(result)) {
      return E.left({ _tag: 'MuxError', mux: muxAddress, channel, detail: `selecting control 0x${control.toString(16).padStart(2, '0')} failed: ${describe(result.left)}` })
    }
    cached = control
    return E.right(undefined)
  }

  const through = <A>(channel: number, transaction: () => Promise<Either<CommError, A>>): Promise<Either<CommError, A>> =>
    serialise(async () => {
      const selected = await writeControl(1 << channel, channel)
      if (E.isLeft(selected)) return selected
      try {
        const result = await transaction()
        if (E.isLeft(result)) cached = undefined
        return result
      } catch (thrown) {
        cached = undefined
        throw thrown
      }
    })

  return {
    address: muxAddress,
    channel: (channel) => {
      if (!Number.isInteger(channel) || channel < 0 || channel > 7) {
        throw new RangeError(`createPca9548(0x${muxAddress.toString(16)}).channel: channel must be 0..7, got ${channel}`)
      }
      return {
        write: (address, bytes) => through(channel, () => upstream.write(address, bytes)),
        read: (address, length) => through(channel, () => upstream.read(address, length)),
        writeRead: (address, bytes, length) => through(channel, () => upstream.writeRead(address, bytes, length)),
      }
    },
    deselect: () => serialise(() => writeControl(0, -1)),
    cachedControl: () => cached,
  }
}
