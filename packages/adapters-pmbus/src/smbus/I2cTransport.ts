/**
 * The only I/O seam of the PMBus adapter: raw I2C transactions on one bus segment.
 * Addresses are 7-bit. Implementations: ./bindings/linux (i2c-dev), ./mock, the simulator.
 * `@busbar/adapters-gpio` declares a structurally identical interface, so one binding serves both.
 */
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'

/** Raw I2C transactions (write, read, write-then-read) that return `CommError` values instead of throwing. */
export interface I2cTransport {
  /** One write transaction: START, address+W, bytes, STOP. */
  write(address: number, bytes: Uint8Array): Promise<Either<CommError, void>>
  /** One read transaction: START, address+R, `length` bytes, STOP. */
  read(address: number, length: number): Promise<Either<CommError, Uint8Array>>
  /** Combined transaction: write `bytes`, repeated START, read `length` bytes, STOP. */
  writeRead(address: number, bytes: Uint8Array, length: number): Promise<Either<CommError, Uint8Array>>
}
