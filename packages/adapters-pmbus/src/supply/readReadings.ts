/**
 * Read a supply's telemetry: READ_VIN, READ_IIN, READ_VOUT (by VOUT_MODE: LINEAR16, DIRECT...), READ_IOUT,
 * READ_POUT, READ_PIN, READ_TEMPERATURE_1, READ_FAN_SPEED_1 (LINEAR11 except VOUT), in SI units.
 * The first failed read fails the whole visit: a half-read sample would look like a supply reporting zeros.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError, SupplyReadings } from '@busbar/core'
import { PmbusCommand as C } from '../codec/commands.js'
import { decodeLinear11 } from '../codec/linear11.js'
import { decodeVout } from '../codec/decodeVout.js'
import type { SmbusDevice } from '../smbus/smbusDevice.js'
import { allReadings, type ReadingName, type SupplyProfile } from './SupplyProfile.js'

const commandOf: Readonly<Record<ReadingName, number>> = {
  vinV: C.READ_VIN,
  iinA: C.READ_IIN,
  voutV: C.READ_VOUT,
  ioutA: C.READ_IOUT,
  poutW: C.READ_POUT,
  pinW: C.READ_PIN,
  temperatureC: C.READ_TEMPERATURE_1,
  fanRpm: C.READ_FAN_SPEED_1,
}

/**
 * I/O. Reads the profile's READ_* values in SI units (V, A, W, °C, rpm); the first failed read fails the
 * visit.
 */
export const readReadings = async (
  dev: SmbusDevice,
  profile: SupplyProfile,
): Promise<Either<CommError, SupplyReadings>> => {
  const readings: Record<string, number> = {}
  for (const name of profile.readings ?? allReadings) {
    const command = commandOf[name]
    const raw = await dev.readWord(command)
    if (E.isLeft(raw)) return raw
    if (name === 'voutV') {
      const volts = decodeVout(raw.right, profile.voutMode, profile.voutDirect)
      if (E.isLeft(volts))
        return E.left({ _tag: 'InvalidResponse', address: dev.address, command, detail: volts.left.detail })
      readings[name] = volts.right
    } else {
      readings[name] = decodeLinear11(raw.right)
    }
  }
  return E.right(readings)
}
