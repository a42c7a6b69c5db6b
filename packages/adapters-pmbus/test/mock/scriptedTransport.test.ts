import { describe, expect, test } from 'vitest'
import { scriptedTransport } from '../../src/mock/index.js'

const A = 0x58

describe('the scripted transport itself', () => {
  test('fails with a clear message on a call that does not match, and assertDone reports it and leftovers', async () => {
    const t = scriptedTransport([
      { op: 'writeRead', address: A, bytes: [0x79], length: 2, reply: [0, 0] },
      { op: 'write', address: A, bytes: [0x03] },
    ])
    await expect(t.writeRead(A, Uint8Array.of(0x7a), 2)).rejects.toThrow(
      'call #1 writeRead(0x58, [0x7a], 2) does not match expected step #1 writeRead(0x58, [0x79], 2)',
    )
    expect(() => t.assertDone()).toThrow(/does not match[\s\S]*2 expectation\(s\) left/)
  })
  test('a call past the end of the script fails', async () => {
    const t = scriptedTransport()
    await expect(t.read(0x0c, 1)).rejects.toThrow(
      'call #1 read(0x0c, 1) does not match the end of the script',
    )
  })
})
