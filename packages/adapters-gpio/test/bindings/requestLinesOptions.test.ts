import { describe, expect, test } from 'vitest'
import {
  checkRequestLinesOptions,
  lineFlagsFor,
  performanceNowFromMonotonic,
} from '../../src/bindings/linux-gpio/requestLines.js'
import { lineFlag } from '../../src/bindings/linux-gpio/gpioV2Layout.js'

describe('checkRequestLinesOptions', () => {
  test('accepts a plain output request', () => {
    expect(
      checkRequestLinesOptions({
        offsets: [0, 1],
        direction: 'output',
        initialValues: [{ offset: 1, value: true }],
      }),
    ).toBeUndefined()
  })
  test.each([
    [{ offsets: [], direction: 'input' as const }, 'offsets must name at least one line'],
    [
      { offsets: Array.from({ length: 65 }, (_, i) => i), direction: 'input' as const },
      'offsets names 65 lines; one request holds at most 64',
    ],
    [
      { offsets: [1, -2], direction: 'input' as const },
      'offsets[1] = -2 is not a line offset (a non-negative integer)',
    ],
    [{ offsets: [4, 4], direction: 'input' as const }, 'offsets[1] = 4 appears twice'],
    [
      { offsets: [0], direction: 'output' as const, edges: 'falling' as const },
      'edges can only be detected on input lines',
    ],
    [
      { offsets: [0], direction: 'input' as const, drive: 'open-drain' as const },
      'drive (open-drain/open-source) applies to output lines only',
    ],
    [
      { offsets: [0], direction: 'output' as const, initialValues: [{ offset: 9, value: true }] },
      'initialValues[0].offset 9 is not in offsets',
    ],
  ])('refuses %j with a reason', (options, reason) => {
    expect(checkRequestLinesOptions(options)).toBe(reason)
  })
})

describe('lineFlagsFor', () => {
  test('direction, polarity, drive, bias and edges map to the v2 flags', () => {
    expect(lineFlagsFor({ offsets: [0], direction: 'output', drive: 'open-drain', activeLow: true })).toBe(
      lineFlag.output | lineFlag.openDrain | lineFlag.activeLow,
    )
    expect(lineFlagsFor({ offsets: [0], direction: 'input', edges: 'both', bias: 'pull-up' })).toBe(
      lineFlag.input | lineFlag.edgeRising | lineFlag.edgeFalling | lineFlag.biasPullUp,
    )
    expect(lineFlagsFor({ offsets: [0], direction: 'input', edges: 'none' })).toBe(lineFlag.input)
  })
})

test('kernel monotonic timestamps map onto the performance.now() timescale', () => {
  const toMs = performanceNowFromMonotonic()
  const now = performance.now()
  const mapped = toMs(process.hrtime.bigint())
  expect(Math.abs(mapped - now)).toBeLessThan(50)
})
