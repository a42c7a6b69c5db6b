/**
 * Pure. Bytes in, numbers out: PMBus DIRECT format with per-device coefficients.
 * Wire value Y is a two's-complement 16-bit integer; X = (Y × 10^−R − b) / m, and Y = (m × X + b) × 10^R.
 * Encoding rounds Y to nearest, ties away from zero; a rounded Y outside −32768..32767 is `NotRepresentable`.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import { notRepresentable, type CodecError } from './CodecError.js'
import { assertUint, roundHalfAwayFromZero } from './rounding.js'

/** A part's DIRECT-format coefficients: X = (Y × 10^−R − b) / m. */
export interface DirectCoefficients {
  /** Slope, non-zero. */
  readonly m: number
  /** Offset. */
  readonly b: number
  /** Decimal exponent. */
  readonly R: number
}

const checkCoefficients = (where: string, c: DirectCoefficients): void => {
  if (!Number.isFinite(c.m) || c.m === 0)
    throw new RangeError(`${where}: coefficient m must be finite and non-zero, got ${c.m}`)
  if (!Number.isFinite(c.b)) throw new RangeError(`${where}: coefficient b must be finite, got ${c.b}`)
  if (!Number.isInteger(c.R)) throw new RangeError(`${where}: coefficient R must be an integer, got ${c.R}`)
}

// Multiply or divide by a power of ten so that 10^-R never becomes an inexact fraction like 0.1.
const scaleByPow10 = (x: number, r: number): number => (r >= 0 ? x * 10 ** r : x / 10 ** -r)

/** Pure. A 16-bit DIRECT wire value (two's complement) to a real value with the part's coefficients. */
export const decodeDirect = (raw: number, coefficients: DirectCoefficients): number => {
  assertUint('decodeDirect', raw, 16)
  checkCoefficients('decodeDirect', coefficients)
  const y = raw >= 0x8000 ? raw - 0x10000 : raw
  return (scaleByPow10(y, -coefficients.R) - coefficients.b) / coefficients.m
}

/** Pure. A real value to a 16-bit DIRECT wire value (rounded half away from zero), or `NotRepresentable`. */
export const encodeDirect = (value: number, coefficients: DirectCoefficients): Either<CodecError, number> => {
  checkCoefficients('encodeDirect', coefficients)
  if (!Number.isFinite(value))
    return E.left(notRepresentable('DIRECT', value, `DIRECT value must be finite, got ${value}`))
  const y = roundHalfAwayFromZero(scaleByPow10(coefficients.m * value + coefficients.b, coefficients.R))
  if (y < -32768 || y > 32767) {
    return E.left(
      notRepresentable('DIRECT', value, `DIRECT value ${value} gives Y = ${y}, outside -32768..32767`),
    )
  }
  return E.right(y & 0xffff)
}
