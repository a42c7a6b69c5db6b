import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import {
  decodeDirect,
  decodeLinear11,
  decodeLinear16,
  decodeStatusCml,
  decodeStatusFans12,
  decodeStatusInput,
  decodeStatusIout,
  decodeStatusTemperature,
  decodeStatusVout,
  decodeStatusWord,
  encodeDirect,
  encodeLinear11,
  encodeLinear16,
  encodeStatusCml,
  encodeStatusFans12,
  encodeStatusInput,
  encodeStatusIout,
  encodeStatusTemperature,
  encodeStatusVout,
  encodeStatusWord,
  parseVoutMode,
  pec,
} from '../../src/index.js'
import { directVectors, linear11Vectors, linear16Vectors, pecVectors, statusWordVectors } from './vectors.js'

const right = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(`expected Right, got ${JSON.stringify(e.left)}`)
  return e.right
}
const lsb11 = (raw: number): number => 2 ** (raw >> 11 >= 16 ? (raw >> 11) - 32 : raw >> 11)

describe('LINEAR11', () => {
  test.each(linear11Vectors)('decode $raw -> $value ($origin)', ({ raw, value }) => {
    expect(decodeLinear11(raw)).toBe(value)
  })
  test.each(linear11Vectors)('encode($value) decodes back exactly ($origin)', ({ value }) => {
    expect(decodeLinear11(right(encodeLinear11(value)))).toBe(value)
  })
  test('encode picks the finest exponent: 0.5 -> 0xB200, 25 -> mantissa 800 at -5', () => {
    expect(right(encodeLinear11(0.5))).toBe(0xb200)
    // 25 × 32 = 800 fits, 25 × 64 = 1600 does not: exponent -5 = 0b11011, 0xD800 | 0x320.
    expect(right(encodeLinear11(25))).toBe(0xdb20)
  })
  test('ties round away from zero, symmetric in sign', () => {
    // 600.5 cannot use exponent -1 (1201 > 1023), so at exponent 0 it is a tie: 601 / -601.
    expect(decodeLinear11(right(encodeLinear11(600.5)))).toBe(601)
    expect(decodeLinear11(right(encodeLinear11(-600.5)))).toBe(-601)
    // A tie at the finest exponent: half of 2^-16 rounds up to one LSB.
    expect(decodeLinear11(right(encodeLinear11(2 ** -17)))).toBe(2 ** -16)
    expect(decodeLinear11(right(encodeLinear11(-(2 ** -17))))).toBe(-(2 ** -16))
    // Below half an LSB at -16 encodes to zero (and never to -0).
    expect(right(encodeLinear11(2 ** -18))).toBe(0x8000)
    expect(decodeLinear11(right(encodeLinear11(-(2 ** -18))))).toBe(0)
  })
  test('out of range and non-finite values are NotRepresentable', () => {
    expect(right(encodeLinear11(1023.49 * 2 ** 15))).toBe(0x7bff)
    const tooBig = encodeLinear11(1023.5 * 2 ** 15)
    expect(E.isLeft(tooBig) && tooBig.left._tag).toBe('NotRepresentable')
    expect(E.isLeft(tooBig) && tooBig.left.detail).toMatch(/LINEAR11 value/)
    expect(right(encodeLinear11(-1024.4 * 2 ** 15))).toBe(0x7c00)
    expect(E.isLeft(encodeLinear11(-1024.5 * 2 ** 15))).toBe(true)
    expect(E.isLeft(encodeLinear11(Number.NaN))).toBe(true)
    expect(E.isLeft(encodeLinear11(Number.POSITIVE_INFINITY))).toBe(true)
  })
  test('a fixed exponent is honoured or rejected', () => {
    expect(right(encodeLinear11(12, { exponent: -3 }))).toBe(0xe800 | 96)
    expect(E.isLeft(encodeLinear11(200, { exponent: -3 }))).toBe(true)
    expect(E.isLeft(encodeLinear11(1, { exponent: 16 }))).toBe(true)
  })
  test('decode rejects a raw value that is not a 16-bit word', () => {
    expect(() => decodeLinear11(0x10000)).toThrow(/decodeLinear11: raw must be an integer in 0..0xFFFF/)
    expect(() => decodeLinear11(1.5)).toThrow(RangeError)
  })
  test.prop([fc.double({ min: -1024 * 2 ** 15, max: 1023 * 2 ** 15, noNaN: true })], { numRuns: 300 })(
    'decode(encode(x)) is within half an LSB of x',
    (x) => {
      const raw = right(encodeLinear11(x))
      expect(Math.abs(decodeLinear11(raw) - x)).toBeLessThanOrEqual(lsb11(raw) / 2)
    },
  )
  test.prop([fc.double({ min: -1024 * 2 ** 15, max: 1023 * 2 ** 15, noNaN: true })], { numRuns: 300 })(
    'encode picks the finest exponent: one step finer does not fit',
    (x) => {
      const raw = right(encodeLinear11(x))
      const exponent = Math.log2(lsb11(raw))
      if (exponent > -16) expect(E.isLeft(encodeLinear11(x, { exponent: exponent - 1 }))).toBe(true)
    },
  )
  test.prop([fc.integer({ min: 0, max: 0xffff })], { numRuns: 300 })(
    'encode(decode(raw)) decodes to the same value',
    (raw) => {
      expect(decodeLinear11(right(encodeLinear11(decodeLinear11(raw))))).toBe(decodeLinear11(raw))
    },
  )
  test.prop([fc.double({ min: 0, max: 1023 * 2 ** 15, noNaN: true })], { numRuns: 200 })(
    'encode is symmetric in sign',
    (x) => {
      expect(decodeLinear11(right(encodeLinear11(-x)))).toBe(-decodeLinear11(right(encodeLinear11(x))) || 0)
    },
  )
})

