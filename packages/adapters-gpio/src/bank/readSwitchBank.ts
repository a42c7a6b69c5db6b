/**
 * Reads every expander the wiring declares and every GPIO line it names, and derives each switch's state
 * from what was read (pure part: `switchReadbacks`). Reads only.
 */
import type { Either } from 'fp-ts/lib/Either.js'
import { isLeft, left, right } from 'fp-ts/lib/Either.js'
import type { SwitchState } from '@busbar/core'
import type { ExpanderSnapshot, HardwareFault } from '../expander/readExpanderSnapshot.js'
import { readExpanderSnapshot } from '../expander/readExpanderSnapshot.js'
import { pinBit } from '../expander/portWord.js'
import type { SignalRef, SwitchWiring, Wiring } from '../wiring/Wiring.js'
import { closedFor } from '../wiring/Wiring.js'
import type { SwitchBank } from './SwitchBank.js'

/** Raw levels read from a bank: each expander's registers by id and each GPIO line's level by offset. */
export interface BankSnapshot {
  readonly expanders: ReadonlyMap<string, ExpanderSnapshot>
  readonly gpioLevels: ReadonlyMap<number, boolean>
}

/** What one switch looks like on the hardware. */
export interface SwitchReadback {
  readonly supply: string
  readonly bus: string
  /** The level the output is commanded to (expander latch; for a GPIO line, the level read back). */
  readonly latchClosed: boolean
  /** The level actually on the pin (what the switch driver sees). */
  readonly driveClosed: boolean
  /** False for an expander pin still configured as an input. */
  readonly isOutput: boolean
  /** The feedback input, when wired. */
  readonly feedbackClosed?: boolean
}

/**
 * The reported state of a switch: closed when its drive pin is at the closing level OR its feedback says
 * closed. Conservative on purpose: a welded relay (drive open, contact closed) and a switch whose
 * feedback never arrives (drive closed, feedback open) are both reported closed, which is what the
 * safety checks need ("could this supply be connected?").
 */
export const reportedClosed = (readback: SwitchReadback): boolean =>
  readback.driveClosed || readback.feedbackClosed === true

/**
 * Pure. Turns readbacks into core `SwitchState`s, a switch counting as closed when its drive pin or its
 * feedback says closed.
 */
export const toSwitchStates = (readbacks: readonly SwitchReadback[]): SwitchState[] =>
  readbacks.map((r) => ({ supply: r.supply, bus: r.bus, closed: reportedClosed(r) }))

export const gpioOffsetsOf = (wiring: Wiring): number[] => {
  const offsets = new Set<number>()
  for (const sw of wiring.switches) {
    if (sw.output._tag === 'GpioLine') offsets.add(sw.output.offset)
    if (sw.feedback?.input._tag === 'GpioLine') offsets.add(sw.feedback.input.offset)
  }
  return [...offsets].sort((a, b) => a - b)
}

/** Level of a signal in a snapshot; undefined when its expander or line was not read. */
export const signalLevel = (snapshot: BankSnapshot, signal: SignalRef): boolean | undefined => {
  if (signal._tag === 'GpioLine') return snapshot.gpioLevels.get(signal.offset)
  const expander = snapshot.expanders.get(signal.expander)
  return expander === undefined ? undefined : pinBit(expander.pinLevels, signal.pin)
}

/** Pure. One readback per switch whose hardware was read, in wiring order. */
export const switchReadbacks = (wiring: Wiring, snapshot: BankSnapshot): SwitchReadback[] => {
  const readbacks: SwitchReadback[] = []
  for (const sw of wiring.switches) {
    const readback = switchReadback(sw, snapshot)
    if (readback !== undefined) readbacks.push(readback)
  }
  return readbacks
}

export const switchReadback = (sw: SwitchWiring, snapshot: BankSnapshot): SwitchReadback | undefined => {
  const drive = signalLevel(snapshot, sw.output)
  if (drive === undefined) return undefined
  let latch = drive
  let isOutput = true
  if (sw.output._tag === 'ExpanderPin') {
    const expander = snapshot.expanders.get(sw.output.expander)
    if (expander === undefined) return undefined
    latch = pinBit(expander.outputLatch, sw.output.pin)
    isOutput = !pinBit(expander.direction, sw.output.pin)
  }
  const base = {
    supply: sw.supply,
    bus: sw.bus,
    latchClosed: closedFor(sw.polarity, latch),
    driveClosed: closedFor(sw.polarity, drive),
    isOutput,
  }
  if (sw.feedback === undefined) return base
  const feedback = signalLevel(snapshot, sw.feedback.input)
  if (feedback === undefined) return undefined
  return { ...base, feedbackClosed: closedFor(sw.feedback.polarity, feedback) }
}

/**
 * Reads the whole bank. Expanders that fail to read are left out of the snapshot and named in `faults`,
 * so a caller can still report the switches it could read.
 */
export const readSwitchBank = async (
  bank: SwitchBank,
  only?: ReadonlySet<string>,
): Promise<{ readonly snapshot: BankSnapshot; readonly faults: readonly HardwareFault[] }> => {
  const expanders = new Map<string, ExpanderSnapshot>()
  const gpioLevels = new Map<number, boolean>()
  const faults: HardwareFault[] = []
  for (const expander of bank.wiring.expanders) {
    if (only !== undefined && !only.has(expander.id)) continue
    if (bank.i2c === undefined) {
      faults.push({ _tag: 'TransportError', detail: `expander ${expander.id}: no I2C bus given` })
      continue
    }
    const snapshot = await readExpanderSnapshot(bank.i2c, expander)
    if (isLeft(snapshot)) faults.push(snapshot.left)
    else expanders.set(expander.id, snapshot.right)
  }
  const offsets = gpioOffsetsOf(bank.wiring)
  if (offsets.length > 0) {
    const levels = await readGpioLevels(bank, offsets)
    if (isLeft(levels)) faults.push(levels.left)
    else for (const [offset, value] of levels.right) gpioLevels.set(offset, value)
  }
  return { snapshot: { expanders, gpioLevels }, faults }
}

export const readGpioLevels = async (
  bank: SwitchBank,
  offsets: readonly number[],
): Promise<Either<HardwareFault, Map<number, boolean>>> => {
  if (bank.gpio === undefined)
    return left({ _tag: 'TransportError', detail: `gpio lines ${offsets.join(', ')}: no GpioLines given` })
  let result
  try {
    result = await bank.gpio.get(offsets)
  } catch (thrown) {
    return left({ _tag: 'TransportError', detail: `gpio get ${offsets.join(', ')}: threw ${String(thrown)}` })
  }
  if (isLeft(result))
    return left({
      _tag: 'TransportError',
      detail: `gpio get ${offsets.join(', ')}: ${JSON.stringify(result.left)}`,
    })
  const levels = new Map(result.right.map((v) => [v.offset, v.value] as const))
  const missing = offsets.filter((o) => !levels.has(o))
  if (missing.length > 0)
    return left({ _tag: 'TransportError', detail: `gpio get: no value for line(s) ${missing.join(', ')}` })
  return right(levels)
}
