/**
 * Pure. VOUT_MODE (0x20) parsing, PMBus 1.3: bit 7 = relative (1) / absolute (0) for VOUT commands,
 * bits 6..5 = data format (00 LINEAR16, 01 VID, 10 DIRECT, 11 IEEE half), bits 4..0 = parameter
 * (the two's-complement exponent in linear mode, the VID code type in VID mode).
 *
 * We read the mode from bits 6..5. Linux (pmbus_core) and pre-1.3 code read bits 7..5, which turns the
 * 0x97 that real PMBus 1.3 parts report (linear, exponent −9, relative flag set) into an unknown mode.
 */
import { assertUint } from './rounding.js'

/** The VOUT data format VOUT_MODE bits 6-5 select. */
export type VoutDataFormat = 'linear' | 'vid' | 'direct' | 'ieeeHalf'

/**
 * A VOUT_MODE byte taken apart: data format, relative flag, and the 5-bit parameter (exponent in linear
 * mode).
 */
export interface VoutMode {
  readonly raw: number
  readonly format: VoutDataFormat
  /** Bit 7 (PMBus 1.3): VOUT commands are relative to the nominal output. */
  readonly relative: boolean
  /** Bits 4..0 as an unsigned number (the VID code type in VID mode). */
  readonly parameter: number
  /** Bits 4..0 as a two's-complement exponent (meaningful in linear mode). */
  readonly exponent: number
}

const formats: readonly VoutDataFormat[] = ['linear', 'vid', 'direct', 'ieeeHalf']

/** Pure. Takes a VOUT_MODE byte apart; throws RangeError on a value outside 0-255. */
export const parseVoutMode = (raw: number): VoutMode => {
  assertUint('parseVoutMode', raw, 8)
  const parameter = raw & 0x1f
  return {
    raw,
    format: formats[(raw >> 5) & 0x03] ?? 'linear',
    relative: (raw & 0x80) !== 0,
    parameter,
    exponent: parameter >= 16 ? parameter - 32 : parameter,
  }
}
