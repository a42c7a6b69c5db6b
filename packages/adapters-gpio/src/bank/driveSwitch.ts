/**
 * Commands one switch open or closed: a read-modify-write of its expander's output latch (from the
 * latch words the caller read and keeps, so other pins keep their level), or one GPIO line set.
 */
import type { Either } from 'fp-ts/lib/Either.js'
import { isLeft, left, right } from 'fp-ts/lib/Either.js'
import { expanderRegisterMap } from '../expander/expanderRegisterMap.js'
import { encodePortWrite, withPinBit } from '../expander/portWord.js'
import type { HardwareFault } from '../expander/readExpanderSnapshot.js'
import { writePortWord } from '../expander/readExpanderSnapshot.js'
import type { SwitchWiring } from '../wiring/Wiring.js'
import { levelFor } from '../wiring/Wiring.js'
import type { SwitchBank } from './SwitchBank.js'

/** Latch words by expander id, kept current by `driveSwitch`. */
export type LatchWords = Map<string, number>

export const driveSwitch = async (
  bank: SwitchBank,
  latches: LatchWords,
  sw: SwitchWiring,
  closed: boolean,
): Promise<Either<HardwareFault, void>> => {
  const level = levelFor(sw.polarity, closed)
  const output = sw.output
  if (output._tag === 'GpioLine') {
    if (bank.gpio === undefined)
      return left({ _tag: 'TransportError', detail: `gpio line ${output.offset}: no GpioLines given` })
    let result
    try {
      result = await bank.gpio.set([{ offset: output.offset, value: level }])
    } catch (thrown) {
      return left({
        _tag: 'TransportError',
        detail: `gpio set line ${output.offset}: threw ${String(thrown)}`,
      })
    }
    if (isLeft(result))
      return left({
        _tag: 'TransportError',
        detail: `gpio set line ${output.offset}: ${JSON.stringify(result.left)}`,
      })
    return right(undefined)
  }
  const expander = bank.wiring.expanders.find((e) => e.id === output.expander)
  const current = latches.get(output.expander)
  if (expander === undefined || current === undefined || bank.i2c === undefined)
    return left({
      _tag: 'TransportError',
      detail: `expander ${output.expander}: not read or no I2C bus given`,
    })
  const next = withPinBit(current, output.pin, level)
  const written = await writePortWord(
    bank.i2c,
    expander,
    encodePortWrite(expanderRegisterMap(expander.kind).outputLatch, next),
  )
  if (isLeft(written)) {
    // The chip may or may not have latched the word: forget it so the next drive re-reads it.
    latches.delete(output.expander)
    return written
  }
  latches.set(output.expander, next)
  return right(undefined)
}