describe('VOUT_MODE and LINEAR16', () => {
  test('0x97 is linear with exponent -9 and the PMBus 1.3 relative bit (bits 6..5 are the mode)', () => {
    expect(parseVoutMode(0x97)).toEqual({
      raw: 0x97,
      format: 'linear',
      relative: true,
      parameter: 0x17,
      exponent: -9,
    })
    expect(parseVoutMode(0x17)).toMatchObject({ format: 'linear', relative: false, exponent: -9 })
    expect(parseVoutMode(0x20 | 0x01)).toMatchObject({ format: 'vid', parameter: 1 })
    expect(parseVoutMode(0x40)).toMatchObject({ format: 'direct' })
    expect(parseVoutMode(0x60)).toMatchObject({ format: 'ieeeHalf' })
    expect(parseVoutMode(0x0f)).toMatchObject({ format: 'linear', exponent: 15 })
    expect(() => parseVoutMode(0x100)).toThrow(RangeError)
  })
  test.each(linear16Vectors)(
    'decode $raw with mode $voutMode -> $value ($origin)',
    ({ raw, voutMode, value }) => {
      expect(decodeLinear16(raw, voutMode)).toBe(value)
      expect(right(encodeLinear16(value, voutMode))).toBe(raw)
    },
  )
  test('ties away from zero; negative, too large and non-finite values rejected', () => {
    expect(right(encodeLinear16(12 + 0.5 / 512, 0x17))).toBe(6145)
    expect(right(encodeLinear16(12 + 0.49 / 512, 0x17))).toBe(6144)
    expect(right(encodeLinear16(-0.4 / 512, 0x17))).toBe(0)
    expect(E.isLeft(encodeLinear16(-1, 0x17))).toBe(true)
    expect(right(encodeLinear16(65535.49 / 512, 0x17))).toBe(0xffff)
    const tooBig = encodeLinear16(65535.5 / 512, 0x17)
    expect(E.isLeft(tooBig) && tooBig.left.detail).toMatch(/outside 0..65535/)
    expect(E.isLeft(encodeLinear16(Number.NaN, 0x17))).toBe(true)
  })
  test.prop([fc.integer({ min: 0, max: 0x1f }), fc.double({ min: 0, max: 1, noNaN: true })], {
    numRuns: 300,
  })('decode(encode(x)) is within half an LSB', (exponentBits, fraction) => {
    const voutMode = 0x80 | exponentBits
    const lsb = 2 ** parseVoutMode(voutMode).exponent
    const x = fraction * 65535 * lsb
    const raw = right(encodeLinear16(x, voutMode))
    expect(Math.abs(decodeLinear16(raw, voutMode) - x)).toBeLessThanOrEqual(lsb / 2 + Number.EPSILON * x)
  })
})

describe('DIRECT', () => {
  test.each(directVectors)(
    'decode $raw with m=$m b=$b R=$R -> $value ($origin)',
    ({ raw, m, b, R, value }) => {
      expect(decodeDirect(raw, { m, b, R })).toBeCloseTo(value, 12)
      expect(right(encodeDirect(value, { m, b, R }))).toBe(raw)
    },
  )
  test('rounding ties away from zero and range', () => {
    // Y = 2.5 -> 3, Y = -2.5 -> -3 (0xFFFD).
    expect(right(encodeDirect(2.5, { m: 1, b: 0, R: 0 }))).toBe(3)
    expect(right(encodeDirect(-2.5, { m: 1, b: 0, R: 0 }))).toBe(0xfffd)
    expect(right(encodeDirect(32767.4, { m: 1, b: 0, R: 0 }))).toBe(0x7fff)
    expect(E.isLeft(encodeDirect(32767.5, { m: 1, b: 0, R: 0 }))).toBe(true)
    expect(E.isLeft(encodeDirect(-32768.5, { m: 1, b: 0, R: 0 }))).toBe(true)
    expect(() => decodeDirect(0, { m: 0, b: 0, R: 0 })).toThrow(/coefficient m must be finite and non-zero/)
  })
  test.prop(
    [
      fc.integer({ min: 1, max: 30000 }),
      fc.integer({ min: -500, max: 500 }),
      fc.integer({ min: -3, max: 2 }),
      fc.integer({ min: -32768, max: 32767 }),
    ],
    { numRuns: 300 },
  )('decode then encode gives back the wire value', (m, b, R, y) => {
    const raw = y & 0xffff
    expect(right(encodeDirect(decodeDirect(raw, { m, b, R }), { m, b, R }))).toBe(raw)
  })
})

