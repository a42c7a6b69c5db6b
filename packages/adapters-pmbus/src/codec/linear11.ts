/**
 * Pure. Bytes in, numbers out: PMBus LINEAR11 (value = mantissa × 2^exponent; bits 15..11 a
 * two's-complement exponent, bits 10..0 a two's-complement mantissa).
 *
 * Encoding rule: the smallest exponent (finest resolution) whose rounded mantissa fits in
 * −1024..1023, rounding to nearest with ties away from zero. So the result is always within half an
 * LSB of the value. A value whose rounded mantissa does not fit even at exponent 15 (|x| ≳ 1023.5 × 2^15),
 * or a non-finite value, is `NotRepresentable`. Values smaller than half an LSB at exponent −16 encode to 0.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import { notRepresentable, type CodecError } from './CodecError.js'
import { assertUint, roundHalfAwayFromZero } from './rounding.js'

const signExtend = (value: number, bits: number): number => {
  const sign = 1 << (bits - 1)
  return (value & (sign - 1)) - (value & sign)
}

export const linear11Exponent = (raw: number): number => signExtend(raw >> 11, 5)
export const linear11Mantissa = (raw: number): number => signExtend(raw & 0x7ff, 11)

export const decodeLinear11 = (raw: number): number => {
  assertUint('decodeLinear11', raw, 16)
  return linear11Mantissa(raw) * 2 ** linear11Exponent(raw)
}

/** LINEAR11 encoding options: force a fixed exponent for parts that accept only their own. */
export interface Linear11Options {
  /** Force this exponent (−16..15): some parts accept only their own fixed exponent on writes. */
  readonly exponent?: number
}

const pack = (mantissa: number, exponent: number): number => ((exponent & 0x1f) << 11) | (mantissa & 0x7ff)

export const encodeLinear11 = (value: number, options: Linear11Options = {}): Either<CodecError, number> => {
  if (!Number.isFinite(value))
    return E.left(notRepresentable('LINEAR11', value, `LINEAR11 value must be finite, got ${value}`))
  const fixed = options.exponent
  if (fixed !== undefined) {
    if (!Number.isInteger(fixed) || fixed < -16 || fixed > 15) {
      return E.left(
        notRepresentable('LINEAR11', value, `LINEAR11 exponent must be an integer in -16..15, got ${fixed}`),
      )
    }
    const mantissa = roundHalfAwayFromZero(value / 2 ** fixed)
    return mantissa >= -1024 && mantissa <= 1023
      ? E.right(pack(mantissa, fixed))
      : E.left(
          notRepresentable(
            'LINEAR11',
            value,
            `LINEAR11 value ${value} needs mantissa ${mantissa} at exponent ${fixed}, outside -1024..1023`,
          ),
        )
  }
  // Start just below the exponent where |value| / 2^e drops under 1024, then step up: at most a few steps.
  const magnitude = Math.abs(value)
  const estimate = magnitude === 0 ? -16 : Math.floor(Math.log2(magnitude)) - 11
  for (let exponent = Math.max(-16, Math.min(15, estimate)); exponent <= 15; exponent++) {
    const mantissa = roundHalfAwayFromZero(value / 2 ** exponent)
    if (mantissa >= -1024 && mantissa <= 1023) return E.right(pack(mantissa, exponent))
  }
  return E.left(
    notRepresentable(
      'LINEAR11',
      value,
      `LINEAR11 value ${value} is outside -1024 × 2^15..1023 × 2^15 (after rounding)`,
    ),
  )
}
