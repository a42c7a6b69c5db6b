/**
 * Byte vectors for the codec tests, each with its origin:
 * - "check value": the published CRC-8/SMBUS check value (CRC catalogue: poly 0x07, init 0, check 0xF4).
 * - "domain.md": the project's reference facts (/work/shared/reference/domain.md).
 * - "hand-checked": computed by hand from the format definition, written out below each vector.
 * No vector here was produced by running the code under test.
 */

export interface Linear11Vector {
  readonly raw: number
  readonly value: number
  readonly origin: string
}
export const linear11Vectors: readonly Linear11Vector[] = [
  { raw: 0x0000, value: 0, origin: 'hand-checked: exponent 0, mantissa 0' },
  { raw: 0xe8c8, value: 25, origin: 'hand-checked: 0b11101 = -3, mantissa 0x0C8 = 200; 200 / 8 = 25' },
  {
    raw: 0xd3e8,
    value: 15.625,
    origin: 'hand-checked: 0b11010 = -6, mantissa 0x3E8 = 1000; 1000 / 64 = 15.625',
  },
  { raw: 0x07ff, value: -1, origin: "hand-checked: exponent 0, mantissa 0x7FF = -1 (two's complement)" },
  { raw: 0x0400, value: -1024, origin: 'hand-checked: exponent 0, mantissa 0x400 = -1024' },
  { raw: 0x03ff, value: 1023, origin: 'hand-checked: exponent 0, mantissa 0x3FF = 1023' },
  {
    raw: 0x7bff,
    value: 1023 * 32768,
    origin: 'hand-checked: 0b01111 = 15, mantissa 1023: the largest value',
  },
  {
    raw: 0x7c00,
    value: -1024 * 32768,
    origin: 'hand-checked: 0b01111 = 15, mantissa -1024: the most negative value',
  },
  {
    raw: 0x8001,
    value: 2 ** -16,
    origin: 'hand-checked: 0b10000 = -16, mantissa 1: the smallest positive value',
  },
  { raw: 0xb200, value: 0.5, origin: 'hand-checked: 0b10110 = -10, mantissa 0x200 = 512; 512 / 1024 = 0.5' },
  { raw: 0x192c, value: 2400, origin: 'hand-checked: 0b00011 = 3, mantissa 0x12C = 300; 300 × 8 = 2400 (W)' },
  { raw: 0xf7ce, value: -12.5, origin: 'hand-checked: 0b11110 = -2, mantissa 0x7CE = -50; -50 / 4 = -12.5' },
]

export interface Linear16Vector {
  readonly raw: number
  readonly voutMode: number
  readonly value: number
  readonly origin: string
}
export const linear16Vectors: readonly Linear16Vector[] = [
  {
    raw: 0x1800,
    voutMode: 0x17,
    value: 12,
    origin: 'hand-checked: VOUT_MODE 0x17 = linear, exponent 0b10111 = -9; 6144 / 512 = 12',
  },
  {
    raw: 0x1800,
    voutMode: 0x97,
    value: 12,
    origin: 'hand-checked: 0x97 as real PMBus 1.3 parts report it (domain.md): relative bit, linear, -9',
  },
  { raw: 0x3000, voutMode: 0x14, value: 3, origin: 'hand-checked: exponent 0b10100 = -12; 12288 / 4096 = 3' },
  { raw: 0xffff, voutMode: 0x17, value: 65535 / 512, origin: 'hand-checked: largest mantissa at -9' },
  { raw: 0x0030, voutMode: 0x00, value: 48, origin: 'hand-checked: exponent 0; 0x30 = 48 (a 48 V shelf)' },
]

export interface DirectVector {
  readonly raw: number
  readonly m: number
  readonly b: number
  readonly R: number
  readonly value: number
  readonly origin: string
}
export const directVectors: readonly DirectVector[] = [
  {
    raw: 0x055f,
    m: 3,
    b: 100,
    R: 1,
    value: 12.5,
    origin: 'hand-checked: Y = (3 × 12.5 + 100) × 10 = 1375 = 0x055F',
  },
  { raw: 0xff9c, m: 1, b: 0, R: 0, value: -100, origin: 'hand-checked: 0xFF9C = -100 as a signed 16-bit Y' },
  {
    raw: 0x000c,
    m: 100,
    b: 0,
    R: -2,
    value: 12,
    origin: 'hand-checked: Y = (100 × 12 + 0) × 10^-2 = 12 = 0x000C',
  },
  {
    raw: 0x0014,
    m: 2,
    b: -4,
    R: 0,
    value: 12,
    origin: 'hand-checked: Y = 2 × 12 - 4 = 20 = 0x0014 (negative offset)',
  },
]

export interface PecVector {
  readonly bytes: readonly number[]
  readonly crc: number
  readonly origin: string
}
export const pecVectors: readonly PecVector[] = [
  {
    bytes: [...'123456789'].map((c) => c.charCodeAt(0)),
    crc: 0xf4,
    origin: 'check value of CRC-8/SMBUS (domain.md and the CRC catalogue)',
  },
  { bytes: [], crc: 0x00, origin: 'hand-checked: the initial value' },
  {
    bytes: [0x01],
    crc: 0x07,
    origin: 'hand-checked: 0x01 shifted through 8 bits leaves the polynomial 0x07',
  },
  { bytes: [0x00, 0x00], crc: 0x00, origin: 'hand-checked: zeros keep a zero register' },
]

export interface StatusWordVector {
  readonly raw: number
  readonly set: readonly string[]
  readonly origin: string
}
export const statusWordVectors: readonly StatusWordVector[] = [
  {
    raw: 0x2848,
    set: ['input', 'powerGoodNegated', 'off', 'vinUv'],
    origin: 'domain.md: the usual input-loss pattern',
  },
  { raw: 0x0000, set: [], origin: 'hand-checked: all clear' },
  { raw: 0x0001, set: ['noneOfTheAbove'], origin: 'hand-checked: bit 0' },
  { raw: 0x8020, set: ['vout', 'voutOv'], origin: 'hand-checked: bit 15 VOUT and bit 5 VOUT_OV_FAULT' },
  {
    raw: 0x4010,
    set: ['ioutPout', 'ioutOc'],
    origin: 'hand-checked: bit 14 IOUT/POUT and bit 4 IOUT_OC_FAULT',
  },
  { raw: 0x0404, set: ['fans', 'temperature'], origin: 'hand-checked: bit 10 FANS and bit 2 TEMPERATURE' },
  {
    raw: 0x1382,
    set: ['mfrSpecific', 'other', 'unknown', 'busy', 'cml'],
    origin: 'hand-checked: bits 12, 9, 8, 7, 1',
  },
]
