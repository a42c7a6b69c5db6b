/**
 * Identify a supply: CAPABILITY (read without PEC, since we do not know yet; a NACK means a PMBus 1.0
 * part without it, so no PEC), then with PEC if the part supports it: VOUT_MODE, MFR_ID, MFR_MODEL, MFR_SERIAL (block reads) and MFR_POUT_MAX (LINEAR11, the
 * supply's wattage, as capacityW). MFR strings lose trailing spaces and NULs (parts pad them).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import { CAPABILITY_PEC, CAPABILITY_SMBALERT, PmbusCommand as C } from '../codec/commands.js'
import { decodeLinear11 } from '../codec/linear11.js'
import { parseVoutMode, type VoutMode } from '../codec/voutMode.js'
import type { I2cTransport } from '../smbus/I2cTransport.js'
import { smbusDevice } from '../smbus/smbusDevice.js'
import type { SupplyProfile } from './SupplyProfile.js'

/**
 * What identify read from a supply: MFR strings, capacity (W from MFR_POUT_MAX), capabilities and VOUT_MODE.
 */
export interface SupplyIdentity {
  readonly address: number
  readonly mfrId: string
  readonly mfrModel: string
  readonly mfrSerial: string
  /** MFR_POUT_MAX in watts. */
  readonly capacityW: number
  /** CAPABILITY, or undefined when the part NACKs it (PMBus 1.0 parts have none). */
  readonly capability: number | undefined
  readonly pecSupported: boolean
  /** CAPABILITY bit 4; false when CAPABILITY is missing (unknown, so not relied on). */
  readonly smbalertSupported: boolean
  readonly voutMode: VoutMode
  /** A profile for the reader, from what was learned (PEC on when supported). */
  readonly profile: SupplyProfile
}

const text = (bytes: Uint8Array): string => new TextDecoder('latin1').decode(bytes).replace(/[\s\0]+$/u, '')

/** Identify options: force PEC on or off instead of following CAPABILITY. */
export interface IdentifyOptions {
  /** Force PEC on or off instead of following CAPABILITY bit 7. */
  readonly pec?: boolean
}

/** I/O. Reads CAPABILITY, VOUT_MODE, MFR_ID/MODEL/SERIAL and MFR_POUT_MAX from the supply at `address`. */
export const identifySupply = async (
  transport: I2cTransport,
  address: number,
  options: IdentifyOptions = {},
): Promise<Either<CommError, SupplyIdentity>> => {
  const probed = await smbusDevice(transport, { address, pec: false }).readByte(C.CAPABILITY)
  // PMBus 1.0 parts have no CAPABILITY and NACK it: read on without PEC. An absent device NACKs the next
  // command too, so its NoAck still comes back, from VOUT_MODE.
  if (E.isLeft(probed) && probed.left._tag !== 'NoAck') return probed
  const capability = E.isRight(probed) ? probed.right : undefined
  const pecSupported = capability !== undefined && (capability & CAPABILITY_PEC) !== 0
  const dev = smbusDevice(transport, { address, pec: options.pec ?? pecSupported })
  const voutMode = await dev.readByte(C.VOUT_MODE)
  if (E.isLeft(voutMode)) return voutMode
  const mfrId = await dev.readBlock(C.MFR_ID)
  if (E.isLeft(mfrId)) return mfrId
  const mfrModel = await dev.readBlock(C.MFR_MODEL)
  if (E.isLeft(mfrModel)) return mfrModel
  const mfrSerial = await dev.readBlock(C.MFR_SERIAL)
  if (E.isLeft(mfrSerial)) return mfrSerial
  const poutMax = await dev.readWord(C.MFR_POUT_MAX)
  if (E.isLeft(poutMax)) return poutMax
  const capacityW = decodeLinear11(poutMax.right)
  if (!(capacityW > 0)) {
    return E.left({
      _tag: 'InvalidResponse',
      address,
      command: C.MFR_POUT_MAX,
      detail: `MFR_POUT_MAX decodes to ${capacityW} W; capacityW must be > 0`,
    })
  }
  return E.right({
    address,
    mfrId: text(mfrId.right),
    mfrModel: text(mfrModel.right),
    mfrSerial: text(mfrSerial.right),
    capacityW,
    capability,
    pecSupported,
    smbalertSupported: capability !== undefined && (capability & CAPABILITY_SMBALERT) !== 0,
    voutMode: parseVoutMode(voutMode.right),
    profile: { address, pec: dev.pec, voutMode: voutMode.right },
  })
}
