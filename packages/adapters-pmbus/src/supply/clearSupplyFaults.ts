/**
 * CLEAR_FAULTS done safely: snapshot every status register first (STATUS_WORD and each detail register
 * the profile lists), then send CLEAR_FAULTS. If the snapshot fails nothing is cleared (the latched bits
 * are the only record); if the clear itself fails the snapshot is still returned with the error.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError, StatusRegisters } from '@busbar/core'
import { PmbusCommand as C } from '../codec/commands.js'
import type { I2cTransport } from '../smbus/I2cTransport.js'
import { smbusDevice } from '../smbus/smbusDevice.js'
import { readStatus } from './readStatus.js'
import type { SupplyProfile } from './SupplyProfile.js'

/** The status snapshot taken before CLEAR_FAULTS, and whether the clear itself succeeded. */
export type ClearFaultsResult =
  | { readonly _tag: 'Cleared'; readonly snapshot: StatusRegisters }
  | { readonly _tag: 'ClearFailed'; readonly snapshot: StatusRegisters; readonly error: CommError }

/** I/O. Snapshots every status register, then sends CLEAR_FAULTS; clears nothing if the snapshot fails. */
export const clearSupplyFaults = async (
  transport: I2cTransport,
  profile: SupplyProfile,
): Promise<Either<CommError, ClearFaultsResult>> => {
  const dev = smbusDevice(transport, { address: profile.address, pec: profile.pec })
  const snapshot = await readStatus(dev, 'all', profile.statusRegisters)
  if (E.isLeft(snapshot)) return snapshot
  const cleared = await dev.sendByte(C.CLEAR_FAULTS)
  return E.right(
    E.isLeft(cleared)
      ? { _tag: 'ClearFailed', snapshot: snapshot.right, error: cleared.left }
      : { _tag: 'Cleared', snapshot: snapshot.right },
  )
}
