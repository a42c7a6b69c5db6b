import { describe, expect, expectTypeOf } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import type { AlertLine } from '../../../adapters-pmbus/src/alert/AlertLine.js'
import type { LinuxAlertLine } from '../../src/bindings/linux-gpio/openAlertLine.js'
import {
  CHIP_INFO_SIZE,
  decodeChipInfo,
  decodeLineEvents,
  decodeLineRequestFd,
  encodeLineRequest,
  encodeLineValues,
  GPIO_GET_CHIPINFO_IOCTL,
  GPIO_V2_GET_LINE_IOCTL,
  GPIO_V2_LINE_GET_VALUES_IOCTL,
  GPIO_V2_LINE_SET_VALUES_IOCTL,
  LINE_EVENT_SIZE,
  LINE_REQUEST_SIZE,
  LINE_VALUES_SIZE,
  lineFlag,
  lineValueAt,
} from '../../src/bindings/linux-gpio/gpioV2Layout.js'

const iowr = (nr: number, size: number): number => ((3 << 30) | (size << 16) | (0xb4 << 8) | nr) >>> 0
const ior = (nr: number, size: number): number => ((2 << 30) | (size << 16) | (0xb4 << 8) | nr) >>> 0

describe('GPIO v2 ioctl numbers and struct sizes (linux/gpio.h, gcc on x86-64)', () => {
  test('sizes', () => {
    expect([LINE_REQUEST_SIZE, LINE_VALUES_SIZE, LINE_EVENT_SIZE, CHIP_INFO_SIZE]).toEqual([592, 16, 48, 68])
  })
  test('ioctl numbers are _IOWR/_IOR(0xB4, nr, sizeof)', () => {
    expect(GPIO_V2_GET_LINE_IOCTL).toBe(iowr(0x07, 592))
    expect(GPIO_V2_LINE_GET_VALUES_IOCTL).toBe(iowr(0x0e, 16))
    expect(GPIO_V2_LINE_SET_VALUES_IOCTL).toBe(iowr(0x0f, 16))
    expect(GPIO_GET_CHIPINFO_IOCTL).toBe(ior(0x01, 68))
  })
  test('flag bits', () => {
    expect(lineFlag).toMatchObject({
      activeLow: 2n,
      input: 4n,
      output: 8n,
      edgeRising: 16n,
      edgeFalling: 32n,
      openDrain: 64n,
    })
  })
})

describe('struct gpio_v2_line_request', () => {
  test('offsets, consumer, flags, num_lines and the output-values attribute land at the header offsets', () => {
    const bytes = encodeLineRequest({
      offsets: [3, 7, 1],
      consumer: 'busbar',
      flags: lineFlag.output | lineFlag.openDrain,
      outputValues: [true, false, true],
      eventBufferSize: 0,
    })
    const view = new DataView(bytes.buffer)
    expect([
      view.getUint32(0, true),
      view.getUint32(4, true),
      view.getUint32(8, true),
      view.getUint32(12, true),
    ]).toEqual([3, 7, 1, 0])
    expect(new TextDecoder().decode(bytes.subarray(256, 262))).toBe('busbar')
    expect(bytes[262]).toBe(0)
    expect(view.getBigUint64(288, true)).toBe(72n) // config.flags
    expect(view.getUint32(296, true)).toBe(1) // config.num_attrs
    expect(view.getUint32(320, true)).toBe(2) // attrs[0].attr.id = OUTPUT_VALUES
    expect(view.getBigUint64(328, true)).toBe(0b101n) // attrs[0].attr.values: lines 0 and 2 high
    expect(view.getBigUint64(336, true)).toBe(0b111n) // attrs[0].mask: all three lines
    expect(view.getUint32(560, true)).toBe(3) // num_lines
  })

  test('inputs carry no attribute, and the kernel-written fd is read from offset 588', () => {
    const bytes = encodeLineRequest({
      offsets: [0],
      consumer: 'x',
      flags: lineFlag.input | lineFlag.edgeFalling,
      eventBufferSize: 32,
    })
    const view = new DataView(bytes.buffer)
    expect(view.getUint32(296, true)).toBe(0)
    expect(view.getUint32(564, true)).toBe(32)
    view.setInt32(588, 11, true)
    expect(decodeLineRequestFd(bytes)).toBe(11)
  })

  test('a 64-line request masks all 64 output bits', () => {
    const offsets = Array.from({ length: 64 }, (_, i) => i)
    const bytes = encodeLineRequest({
      offsets,
      consumer: 'b',
      flags: lineFlag.output,
      outputValues: offsets.map(() => false),
      eventBufferSize: 0,
    })
    expect(new DataView(bytes.buffer).getBigUint64(336, true)).toBe((1n << 64n) - 1n)
  })

  test('a long consumer is cut to 31 bytes so the field stays NUL-terminated', () => {
    const bytes = encodeLineRequest({
      offsets: [0],
      consumer: 'c'.repeat(40),
      flags: lineFlag.input,
      eventBufferSize: 0,
    })
    expect(bytes[256 + 30]).toBe(0x63)
    expect(bytes[256 + 31]).toBe(0)
  })
})

