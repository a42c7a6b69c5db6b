/**
 * Test double. An I2cTransport that plays a script: each call must match the next expectation (op,
 * address, bytes written, length read) and gets its scripted reply or CommError. A call that does not
 * match throws with a message naming both sides (and is remembered, so `assertDone()` fails too, even if
 * the code under test swallowed the rejection); `assertDone()` also fails on expectations left over.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import type { I2cTransport } from '../smbus/I2cTransport.js'

/**
 * One expected transaction of a scripted transport (write, read or write-read) with its reply or `CommError`.
 */
export type ScriptedStep =
  | {
      readonly op: 'write'
      readonly address: number
      readonly bytes: readonly number[]
      readonly error?: CommError
    }
  | {
      readonly op: 'read'
      readonly address: number
      readonly length: number
      readonly reply?: readonly number[]
      readonly error?: CommError
    }
  | {
      readonly op: 'writeRead'
      readonly address: number
      readonly bytes: readonly number[]
      readonly length: number
      readonly reply?: readonly number[]
      readonly error?: CommError
    }

/**
 * An `I2cTransport` that plays a script, checking every call; `assertDone` fails on mismatches or leftovers.
 */
export interface ScriptedTransport extends I2cTransport {
  /** Appends expectations to the script. */
  expect(...steps: readonly ScriptedStep[]): void
  /** Throws if any expectation is left or any call did not match. */
  assertDone(): void
  /** Every call made, in order, as text (for failure messages). */
  readonly calls: readonly string[]
}

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`
const hexes = (bytes: ArrayLike<number>): string => `[${Array.from(bytes, hex).join(' ')}]`

const describeStep = (s: ScriptedStep): string => {
  switch (s.op) {
    case 'write':
      return `write(${hex(s.address)}, ${hexes(s.bytes)})`
    case 'read':
      return `read(${hex(s.address)}, ${s.length})`
    case 'writeRead':
      return `writeRead(${hex(s.address)}, ${hexes(s.bytes)}, ${s.length})`
  }
}

const sameBytes = (a: ArrayLike<number>, b: ArrayLike<number>): boolean =>
  a.length === b.length && Array.from(a).every((x, i) => x === b[i])

export const scriptedTransport = (steps: readonly ScriptedStep[] = []): ScriptedTransport => {
  const script: ScriptedStep[] = [...steps]
  const calls: string[] = []
  const failures: string[] = []
  let position = 0

  const next = (actual: ScriptedStep, matches: (s: ScriptedStep) => boolean): ScriptedStep => {
    const text = describeStep(actual)
    calls.push(text)
    const expected = script[position]
    if (expected === undefined || !matches(expected)) {
      const message = `scriptedTransport: call #${calls.length} ${text} does not match ${
        expected === undefined
          ? 'the end of the script'
          : `expected step #${position + 1} ${describeStep(expected)}`
      }`
      failures.push(message)
      throw new Error(message)
    }
    position++
    return expected
  }

  // The reply is returned as scripted, even of the wrong length, so callers' length checks can be tested.
  const reply = (step: ScriptedStep): Either<CommError, Uint8Array> => {
    if (step.error !== undefined) return E.left(step.error)
    return E.right(Uint8Array.from(step.op === 'write' ? [] : (step.reply ?? [])))
  }

  return {
    calls,
    expect: (...more) => {
      script.push(...more)
    },
    assertDone: () => {
      const problems = [...failures]
      if (position < script.length) {
        problems.push(
          `scriptedTransport: ${script.length - position} expectation(s) left, next ${describeStep(script[position] as ScriptedStep)}`,
        )
      }
      if (problems.length > 0) throw new Error(`${problems.join('\n')}\ncalls made:\n  ${calls.join('\n  ')}`)
    },
    write: async (address, bytes) => {
      const step = next(
        { op: 'write', address, bytes: Array.from(bytes) },
        (s) => s.op === 'write' && s.address === address && sameBytes(s.bytes, bytes),
      )
      return E.map(() => undefined)(reply(step))
    },
    read: async (address, length) => {
      const step = next(
        { op: 'read', address, length },
        (s) => s.op === 'read' && s.address === address && s.length === length,
      )
      return reply(step)
    },
    writeRead: async (address, bytes, length) => {
      const step = next(
        { op: 'writeRead', address, bytes: Array.from(bytes), length },
        (s) =>
          s.op === 'writeRead' && s.address === address && s.length === length && sameBytes(s.bytes, bytes),
      )
      return reply(step)
    },
  }
}
