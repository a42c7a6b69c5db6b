/**
 * Pure. STATUS_WORD (0x79) bits to core's StatusWordFlags and back. Low byte bits 7..0: BUSY, OFF,
 * VOUT_OV_FAULT, IOUT_OC_FAULT, VIN_UV_FAULT, TEMPERATURE, CML, NONE_OF_THE_ABOVE; high byte bits
 * 15..8: VOUT, IOUT/POUT, INPUT, MFR_SPECIFIC, POWER_GOOD#, FANS, OTHER, UNKNOWN.
 */
import type { StatusWordFlags } from '@busbar/core'
import { assertUint } from './rounding.js'

/** Flag name per bit, bit 0 first. */
export const statusWordBits: readonly (keyof StatusWordFlags)[] = [
  'noneOfTheAbove',
  'cml',
  'temperature',
  'vinUv',
  'ioutOc',
  'voutOv',
  'off',
  'busy',
  'unknown',
  'other',
  'fans',
  'powerGoodNegated',
  'mfrSpecific',
  'input',
  'ioutPout',
  'vout',
]

/** Pure. STATUS_WORD (16 bits) to named flags; throws RangeError on a value outside 0-65535. */
export const decodeStatusWord = (raw: number): StatusWordFlags => {
  assertUint('decodeStatusWord', raw, 16)
  const bit = (n: number): boolean => ((raw >> n) & 1) === 1
  return {
    busy: bit(7),
    off: bit(6),
    voutOv: bit(5),
    ioutOc: bit(4),
    vinUv: bit(3),
    temperature: bit(2),
    cml: bit(1),
    noneOfTheAbove: bit(0),
    vout: bit(15),
    ioutPout: bit(14),
    input: bit(13),
    mfrSpecific: bit(12),
    powerGoodNegated: bit(11),
    fans: bit(10),
    other: bit(9),
    unknown: bit(8),
  }
}

/** Pure. Named STATUS_WORD flags to the 16-bit register value (inverse of `decodeStatusWord`). */
export const encodeStatusWord = (flags: StatusWordFlags): number =>
  statusWordBits.reduce((raw, name, bit) => (flags[name] ? raw | (1 << bit) : raw), 0)
