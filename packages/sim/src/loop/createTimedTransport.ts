/**
 * Decorates an I2C transport so every transaction costs simulated bus time: at f kHz a byte on the
 * wire is 9 bit times (8 data + ACK), plus START and STOP (and a repeated START with its address byte
 * for a combined transfer). At 100 kHz a STATUS_WORD read with PEC is about 0.57 ms, a mux select
 * 0.2 ms: about 0.75 ms per supply, and a full telemetry read about 8 ms, as on a real bus.
 * Before each transaction the world is advanced to the bus's current time, so the device answers
 * with its state at that instant.
 */
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import type { I2cTransport } from '@busbar/adapters-pmbus'

export interface BusClock {
  readonly now: () => number
  /** Advance simulated time (processing physical events on the way). */
  readonly advanceTo: (atMs: number) => void
}

export interface TimedTransport extends I2cTransport {
  /** Total bus time spent so far, ms. */
  readonly busTimeMs: () => number
  /**
   * Run `task` with its transactions free: no bus time, the clock left alone. For the simulator to put
   * the hardware where skipped polls would have left it (which mux channel is selected), not a model.
   */
  readonly untimed: <A>(task: () => Promise<A>) => Promise<A>
}

/** Bit times of one transaction: START + address byte + payload bytes (+ repeated START + address) + STOP. */
export const transactionBits = (written: number, read: number, combined: boolean): number =>
  1 + 9 * (1 + written) + (combined ? 1 + 9 : 0) + 9 * read + 1

export const transactionMs = (kHz: number, written: number, read: number, combined: boolean): number =>
  transactionBits(written, read, combined) / kHz

export const createTimedTransport = (inner: I2cTransport, clock: BusClock, kHz: number): TimedTransport => {
  let spent = 0
  let free = false
  const timed = async <A>(
    written: number,
    read: number,
    combined: boolean,
    run: () => Promise<Either<CommError, A>>,
  ): Promise<Either<CommError, A>> => {
    const result = await run()
    if (free) return result
    const ms = transactionMs(kHz, written, read, combined)
    spent += ms
    clock.advanceTo(clock.now() + ms)
    return result
  }
  return {
    write: (address, bytes) => timed(bytes.length, 0, false, () => inner.write(address, bytes)),
    read: (address, length) => timed(0, length, false, () => inner.read(address, length)),
    writeRead: (address, bytes, length) =>
      timed(bytes.length, length, true, () => inner.writeRead(address, bytes, length)),
    busTimeMs: () => spent,
    untimed: async (task) => {
      free = true
      try {
        return await task()
      } finally {
        free = false
      }
    },
  }
}
