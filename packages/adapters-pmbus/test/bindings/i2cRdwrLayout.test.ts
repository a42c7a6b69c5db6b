import { describe, expect } from 'vitest'
import { fc, test } from '@fast-check/vitest'
import {
  decodeI2cMessages,
  encodeI2cMessages,
  encodeRdwrIoctlData,
  I2C_M_RD,
  I2C_MSG_SIZE,
  I2C_RDWR,
} from '../../src/bindings/linux/i2cRdwrLayout.js'

// Offsets from linux/i2c.h and linux/i2c-dev.h as compiled by gcc on x86-64:
// sizeof(struct i2c_msg) = 16, buf at 8; sizeof(struct i2c_rdwr_ioctl_data) = 16, nmsgs at 8.
describe('I2C_RDWR layout', () => {
  test('constants match the uapi headers', () => {
    expect(I2C_RDWR).toBe(0x0707)
    expect(I2C_M_RD).toBe(0x0001)
    expect(I2C_MSG_SIZE).toBe(16)
  })

  test('a write-then-read pair packs to the exact struct i2c_msg bytes', () => {
    const bytes = encodeI2cMessages([
      { address: 0x58, read: false, length: 1, bufferAddress: 0x1122334455667788n },
      { address: 0x58, read: true, length: 3, bufferAddress: 0x00007f0000001000n },
    ])
    expect([...bytes]).toEqual([
      0x58, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x58,
      0x00, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x7f, 0x00, 0x00,
    ])
  })

  test('the ioctl data holds the message pointer then the count', () => {
    expect([...encodeRdwrIoctlData(0xdeadbeef00n, 2)]).toEqual([
      0x00, 0xef, 0xbe, 0xad, 0xde, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    ])
  })

  test.prop(
    [
      fc.array(
        fc.record({
          address: fc.integer({ min: 0, max: 0x7f }),
          read: fc.boolean(),
          length: fc.integer({ min: 0, max: 8192 }),
          bufferAddress: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
        }),
        { maxLength: 42 },
      ),
    ],
    { numRuns: 200 },
  )('messages round-trip through the packed array', (messages) => {
    const bytes = encodeI2cMessages(messages)
    expect(bytes.length).toBe(messages.length * 16)
    expect(decodeI2cMessages(bytes)).toEqual(messages)
  })
})
