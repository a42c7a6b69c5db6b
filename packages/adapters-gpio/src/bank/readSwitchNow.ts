/**
 * Reads one switch's output latch, drive pin level and feedback input now (the per-step readback),
 * with as few register reads as the wiring allows.
 */
import type { Either } from 'fp-ts/lib/Either.js'
import { isLeft, left, right } from 'fp-ts/lib/Either.js'
import { expanderRegisterMap } from '../expander/expanderRegisterMap.js'
import { pinLevelsFromInput } from '../expander/portWord.js'
import type { ExpanderSnapshot, HardwareFault } from '../expander/readExpanderSnapshot.js'
import { readPortWord } from '../expander/readExpanderSnapshot.js'
import type { SwitchWiring } from '../wiring/Wiring.js'
import type { SwitchReadback } from './readSwitchBank.js'
import { readGpioLevels, switchReadback } from './readSwitchBank.js'
import type { SwitchBank } from './SwitchBank.js'

/**
 * `known` holds each expander's snapshot from the start of the plan: direction and input polarity are
 * taken from it (the executor never changes them); latch and pin levels are read fresh.
 */
export const readSwitchNow = async (
  bank: SwitchBank,
  known: ReadonlyMap<string, ExpanderSnapshot>,
  sw: SwitchWiring,
  what: 'all' | 'feedbackOnly' = 'all',
): Promise<Either<HardwareFault, SwitchReadback>> => {
  const expanderIds = new Set<string>()
  const offsets = new Set<number>()
  const signals = what === 'all' ? [sw.output, sw.feedback?.input] : [sw.feedback?.input, sw.output]
  for (const signal of signals) {
    if (signal === undefined) continue
    if (signal._tag === 'ExpanderPin') expanderIds.add(signal.expander)
    else offsets.add(signal.offset)
  }
  const expanders = new Map<string, ExpanderSnapshot>()
  for (const id of expanderIds) {
    const expander = bank.wiring.expanders.find((e) => e.id === id)
    const before = known.get(id)
    if (expander === undefined || before === undefined || bank.i2c === undefined)
      return left({ _tag: 'TransportError', detail: `expander ${id}: not read or no I2C bus given` })
    const map = expanderRegisterMap(expander.kind)
    const needsLatch = what === 'all' && sw.output._tag === 'ExpanderPin' && sw.output.expander === id
    let outputLatch = before.outputLatch
    if (needsLatch) {
      const latch = await readPortWord(bank.i2c, expander, map.outputLatch)
      if (isLeft(latch)) return latch
      outputLatch = latch.right
    }
    const input = await readPortWord(bank.i2c, expander, map.input)
    if (isLeft(input)) return input
    expanders.set(id, {
      ...before,
      outputLatch,
      pinLevels: pinLevelsFromInput(input.right, before.inputPolarity),
    })
  }
  let gpioLevels = new Map<number, boolean>()
  if (offsets.size > 0) {
    const levels = await readGpioLevels(
      bank,
      [...offsets].sort((a, b) => a - b),
    )
    if (isLeft(levels)) return levels
    gpioLevels = levels.right
  }
  const readback = switchReadback(sw, { expanders, gpioLevels })
  if (readback === undefined)
    return left({ _tag: 'TransportError', detail: `switch (${sw.supply}, ${sw.bus}): incomplete readback` })
  return right(readback)
}
