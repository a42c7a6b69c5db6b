/**
 * Pure. Bytes in, numbers out: PMBus LINEAR16 for VOUT (value = unsigned 16-bit mantissa × 2^e,
 * e = two's-complement bits 4..0 of VOUT_MODE).
 *
 * These functions take the exponent from VOUT_MODE bits 4..0 whatever its mode bits say; `decodeVout`
 * checks the mode first. Encoding rounds to nearest, ties away from zero; a rounded mantissa outside
 * 0..65535 (negative or too large) or a non-finite value is `NotRepresentable`. A small negative value
 * that rounds to 0 encodes as 0 (it is within half an LSB).
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import { notRepresentable, type CodecError } from './CodecError.js'
import { assertUint, roundHalfAwayFromZero } from './rounding.js'
import { parseVoutMode } from './voutMode.js'

/** Pure. A LINEAR16 word to a value, with the exponent from VOUT_MODE bits 4-0 (volts for READ_VOUT). */
export const decodeLinear16 = (raw: number, voutMode: number): number => {
  assertUint('decodeLinear16', raw, 16)
  return raw * 2 ** parseVoutMode(voutMode).exponent
}

/**
 * Pure. A value to a LINEAR16 word with VOUT_MODE's exponent (rounded half away from zero), or
 * `NotRepresentable`.
 */
export const encodeLinear16 = (value: number, voutMode: number): Either<CodecError, number> => {
  const exponent = parseVoutMode(voutMode).exponent
  if (!Number.isFinite(value))
    return E.left(notRepresentable('LINEAR16', value, `LINEAR16 value must be finite, got ${value}`))
  const mantissa = roundHalfAwayFromZero(value / 2 ** exponent)
  if (mantissa < 0 || mantissa > 0xffff) {
    return E.left(
      notRepresentable(
        'LINEAR16',
        value,
        `LINEAR16 value ${value} needs mantissa ${mantissa} at exponent ${exponent}, outside 0..65535 (max ${0xffff * 2 ** exponent})`,
      ),
    )
  }
  return E.right(mantissa)
}
