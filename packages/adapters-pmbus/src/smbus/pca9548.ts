/**
 * PCA9548/TCA9548 I2C muxes as decorators of I2cTransport (claim 7): `channel(n)` is a transport for the
 * devices behind channel n. Before each transaction the mux's control byte (bit n = channel n) is written
 * unless its cache says that channel is already selected; any error, from the select or from the
 * transaction behind it, drops the cache so the next transaction selects again (the mux may have reset,
 * or a glitch may have changed its register).
 *
 * Muxes on one segment form a group (`createPca9548Group`): selecting a channel on one first closes every
 * other mux of the group that is not known to be closed, since devices at one address behind two open
 * channels would answer together. The group serialises its transactions, because a select and the
 * transaction after it must not interleave with another channel's. A MuxError names the mux and the
 * channel being opened, or channel -1 when the failing write was closing the mux.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import type { I2cTransport } from './I2cTransport.js'

/**
 * A PCA9548 I2C mux: a transport per channel that selects the channel before each transaction when needed.
 */
export interface Pca9548 {
  readonly address: number
  /** A transport reaching the devices behind channel `channel` (0..7). */
  channel(channel: number): I2cTransport
  /** Writes 0x00 (no channel), e.g. before leaving the bus to another master. */
  deselect(): Promise<Either<CommError, void>>
  /** The control byte we believe the mux holds, or undefined after an error / before the first select. */
  cachedControl(): number | undefined
}

const describe = (e: CommError): string =>
  'detail' in e && e.detail !== undefined ? `${e._tag}: ${e.detail}` : e._tag
const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`

const checkAddress = (address: number): void => {
  if (!Number.isInteger(address) || address < 0 || address > 0x7f) {
    throw new RangeError(`createPca9548: mux address must be a 7-bit address, got ${address}`)
  }
}

/**
 * The muxes of one upstream segment, serialised together, plus a transport with every mux closed (root ARA).
 */
export interface Pca9548Group {
  readonly muxes: ReadonlyMap<number, Pca9548>
  /**
   * The upstream segment alone: each transaction closes every mux first (no write when known closed) and
   * runs in the group's queue, so no channel can open in between. For the root segment's ARA read.
   */
  readonly closed: I2cTransport
}

/** Muxes at `addresses` on one upstream segment, sharing one queue and closing each other. */
export const createPca9548Group = (upstream: I2cTransport, addresses: readonly number[]): Pca9548Group => {
  addresses.forEach(checkAddress)
  if (new Set(addresses).size !== addresses.length)
    throw new RangeError(`createPca9548Group: duplicate mux address in [${addresses.map(hex).join(', ')}]`)
  const cache = new Map<number, number | undefined>(addresses.map((a) => [a, undefined]))
  let queue: Promise<unknown> = Promise.resolve()

  /** Runs `task` after every earlier task of the group has finished. */
  const serialise = <A>(task: () => Promise<A>): Promise<A> => {
    const run = queue.then(task, task)
    queue = run.catch(() => undefined)
    return run
  }

  const writeControl = async (
    mux: number,
    control: number,
    channel: number,
  ): Promise<Either<CommError, void>> => {
    if (cache.get(mux) === control) return E.right(undefined)
    cache.set(mux, undefined)
    const result = await upstream.write(mux, Uint8Array.of(control))
    if (E.isLeft(result)) {
      return E.left({
        _tag: 'MuxError',
        mux,
        channel,
        detail: `writing control ${hex(control)} failed: ${describe(result.left)}`,
      })
    }
    cache.set(mux, control)
    return E.right(undefined)
  }

  const select = async (mux: number, channel: number): Promise<Either<CommError, void>> => {
    for (const other of addresses) {
      if (other === mux) continue
      const closed = await writeControl(other, 0, channel)
      if (E.isLeft(closed)) return closed
    }
    return writeControl(mux, 1 << channel, channel)
  }

  const through = <A>(
    mux: number,
    channel: number,
    transaction: () => Promise<Either<CommError, A>>,
  ): Promise<Either<CommError, A>> =>
    serialise(async () => {
      const selected = await select(mux, channel)
      if (E.isLeft(selected)) return selected
      try {
        const result = await transaction()
        if (E.isLeft(result)) cache.set(mux, undefined)
        return result
      } catch (thrown) {
        cache.set(mux, undefined)
        throw thrown
      }
    })

  const closeAll = async (): Promise<Either<CommError, void>> => {
    for (const mux of addresses) {
      const closed = await writeControl(mux, 0, -1)
      if (E.isLeft(closed)) return closed
    }
    return E.right(undefined)
  }

  const closedThrough = <A>(
    transaction: () => Promise<Either<CommError, A>>,
  ): Promise<Either<CommError, A>> =>
    serialise(async () => {
      const closed = await closeAll()
      return E.isLeft(closed) ? closed : transaction()
    })

  const closed: I2cTransport = {
    write: (address, bytes) => closedThrough(() => upstream.write(address, bytes)),
    read: (address, length) => closedThrough(() => upstream.read(address, length)),
    writeRead: (address, bytes, length) => closedThrough(() => upstream.writeRead(address, bytes, length)),
  }

  const muxes = new Map(
    addresses.map((mux): [number, Pca9548] => [
      mux,
      {
        address: mux,
        channel: (channel) => {
          if (!Number.isInteger(channel) || channel < 0 || channel > 7) {
            throw new RangeError(`createPca9548(${hex(mux)}).channel: channel must be 0..7, got ${channel}`)
          }
          return {
            write: (address, bytes) => through(mux, channel, () => upstream.write(address, bytes)),
            read: (address, length) => through(mux, channel, () => upstream.read(address, length)),
            writeRead: (address, bytes, length) =>
              through(mux, channel, () => upstream.writeRead(address, bytes, length)),
          }
        },
        deselect: () => serialise(() => writeControl(mux, 0, -1)),
        cachedControl: () => cache.get(mux),
      },
    ]),
  )
  return { muxes, closed }
}

/** One mux alone on its segment. */
export const createPca9548 = (upstream: I2cTransport, muxAddress: number): Pca9548 =>
  createPca9548Group(upstream, [muxAddress]).muxes.get(muxAddress) as Pca9548
