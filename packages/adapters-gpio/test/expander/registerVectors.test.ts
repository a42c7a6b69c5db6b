// Register-byte vectors. Origin: the register maps as given in /work/shared/reference/domain.md
// ("PCA9555/TCA9555 ... input 0x00/0x01, output 0x02/0x03 (power-up 0xFF), polarity 0x04/0x05,
// configuration 0x06/0x07 (1 = input, power-up 0xFF)"; "MCP23017: IODIRA/B 0x00/0x01, GPIOA/B 0x12/0x13,
// OLATA/B 0x14/0x15 (IOCON.BANK = 0)"), plus MCP23017 IPOLA/B 0x02/0x03 from its datasheet (DS20001952).
// Bytes are worked out by hand from those maps: pin n is bit n of lo | hi << 8 (pins 8-15 = port 1/B).
import { describe, expect, it } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import {
  expanderRegisterMap,
  mcp23017Registers,
  pca9555Registers,
  tca9555Registers,
} from '../../src/expander/expanderRegisterMap.js'
import {
  decodePortWord,
  encodePortWrite,
  pinBit,
  pinLevelsFromInput,
  withPinBit,
} from '../../src/expander/portWord.js'
import { createVirtualExpander } from '../../src/mock/createVirtualExpander.js'

const bytes = (u: Uint8Array): number[] => Array.from(u)

describe('register maps', () => {
  it('PCA9555 and TCA9555 share one map', () => {
    for (const map of [pca9555Registers, tca9555Registers]) {
      expect([map.input, map.outputLatch, map.inputPolarity, map.direction]).toEqual([0x00, 0x02, 0x04, 0x06])
      expect(map.powerUp).toEqual({ outputLatch: 0xffff, inputPolarity: 0x0000, direction: 0xffff })
    }
  })
  it('MCP23017 with IOCON.BANK = 0', () => {
    const map = mcp23017Registers
    expect([map.input, map.outputLatch, map.inputPolarity, map.direction]).toEqual([0x12, 0x14, 0x02, 0x00])
    expect(map.powerUp).toEqual({ outputLatch: 0x0000, inputPolarity: 0x0000, direction: 0xffff })
  })
})

describe('port word codec vectors', () => {
  const vectors: { name: string; register: number; word: number; frame: number[] }[] = [
    {
      name: 'PCA9555 output: pin 0 low, rest high (power-up latch minus pin 0)',
      register: 0x02,
      word: 0xfffe,
      frame: [0x02, 0xfe, 0xff],
    },
    {
      name: 'PCA9555 output: only pin 9 high (port 1 bit 1)',
      register: 0x02,
      word: 0x0200,
      frame: [0x02, 0x00, 0x02],
    },
    {
      name: 'PCA9555 configuration: pins 0-3 outputs, rest inputs',
      register: 0x06,
      word: 0xfff0,
      frame: [0x06, 0xf0, 0xff],
    },
    {
      name: 'PCA9555 configuration: pin 15 output only',
      register: 0x06,
      word: 0x7fff,
      frame: [0x06, 0xff, 0x7f],
    },
    { name: 'MCP23017 OLATA/B: pins 7 and 8 high', register: 0x14, word: 0x0180, frame: [0x14, 0x80, 0x01] },
    { name: 'MCP23017 IODIRA/B: all outputs', register: 0x00, word: 0x0000, frame: [0x00, 0x00, 0x00] },
  ]
  for (const v of vectors)
    it(v.name, () => {
      expect(bytes(encodePortWrite(v.register, v.word))).toEqual(v.frame)
      expect(decodePortWord(Uint8Array.of(v.frame[1] as number, v.frame[2] as number))).toBe(v.word)
    })

  it('pin bits: pin n is bit n, port 1/B holds pins 8-15', () => {
    expect(pinBit(0x1234, 2)).toBe(true)
    expect(pinBit(0x1234, 3)).toBe(false)
    expect(pinBit(0x1234, 12)).toBe(true)
    expect(withPinBit(0x0000, 15, true)).toBe(0x8000)
    expect(withPinBit(0xffff, 8, false)).toBe(0xfeff)
    expect(decodePortWord(Uint8Array.of(1))).toBeUndefined()
  })

  it('input polarity inversion is undone', () => {
    // Input register reads 0x00f0 with polarity 0x000f set: actual pins 0x00ff.
    expect(pinLevelsFromInput(0x00f0, 0x000f)).toBe(0x00ff)
  })
})