describe('PEC', () => {
  // An independent bitwise CRC-8 (no table) to check the table-driven one.
  const bitwise = (bytes: readonly number[]): number => {
    let crc = 0
    for (const byte of bytes) {
      crc ^= byte
      for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff
    }
    return crc
  }
  test.each(pecVectors)('pec($bytes) = $crc ($origin)', ({ bytes, crc }) => {
    expect(pec(bytes)).toBe(crc)
  })
  test.prop([fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 })], { numRuns: 300 })(
    'appending the PEC gives 0',
    (bytes) => {
      expect(pec([...bytes, pec(bytes)])).toBe(0)
    },
  )
  test.prop([fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 40 })], { numRuns: 300 })(
    'matches a bitwise CRC-8',
    (bytes) => {
      expect(pec(bytes)).toBe(bitwise(bytes))
    },
  )
})

describe('status registers', () => {
  test.each(statusWordVectors)('STATUS_WORD $raw sets exactly $set ($origin)', ({ raw, set }) => {
    const flags = decodeStatusWord(raw)
    const on = Object.entries(flags)
      .filter(([, v]) => v)
      .map(([k]) => k)
      .sort()
    expect(on).toEqual([...set].sort())
  })
  test.prop([fc.integer({ min: 0, max: 0xffff })], { numRuns: 300 })('STATUS_WORD round-trips', (raw) => {
    expect(encodeStatusWord(decodeStatusWord(raw))).toBe(raw)
  })
  test('detail registers decode by bit (bit 7 first)', () => {
    expect(decodeStatusVout(0x80).ovFault).toBe(true)
    expect(decodeStatusVout(0x01).trackingError).toBe(true)
    expect(decodeStatusIout(0x40).ocLvFault).toBe(true)
    expect(decodeStatusIout(0x04).powerLimiting).toBe(true)
    expect(decodeStatusInput(0x18)).toMatchObject({
      vinUvFault: true,
      unitOffLowInput: true,
      vinUvWarning: false,
    })
    expect(decodeStatusTemperature(0xc0)).toEqual({
      otFault: true,
      otWarning: true,
      utWarning: false,
      utFault: false,
    })
    expect(decodeStatusCml(0x20).pecFailed).toBe(true)
    expect(decodeStatusCml(0x02).otherCommFault).toBe(true)
    expect(decodeStatusFans12(0xa0)).toMatchObject({ fan1Fault: true, fan1Warning: true, fan2Fault: false })
  })
  const details = [
    { name: 'VOUT', decode: decodeStatusVout, encode: encodeStatusVout, reserved: 0x00 },
    { name: 'IOUT', decode: decodeStatusIout, encode: encodeStatusIout, reserved: 0x00 },
    { name: 'INPUT', decode: decodeStatusInput, encode: encodeStatusInput, reserved: 0x00 },
    { name: 'TEMPERATURE', decode: decodeStatusTemperature, encode: encodeStatusTemperature, reserved: 0x0f },
    { name: 'CML', decode: decodeStatusCml, encode: encodeStatusCml, reserved: 0x04 },
    { name: 'FANS_1_2', decode: decodeStatusFans12, encode: encodeStatusFans12, reserved: 0x00 },
  ] as const
  for (const d of details) {
    test.prop([fc.integer({ min: 0, max: 0xff })], { numRuns: 100 })(
      `STATUS_${d.name} round-trips except reserved bits`,
      (raw) => {
        expect((d.encode as (f: unknown) => number)(d.decode(raw))).toBe(raw & ~d.reserved)
      },
    )
  }
})

describe('decodeVout', () => {
  test('by VOUT_MODE: linear, direct with coefficients, IEEE half; VID and direct without coefficients are errors', async () => {
    const { decodeVout, decodeHalf } = await import('../../src/index.js')
    expect(decodeVout(0x1800, 0x97)).toEqual(E.right(12))
    expect(decodeVout(0x055f, 0x40, { m: 3, b: 100, R: 1 })).toEqual(E.right(12.5))
    expect(decodeVout(0x055f, 0x40)).toMatchObject({ left: { _tag: 'UnsupportedFormat', format: 'DIRECT' } })
    expect(decodeVout(0x0001, 0x21)).toMatchObject({ left: { _tag: 'UnsupportedFormat', format: 'VID' } })
    // hand-checked IEEE half: 0x4900 = exponent 18 - 15 = 3, fraction 256/1024: 1.25 × 2^3 = 10; 0x3C00 = 1; 0xC000 = -2; 0x0001 = 2^-24.
    expect(decodeVout(0x4900, 0x60)).toEqual(E.right(10))
    expect(decodeHalf(0x3c00)).toBe(1)
    expect(decodeHalf(0xc000)).toBe(-2)
    expect(decodeHalf(0x0001)).toBe(2 ** -24)
    expect(decodeHalf(0x7c00)).toBe(Number.POSITIVE_INFINITY)
  })
})