describe('struct gpio_v2_line_values', () => {
  test.prop(
    [
      fc.uniqueArray(fc.integer({ min: 0, max: 63 }), { minLength: 1, maxLength: 64 }),
      fc.infiniteStream(fc.boolean()),
    ],
    { numRuns: 200 },
  )('bits and mask are indexed by position in the request, and read back', (indexes, levels) => {
    const values = indexes.map((index) => ({ index, value: levels.next().value as boolean }))
    const bytes = encodeLineValues(values)
    const mask = new DataView(bytes.buffer).getBigUint64(8, true)
    for (const { index, value } of values) {
      expect(lineValueAt(bytes, index)).toBe(value)
      expect((mask >> BigInt(index)) & 1n).toBe(1n)
    }
    expect(
      mask
        .toString(2)
        .split('')
        .filter((c) => c === '1').length,
    ).toBe(indexes.length)
  })
})

describe('struct gpio_v2_line_event', () => {
  test('records decode field by field', () => {
    const bytes = new Uint8Array(2 * 48)
    const view = new DataView(bytes.buffer)
    view.setBigUint64(0, 123_456_789_000n, true)
    view.setUint32(8, 2, true) // falling
    view.setUint32(12, 5, true)
    view.setUint32(16, 1, true)
    view.setUint32(20, 1, true)
    view.setBigUint64(48, 123_500_000_000n, true)
    view.setUint32(56, 1, true) // rising
    view.setUint32(60, 5, true)
    view.setUint32(64, 2, true)
    view.setUint32(68, 2, true)
    expect(decodeLineEvents(bytes)).toEqual([
      { timestampNs: 123_456_789_000n, edge: 'falling', offset: 5, seqno: 1, lineSeqno: 1 },
      { timestampNs: 123_500_000_000n, edge: 'rising', offset: 5, seqno: 2, lineSeqno: 2 },
    ])
  })
  test('a partial record is not decoded', () => {
    expect(decodeLineEvents(new Uint8Array(47))).toEqual([])
  })
})

test('struct gpiochip_info decodes name, label and line count', () => {
  const bytes = new Uint8Array(68)
  bytes.set(new TextEncoder().encode('gpiochip0'), 0)
  bytes.set(new TextEncoder().encode('cp2112_gpio'), 32)
  new DataView(bytes.buffer).setUint32(64, 8, true)
  expect(decodeChipInfo(bytes)).toEqual({ name: 'gpiochip0', label: 'cp2112_gpio', lines: 8 })
})

test("LinuxAlertLine is usable as the PMBus adapter's AlertLine", () => {
  expectTypeOf<LinuxAlertLine>().toMatchTypeOf<AlertLine>()
})
