/**
 * Lines of a GPIO controller requested as one set, as a small injected interface.
 * Implementations: ./bindings/linux-gpio (GPIO character device v2), ./mock, the simulator.
 */
import type { Either } from 'fp-ts/lib/Either.js'

export type GpioError =
  | { readonly _tag: 'GpioIoError'; readonly detail: string }
  | { readonly _tag: 'GpioLineNotRequested'; readonly offset: number }

export interface GpioLineValue {
  readonly offset: number
  readonly value: boolean
}

export interface GpioLines {
  /** The line offsets this request holds. */
  readonly offsets: readonly number[]
  /** Set several output lines at once (atomically where the hardware allows: GPIO v2 does). */
  set(values: readonly GpioLineValue[]): Promise<Either<GpioError, void>>
  /** Read the current level of the given lines (outputs read back, inputs sampled). */
  get(offsets: readonly number[]): Promise<Either<GpioError, readonly GpioLineValue[]>>
}

/** An I2C bus segment: structurally identical to @busbar/adapters-pmbus's I2cTransport. */
export interface I2cBus {
  write(address: number, bytes: Uint8Array): Promise<Either<{ readonly _tag: string }, void>>
  read(address: number, length: number): Promise<Either<{ readonly _tag: string }, Uint8Array>>
  writeRead(
    address: number,
    bytes: Uint8Array,
    length: number,
  ): Promise<Either<{ readonly _tag: string }, Uint8Array>>
}
