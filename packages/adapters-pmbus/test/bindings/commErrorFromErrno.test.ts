import { describe, expect, test } from 'vitest'
import { commErrorFromErrno } from '../../src/bindings/linux/commErrorFromErrno.js'
import { errnoName, linuxErrno } from '../../src/bindings/linux/linuxErrno.js'

describe('commErrorFromErrno', () => {
  test('ENXIO and EREMOTEIO are a NACK', () => {
    expect(commErrorFromErrno(6, 0x58, 'write')).toEqual({
      _tag: 'NoAck',
      address: 0x58,
      detail: 'write at 0x58: ENXIO',
    })
    expect(commErrorFromErrno(121, 0x20, 'read')).toMatchObject({ _tag: 'NoAck', address: 0x20 })
  })

  test('ETIMEDOUT is a timeout', () => {
    expect(commErrorFromErrno(110, 0x58, 'write-read')).toEqual({
      _tag: 'Timeout',
      address: 0x58,
      detail: 'write-read at 0x58: ETIMEDOUT',
    })
  })

  test('anything else is a BusError that names the errno', () => {
    expect(commErrorFromErrno(linuxErrno.EOPNOTSUPP, 0x58, 'write')).toEqual({
      _tag: 'BusError',
      address: 0x58,
      detail: 'write at 0x58: EOPNOTSUPP (errno 95)',
    })
    expect(commErrorFromErrno(linuxErrno.ENODEV, 0x0b, 'read')).toMatchObject({
      _tag: 'BusError',
      detail: 'read at 0x0b: ENODEV (errno 19)',
    })
    expect(commErrorFromErrno(4242, 0x01, 'read')).toMatchObject({
      _tag: 'BusError',
      detail: 'read at 0x01: errno 4242 (errno 4242)',
    })
  })

  test('errno names are the asm-generic Linux numbers', () => {
    expect([errnoName(5), errnoName(6), errnoName(16), errnoName(110), errnoName(121)]).toEqual([
      'EIO',
      'ENXIO',
      'EBUSY',
      'ETIMEDOUT',
      'EREMOTEIO',
    ])
  })
})
