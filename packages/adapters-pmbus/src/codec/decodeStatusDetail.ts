/**
 * Pure. The detail status registers (one byte each) to core's flag types. Bit names from PMBus Part II;
 * reserved bits are ignored on decode (STATUS_TEMPERATURE 3..0, STATUS_CML 2).
 */
import type {
  StatusCmlFlags,
  StatusFans12Flags,
  StatusInputFlags,
  StatusIoutFlags,
  StatusTemperatureFlags,
  StatusVoutFlags,
} from '@busbar/core'
import { assertUint } from './rounding.js'

/** Flag names from bit 7 down to bit 0; `undefined` marks a reserved bit. */
type BitLayout<F> = readonly (keyof F | undefined)[]

export const statusVoutBits: BitLayout<StatusVoutFlags> = [
  'ovFault',
  'ovWarning',
  'uvWarning',
  'uvFault',
  'maxMinWarning',
  'tonMaxFault',
  'toffMaxWarning',
  'trackingError',
]
export const statusIoutBits: BitLayout<StatusIoutFlags> = [
  'ocFault',
  'ocLvFault',
  'ocWarning',
  'ucFault',
  'currentShareFault',
  'powerLimiting',
  'poutOpFault',
  'poutOpWarning',
]
export const statusInputBits: BitLayout<StatusInputFlags> = [
  'vinOvFault',
  'vinOvWarning',
  'vinUvWarning',
  'vinUvFault',
  'unitOffLowInput',
  'iinOcFault',
  'iinOcWarning',
  'pinOpWarning',
]
export const statusTemperatureBits: BitLayout<StatusTemperatureFlags> = [
  'otFault',
  'otWarning',
  'utWarning',
  'utFault',
  undefined,
  undefined,
  undefined,
  undefined,
]
export const statusCmlBits: BitLayout<StatusCmlFlags> = [
  'invalidCommand',
  'invalidData',
  'pecFailed',
  'memoryFault',
  'processorFault',
  undefined,
  'otherCommFault',
  'otherMemoryLogicFault',
]
export const statusFans12Bits: BitLayout<StatusFans12Flags> = [
  'fan1Fault',
  'fan2Fault',
  'fan1Warning',
  'fan2Warning',
  'fan1SpeedOverride',
  'fan2SpeedOverride',
  'airflowFault',
  'airflowWarning',
]

const decodeBits = <F>(name: string, layout: BitLayout<F>, raw: number): F => {
  assertUint(name, raw, 8)
  const flags: Record<string, boolean> = {}
  layout.forEach((flag, i) => {
    if (flag !== undefined) flags[flag as string] = ((raw >> (7 - i)) & 1) === 1
  })
  return flags as F
}

const encodeBits = <F>(layout: BitLayout<F>, flags: F): number =>
  layout.reduce(
    (raw, flag, i) => (flag !== undefined && flags[flag] === true ? raw | (1 << (7 - i)) : raw),
    0,
  )

/** Pure. STATUS_VOUT (one byte) to named flags; throws RangeError on a value outside 0-255. */
export const decodeStatusVout = (raw: number): StatusVoutFlags =>
  decodeBits('decodeStatusVout', statusVoutBits, raw)
/** Pure. STATUS_IOUT (one byte) to named flags; throws RangeError on a value outside 0-255. */
export const decodeStatusIout = (raw: number): StatusIoutFlags =>
  decodeBits('decodeStatusIout', statusIoutBits, raw)
/** Pure. STATUS_INPUT (one byte) to named flags; throws RangeError on a value outside 0-255. */
export const decodeStatusInput = (raw: number): StatusInputFlags =>
  decodeBits('decodeStatusInput', statusInputBits, raw)
/**
 * Pure. STATUS_TEMPERATURE (one byte) to named flags, reserved bits 3-0 ignored; throws RangeError outside
 * 0-255.
 */
export const decodeStatusTemperature = (raw: number): StatusTemperatureFlags =>
  decodeBits('decodeStatusTemperature', statusTemperatureBits, raw)
/** Pure. STATUS_CML (one byte) to named flags, reserved bit 2 ignored; throws RangeError outside 0-255. */
export const decodeStatusCml = (raw: number): StatusCmlFlags =>
  decodeBits('decodeStatusCml', statusCmlBits, raw)
/** Pure. STATUS_FANS_1_2 (one byte) to named flags; throws RangeError on a value outside 0-255. */
export const decodeStatusFans12 = (raw: number): StatusFans12Flags =>
  decodeBits('decodeStatusFans12', statusFans12Bits, raw)

/** Pure. Named STATUS_VOUT flags to the register byte (inverse of `decodeStatusVout`). */
export const encodeStatusVout = (f: StatusVoutFlags): number => encodeBits(statusVoutBits, f)
/** Pure. Named STATUS_IOUT flags to the register byte (inverse of `decodeStatusIout`). */
export const encodeStatusIout = (f: StatusIoutFlags): number => encodeBits(statusIoutBits, f)
/** Pure. Named STATUS_INPUT flags to the register byte (inverse of `decodeStatusInput`). */
export const encodeStatusInput = (f: StatusInputFlags): number => encodeBits(statusInputBits, f)
/** Pure. Named STATUS_TEMPERATURE flags to the register byte (reserved bits 0). */
export const encodeStatusTemperature = (f: StatusTemperatureFlags): number =>
  encodeBits(statusTemperatureBits, f)
/** Pure. Named STATUS_CML flags to the register byte (reserved bit 0). */
export const encodeStatusCml = (f: StatusCmlFlags): number => encodeBits(statusCmlBits, f)
/** Pure. Named STATUS_FANS_1_2 flags to the register byte (inverse of `decodeStatusFans12`). */
export const encodeStatusFans12 = (f: StatusFans12Flags): number => encodeBits(statusFans12Bits, f)
