/**
 * An `I2cBus` that expects an exact script of transactions and answers from it: each call is checked
 * against the next expected one (operation, address, bytes, length); a call that differs, or one past
 * the end, fails with `UnexpectedI2cCall` and is recorded in `mismatches`.
 */
import { left, right } from 'fp-ts/lib/Either.js'
import type { I2cBus } from '../lines/GpioLines.js'

/**
 * One expected I2C transaction of a script: a write (optionally NACKed), or a read / write-read with its
 * reply.
 */
export type ScriptedI2cCall =
  | {
      readonly op: 'write'
      readonly address: number
      readonly bytes: readonly number[]
      readonly nack?: boolean
    }
  | {
      readonly op: 'read'
      readonly address: number
      readonly length: number
      readonly reply: readonly number[]
    }
  | {
      readonly op: 'writeRead'
      readonly address: number
      readonly bytes: readonly number[]
      readonly reply: readonly number[]
    }

export interface ScriptedI2cBus extends I2cBus {
  /** Calls that did not match the script, described. */
  readonly mismatches: string[]
  /** Expected calls not made yet. */
  remaining(): number
}

const hexBytes = (bytes: ArrayLike<number>): string =>
  `[${Array.from(bytes, (b) => `0x${b.toString(16).padStart(2, '0')}`).join(' ')}]`

/**
 * An `I2cBus` that checks every call against an exact script and answers from it; mismatches are recorded.
 */
export const createScriptedI2cBus = (script: readonly ScriptedI2cCall[]): ScriptedI2cBus => {
  let next = 0
  const mismatches: string[] = []
  const fail = (actual: string) => {
    const expected = script[next]
    const message = `call ${next}: got ${actual}, expected ${expected === undefined ? 'no more calls' : describe(expected)}`
    mismatches.push(message)
    return left({ _tag: 'UnexpectedI2cCall', detail: message } as const)
  }
  const describe = (call: ScriptedI2cCall): string =>
    call.op === 'read'
      ? `read 0x${call.address.toString(16)} ${call.length} bytes`
      : `${call.op} 0x${call.address.toString(16)} ${hexBytes(call.bytes)}${call.op === 'writeRead' ? ` ${call.reply.length} bytes` : ''}`
  const same = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
    a.length === b.length && Array.from(a).every((x, i) => x === b[i])
  return {
    mismatches,
    remaining: () => script.length - next,
    write: async (address, bytes) => {
      const expected = script[next]
      const actual = `write 0x${address.toString(16)} ${hexBytes(bytes)}`
      if (expected?.op !== 'write' || expected.address !== address || !same(expected.bytes, bytes))
        return fail(actual)
      next += 1
      return expected.nack === true ? left({ _tag: 'I2cNack' } as const) : right(undefined)
    },
    read: async (address, length) => {
      const expected = script[next]
      const actual = `read 0x${address.toString(16)} ${length} bytes`
      if (expected?.op !== 'read' || expected.address !== address || expected.length !== length)
        return fail(actual)
      next += 1
      return right(Uint8Array.from(expected.reply))
    },
    writeRead: async (address, bytes, length) => {
      const expected = script[next]
      const actual = `writeRead 0x${address.toString(16)} ${hexBytes(bytes)} ${length} bytes`
      if (
        expected?.op !== 'writeRead' ||
        expected.address !== address ||
        !same(expected.bytes, bytes) ||
        expected.reply.length !== length
      )
        return fail(actual)
      next += 1
      return right(Uint8Array.from(expected.reply))
    },
  }
}
