/**
 * Pure. Bytes in, numbers out: a READ_VOUT (or any VOUT-format) word decoded by what VOUT_MODE says:
 * LINEAR16 with its exponent, DIRECT with the caller's coefficients, IEEE 754 half precision. VID needs
 * the controller's VID table, which PMBus does not carry, so it is UnsupportedFormat, as is DIRECT without
 * coefficients. Bit 7 (relative) does not change how READ_VOUT is read: readings are always absolute.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CodecError } from './CodecError.js'
import { decodeDirect, type DirectCoefficients } from './direct.js'
import { decodeLinear16 } from './linear16.js'
import { assertUint } from './rounding.js'
import { parseVoutMode } from './voutMode.js'

/** IEEE 754 binary16: 1 sign bit, 5 exponent bits (bias 15), 10 fraction bits. */
export const decodeHalf = (raw: number): number => {
  assertUint('decodeHalf', raw, 16)
  const sign = raw & 0x8000 ? -1 : 1
  const exponent = (raw >> 10) & 0x1f
  const fraction = raw & 0x3ff
  if (exponent === 0) return sign * fraction * 2 ** -24
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15)
}

/**
 * Pure. A READ_VOUT word to volts as VOUT_MODE says (LINEAR16, DIRECT with coefficients, IEEE half); VID is
 * `UnsupportedFormat`.
 */
export const decodeVout = (
  raw: number,
  voutMode: number,
  direct?: DirectCoefficients,
): Either<CodecError, number> => {
  const mode = parseVoutMode(voutMode)
  switch (mode.format) {
    case 'linear':
      return E.right(decodeLinear16(raw, voutMode))
    case 'direct':
      return direct === undefined
        ? E.left({
            _tag: 'UnsupportedFormat',
            format: 'DIRECT',
            detail: `VOUT_MODE 0x${voutMode.toString(16)} is DIRECT but no coefficients were given`,
          })
        : E.right(decodeDirect(raw, direct))
    case 'ieeeHalf':
      return E.right(decodeHalf(raw))
    case 'vid':
      return E.left({
        _tag: 'UnsupportedFormat',
        format: 'VID',
        detail: `VOUT_MODE 0x${voutMode.toString(16)} is VID (code type ${mode.parameter}): needs the controller's VID table`,
      })
  }
}
