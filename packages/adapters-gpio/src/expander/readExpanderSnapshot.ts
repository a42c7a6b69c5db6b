/**
 * Reads an expander's output latch, direction, input polarity and pin levels over an `I2cBus`
 * (four 2-byte register-pair reads). Reads only: never changes a pin.
 */
import type { Either } from 'fp-ts/lib/Either.js'
import { isLeft, left, right } from 'fp-ts/lib/Either.js'
import type { I2cBus } from '../lines/GpioLines.js'
import type { ExpanderWiring } from '../wiring/Wiring.js'
import { expanderRegisterMap } from './expanderRegisterMap.js'
import { decodePortWord, pinLevelsFromInput } from './portWord.js'

/**
 * An expander's registers as read: output latch, direction, input polarity and actual pin levels (16-bit
 * words).
 */
export interface ExpanderSnapshot {
  readonly outputLatch: number
  /** 1 = input, 0 = output. */
  readonly direction: number
  readonly inputPolarity: number
  /** Actual pin levels (input register with the polarity inversion undone). */
  readonly pinLevels: number
}

/** A failed expander or GPIO transaction (NACK, I/O error, thrown exception, short read), described. */
export interface HardwareFault {
  readonly _tag: 'TransportError'
  readonly detail: string
}

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`

export const describeBusError = (error: { readonly _tag: string }): string => {
  const { _tag, ...rest } = error as Record<string, unknown>
  const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : ''
  return `${String(_tag)}${fields}`
}

/** Reads one register pair as a 16-bit word. */
export const readPortWord = async (
  bus: I2cBus,
  expander: ExpanderWiring,
  register: number,
): Promise<Either<HardwareFault, number>> => {
  const where = `${expander.kind} ${expander.id} at ${hex(expander.address)} register ${hex(register)}`
  let result
  try {
    result = await bus.writeRead(expander.address, Uint8Array.of(register), 2)
  } catch (thrown) {
    return left({ _tag: 'TransportError', detail: `read ${where}: threw ${String(thrown)}` })
  }
  if (isLeft(result))
    return left({ _tag: 'TransportError', detail: `read ${where}: ${describeBusError(result.left)}` })
  const word = decodePortWord(result.right)
  if (word === undefined)
    return left({
      _tag: 'TransportError',
      detail: `read ${where}: got ${result.right.length} bytes, expected 2`,
    })
  return right(word)
}

/** Writes one register pair. */
export const writePortWord = async (
  bus: I2cBus,
  expander: ExpanderWiring,
  frame: Uint8Array,
): Promise<Either<HardwareFault, void>> => {
  const where = `${expander.kind} ${expander.id} at ${hex(expander.address)} register ${hex(frame[0] ?? 0)}`
  let result
  try {
    result = await bus.write(expander.address, frame)
  } catch (thrown) {
    return left({ _tag: 'TransportError', detail: `write ${where}: threw ${String(thrown)}` })
  }
  if (isLeft(result))
    return left({ _tag: 'TransportError', detail: `write ${where}: ${describeBusError(result.left)}` })
  return right(undefined)
}

/** I/O, read-only. Reads an expander's four register pairs over I2C into an `ExpanderSnapshot`. */
export const readExpanderSnapshot = async (
  bus: I2cBus,
  expander: ExpanderWiring,
): Promise<Either<HardwareFault, ExpanderSnapshot>> => {
  const map = expanderRegisterMap(expander.kind)
  const outputLatch = await readPortWord(bus, expander, map.outputLatch)
  if (isLeft(outputLatch)) return outputLatch
  const direction = await readPortWord(bus, expander, map.direction)
  if (isLeft(direction)) return direction
  const inputPolarity = await readPortWord(bus, expander, map.inputPolarity)
  if (isLeft(inputPolarity)) return inputPolarity
  const input = await readPortWord(bus, expander, map.input)
  if (isLeft(input)) return input
  return right({
    outputLatch: outputLatch.right,
    direction: direction.right,
    inputPolarity: inputPolarity.right,
    pinLevels: pinLevelsFromInput(input.right, inputPolarity.right),
  })
}
