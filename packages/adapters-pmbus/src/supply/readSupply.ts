/**
 * One visit to one supply: status (fast path) always, READ_* telemetry in 'full' mode, as core's
 * TelemetrySample. `atMs` is the injected clock at the start of the visit. Errors are CommError values.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError, TelemetrySample } from '@busbar/core'
import type { I2cTransport } from '../smbus/I2cTransport.js'
import { smbusDevice } from '../smbus/smbusDevice.js'
import { readReadings } from './readReadings.js'
import { readStatus } from './readStatus.js'
import type { SupplyProfile } from './SupplyProfile.js'

/** What a visit reads: status only (`status`), or status plus every READ_* value (`full`). */
export type ReadMode = 'status' | 'full'

/** I/O. One visit to one supply: its status, plus telemetry in `full` mode, as core's `TelemetrySample`. */
export const readSupply = async (
  transport: I2cTransport,
  profile: SupplyProfile,
  supply: string,
  mode: ReadMode,
  nowMs: () => number,
): Promise<Either<CommError, TelemetrySample>> => {
  const atMs = nowMs()
  const dev = smbusDevice(transport, { address: profile.address, pec: profile.pec })
  const status = await readStatus(dev, 'flagged', profile.statusRegisters)
  if (E.isLeft(status)) return status
  if (mode === 'status') return E.right({ supply, atMs, status: status.right, readings: {} })
  const readings = await readReadings(dev, profile)
  if (E.isLeft(readings)) return readings
  return E.right({ supply, atMs, status: status.right, readings: readings.right })
}