describe("virtual expanders follow each chip's pointer rules", () => {
  it('PCA9555: power-up values; a 2-byte access toggles within the pair', () => {
    const chip = createVirtualExpander('pca9555')
    chip.inputLevel = (pin) => pin === 0 || pin === 9
    const latch = chip.writeRead(Uint8Array.of(0x02), 2)
    expect(latch.ok && bytes(latch.value)).toEqual([0xff, 0xff])
    const direction = chip.writeRead(Uint8Array.of(0x06), 2)
    expect(direction.ok && bytes(direction.value)).toEqual([0xff, 0xff])
    const input = chip.writeRead(Uint8Array.of(0x00), 2)
    expect(input.ok && bytes(input.value)).toEqual([0x01, 0x02])
    // Three data bytes at 0x03: 0x03, then 0x02, then 0x03 again.
    chip.write(Uint8Array.of(0x03, 0xaa, 0xbb, 0xcc))
    expect([chip.register(0x02), chip.register(0x03)]).toEqual([0xbb, 0xcc])
    // The input port is read-only.
    chip.write(Uint8Array.of(0x00, 0x55))
    expect(chip.register(0x00)).toBe(0)
  })
  it('PCA9555: polarity inversion applies to the input register only', () => {
    const chip = createVirtualExpander('pca9555')
    chip.inputLevel = () => false
    chip.write(Uint8Array.of(0x04, 0x0f, 0x00))
    const input = chip.writeRead(Uint8Array.of(0x00), 2)
    expect(input.ok && bytes(input.value)).toEqual([0x0f, 0x00])
  })
  it('MCP23017: sequential pointer; writing GPIO writes OLAT; outputs read back on GPIO', () => {
    const chip = createVirtualExpander('mcp23017')
    chip.inputLevel = () => false
    chip.write(Uint8Array.of(0x14, 0x03, 0x80))
    chip.write(Uint8Array.of(0x00, 0x00, 0x00))
    const gpio = chip.writeRead(Uint8Array.of(0x12), 4)
    expect(gpio.ok && bytes(gpio.value)).toEqual([0x03, 0x80, 0x03, 0x80])
    chip.write(Uint8Array.of(0x12, 0x01))
    expect(chip.register(0x14)).toBe(0x01)
  })
  it('stuck pins ignore the latch; NACK faults are counted', () => {
    const chip = createVirtualExpander('pca9555')
    chip.write(Uint8Array.of(0x06, 0x00, 0x00))
    chip.faults.stuckPins.set(3, true)
    chip.write(Uint8Array.of(0x02, 0x00, 0x00))
    expect(chip.pinLevel(3)).toBe(true)
    expect(chip.pinLevel(2)).toBe(false)
    chip.faults.nackWrites = 1
    expect(chip.write(Uint8Array.of(0x02, 0xff, 0xff)).ok).toBe(false)
    expect(chip.register(0x02)).toBe(0x00)
    expect(chip.write(Uint8Array.of(0x02, 0xff, 0xff)).ok).toBe(true)
  })
})

describe('codec round trips', () => {
  const kinds = ['pca9555', 'tca9555', 'mcp23017'] as const
  test.prop(
    [
      fc.constantFrom(...kinds),
      fc.constantFrom('outputLatch', 'direction', 'inputPolarity'),
      fc.integer({ min: 0, max: 0xffff }),
    ],
    { numRuns: 200 },
  )('a register pair written with encodePortWrite reads back as the same word', (kind, register, word) => {
    const chip = createVirtualExpander(kind)
    const address = expanderRegisterMap(kind)[register]
    expect(chip.write(encodePortWrite(address, word)).ok).toBe(true)
    const read = chip.writeRead(Uint8Array.of(address), 2)
    expect(read.ok && decodePortWord(read.value)).toBe(word)
  })

  test.prop([fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 0, max: 15 }), fc.boolean()], {
    numRuns: 200,
  })('withPinBit changes exactly one bit', (word, pin, level) => {
    const next = withPinBit(word, pin, level)
    expect(pinBit(next, pin)).toBe(level)
    expect(next & ~(1 << pin)).toBe(word & ~(1 << pin) & 0xffff)
  })
})
