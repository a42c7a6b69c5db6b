import { describe, expect, test } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import { createTimedTransport, transactionMs } from '../../src/loop/createTimedTransport.js'
import type { I2cTransport } from '@busbar/adapters-pmbus'

describe('I2C bus time', () => {
  test('at 100 kHz a STATUS_WORD read with PEC plus a mux select is about 0.75 ms', () => {
    const select = transactionMs(100, 1, 0, false) // mux control byte
    const statusWord = transactionMs(100, 1, 3, true) // command, 2 data bytes + PEC, repeated start
    expect(select).toBeCloseTo(0.2, 2)
    expect(statusWord).toBeCloseTo(0.57, 2)
    expect(select + statusWord).toBeGreaterThan(0.7)
    expect(select + statusWord).toBeLessThan(0.8)
    expect(transactionMs(400, 1, 3, true)).toBeCloseTo(0.1425, 4)
  })

  test('each transaction advances the clock by its bus time, after the device answered', async () => {
    let now = 100
    const seen: number[] = []
    const inner: I2cTransport = {
      write: async () => (seen.push(now), E.right(undefined)),
      read: async (_a, n) => (seen.push(now), E.right(new Uint8Array(n))),
      writeRead: async (_a, _b, n) => (seen.push(now), E.right(new Uint8Array(n))),
    }
    const t = createTimedTransport(inner, { now: () => now, advanceTo: (ms) => (now = ms) }, 100)
    await t.writeRead(0x58, Uint8Array.of(0x79), 3)
    await t.write(0x70, Uint8Array.of(1))
    expect(seen).toEqual([100, 100 + transactionMs(100, 1, 3, true)])
    expect(t.busTimeMs()).toBeCloseTo(transactionMs(100, 1, 3, true) + transactionMs(100, 1, 0, false), 9)
  })
})
