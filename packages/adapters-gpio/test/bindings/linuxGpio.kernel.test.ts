// Runs inside the qemu guest (scripts/kernel/run-kernel-tests.sh) on Debian's kernel: the binding
// talks to the real GPIO character device (gpiolib-cdev, v2 uAPI). The chip behind it is the
// busbar-gpio-fixture test module (a sleeping chip with nested threaded edge interrupts, like an I2C
// expander); its debugfs files drive input levels and read line levels back as an independent oracle.
import { beforeAll, describe, expect, test } from 'vitest'
import { isLeft } from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { GpioEdgeEvent } from '../../src/bindings/linux-gpio/index.js'
import { openAlertLine, readGpioChipInfo, requestLines } from '../../src/bindings/linux-gpio/index.js'
import type { GpioFixture } from './gpioFixture.js'
import { openGpioFixture } from './gpioFixture.js'

const ok = <E, A>(result: Either<E, A>): A => {
  if (isLeft(result)) throw new Error(`expected Right, got ${JSON.stringify(result.left)}`)
  return result.right
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const waitFor = async (what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> => {
  const until = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await sleep(10)
  }
}

let chip: GpioFixture
beforeAll(async () => {
  chip = await openGpioFixture()
})

describe('GPIO v2 line requests', () => {
  test('chip info names the chip and its 16 lines', async () => {
    expect(ok(await readGpioChipInfo(chip.chipPath))).toMatchObject({
      label: 'busbar-gpio-fixture',
      lines: 16,
    })
  })

  test('outputs take their initial levels in the request itself', async () => {
    const lines = ok(
      await requestLines(chip.chipPath, {
        offsets: [0, 1, 2],
        direction: 'output',
        initialValues: [{ offset: 1, value: true }],
      }),
    )
    try {
      expect([0, 1, 2].map((o) => chip.levelOf(o))).toEqual([false, true, false])
    } finally {
      await lines.close()
    }
  })

  test('set moves several lines in one call; get reads them back in the order asked', async () => {
    const lines = ok(await requestLines(chip.chipPath, { offsets: [3, 4, 5, 6], direction: 'output' }))
    try {
      ok(
        await lines.set([
          { offset: 3, value: true },
          { offset: 5, value: true },
          { offset: 6, value: false },
        ]),
      )
      expect([3, 4, 5, 6].map((o) => chip.levelOf(o))).toEqual([true, false, true, false])
      expect(ok(await lines.get([6, 3, 5]))).toEqual([
        { offset: 6, value: false },
        { offset: 3, value: true },
        { offset: 5, value: true },
      ])
      ok(await lines.set([{ offset: 3, value: false }]))
      expect([3, 4, 5, 6].map((o) => chip.levelOf(o))).toEqual([false, false, true, false])
    } finally {
      await lines.close()
    }
  })

  test('lines outside the request are refused without an ioctl', async () => {
    const lines = ok(await requestLines(chip.chipPath, { offsets: [7], direction: 'output' }))
    try {
      expect(await lines.set([{ offset: 8, value: true }])).toEqual({
        _tag: 'Left',
        left: { _tag: 'GpioLineNotRequested', offset: 8 },
      })
      expect(await lines.get([9])).toEqual({
        _tag: 'Left',
        left: { _tag: 'GpioLineNotRequested', offset: 9 },
      })
      expect(chip.levelOf(7)).toBe(false)
    } finally {
      await lines.close()
    }
  })

  test('inputs read the levels driven from outside, and refuse to be set', async () => {
    chip.drive(8, false)
    chip.drive(9, true)
    const lines = ok(await requestLines(chip.chipPath, { offsets: [8, 9], direction: 'input' }))
    try {
      expect(ok(await lines.get([8, 9]))).toEqual([
        { offset: 8, value: false },
        { offset: 9, value: true },
      ])
      chip.drive(8, true)
      expect(ok(await lines.get([8]))).toEqual([{ offset: 8, value: true }])
      const refused = await lines.set([{ offset: 8, value: false }])
      expect(isLeft(refused) && refused.left).toMatchObject({
        _tag: 'GpioIoError',
        detail: expect.stringMatching(/EPERM/),
      })
    } finally {
      await lines.close()
    }
  })

  test('active-low inverts values in both directions', async () => {
    chip.drive(10, false)
    const inputs = ok(
      await requestLines(chip.chipPath, { offsets: [10], direction: 'input', activeLow: true }),
    )
    const outputs = ok(
      await requestLines(chip.chipPath, {
        offsets: [11],
        direction: 'output',
        activeLow: true,
        initialValues: [{ offset: 11, value: true }],
      }),
    )
    try {
      expect(ok(await inputs.get([10]))).toEqual([{ offset: 10, value: true }])
      expect(chip.levelOf(11)).toBe(false)
    } finally {
      await inputs.close()
      await outputs.close()
      chip.drive(10, true)
    }
  })

  test('a line already requested is refused with EBUSY; an offset beyond the chip with EINVAL', async () => {
    const first = ok(await requestLines(chip.chipPath, { offsets: [12], direction: 'input' }))
    try {
      const second = await requestLines(chip.chipPath, { offsets: [12], direction: 'input' })
      expect(isLeft(second) && second.left).toMatchObject({
        _tag: 'GpioIoError',
        detail: expect.stringMatching(/EBUSY/),
      })
    } finally {
      await first.close()
    }
    const beyond = await requestLines(chip.chipPath, { offsets: [16], direction: 'input' })
    expect(isLeft(beyond) && beyond.left).toMatchObject({
      _tag: 'GpioIoError',
      detail: expect.stringMatching(/EINVAL/),
    })
  })

  test('released lines can be requested again', async () => {
    const first = ok(await requestLines(chip.chipPath, { offsets: [12], direction: 'output' }))
    await first.close()
    const again = ok(await requestLines(chip.chipPath, { offsets: [12], direction: 'output' }))
    await again.close()
    const afterClose = await first.get([12])
    expect(isLeft(afterClose) && afterClose.left).toMatchObject({
      _tag: 'GpioIoError',
      detail: expect.stringMatching(/closed/),
    })
  })
})

describe('edge events', () => {
  test('falling and rising edges arrive in order, on the right line, with timestamps in between the stimuli', async () => {
    chip.drive(13, true)
    const lines = ok(
      await requestLines(chip.chipPath, { offsets: [13, 14], direction: 'input', edges: 'both' }),
    )
    const events: GpioEdgeEvent[] = []
    const unsubscribe = lines.onEdge((event) => events.push(event))
    try {
      const t0 = performance.now()
      chip.drive(13, false)
      await waitFor('the falling edge', () => events.length >= 1)
      const t1 = performance.now()
      chip.drive(13, true)
      await waitFor('the rising edge', () => events.length >= 2)
      const t2 = performance.now()
      chip.drive(14, false)
      await waitFor('the edge on the other line', () => events.length >= 3)
      expect(events.map((e) => [e.offset, e.edge])).toEqual([
        [13, 'falling'],
        [13, 'rising'],
        [14, 'falling'],
      ])
      expect(events[0]!.atMs).toBeGreaterThanOrEqual(t0 - 1)
      expect(events[0]!.atMs).toBeLessThanOrEqual(t1 + 1)
      expect(events[1]!.atMs).toBeGreaterThanOrEqual(t1 - 1)
      expect(events[1]!.atMs).toBeLessThanOrEqual(t2 + 1)
      expect(events.map((e) => e.seqno)).toEqual([1, 2, 3])
      expect(events.map((e) => e.lineSeqno)).toEqual([1, 2, 1])
    } finally {
      unsubscribe()
      await lines.close()
      chip.drive(14, true)
    }
  })

  test('a falling-only request does not report rising edges', async () => {
    const lines = ok(
      await requestLines(chip.chipPath, { offsets: [15], direction: 'input', edges: 'falling' }),
    )
    const events: GpioEdgeEvent[] = []
    const unsubscribe = lines.onEdge((event) => events.push(event))
    try {
      chip.drive(15, false)
      chip.drive(15, true)
      chip.drive(15, false)
      await waitFor('two falling edges', () => events.length >= 2)
      await sleep(100)
      expect(events.map((e) => e.edge)).toEqual(['falling', 'falling'])
    } finally {
      unsubscribe()
      await lines.close()
      chip.drive(15, true)
    }
  })

  test('openAlertLine: SMBALERT# is active-low; onAssert fires on each fall, never on release', async () => {
    const alert = ok(await openAlertLine(chip.chipPath, 14))
    const asserts: number[] = []
    const unsubscribe = alert.onAssert((atMs) => asserts.push(atMs))
    try {
      expect(ok(await alert.isAsserted())).toBe(false)
      const pulledAt = performance.now()
      chip.drive(14, false)
      await waitFor('the assertion', () => asserts.length === 1)
      expect(asserts[0]!).toBeGreaterThanOrEqual(pulledAt - 1)
      expect(asserts[0]!).toBeLessThanOrEqual(performance.now() + 1)
      expect(ok(await alert.isAsserted())).toBe(true)

      chip.drive(14, true)
      await sleep(100)
      expect(asserts.length).toBe(1)
      expect(ok(await alert.isAsserted())).toBe(false)

      chip.drive(14, false)
      await waitFor('a second assertion', () => asserts.length === 2)
    } finally {
      unsubscribe()
      await alert.close()
      chip.drive(14, true)
    }
  })
})
