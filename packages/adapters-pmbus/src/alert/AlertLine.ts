/**
 * The SMBALERT# line as a small injected interface: an open-drain, active-low GPIO input with edge
 * events. Implementations: the Linux GPIO v2 binding of @busbar/adapters-gpio, the mock, the simulator.
 */
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'

/**
 * The SMBALERT# input as the alert handler sees it: sample it, or hear each assertion with its time in ms.
 */
export interface AlertLine {
  /** Whether some device is holding the line asserted (low) now. */
  isAsserted(): Promise<Either<CommError, boolean>>
  /** Calls `listener` on every assertion (falling edge) with the edge time in ms; returns unsubscribe. */
  onAssert(listener: (atMs: number) => void): () => void
}
