/**
 * A mock `GpioLines`: output lines hold the level last set (unless stuck), input lines read an injected
 * `inputLevel`; injectable faults (failing sets and gets, stuck lines). Listeners hear every set.
 */
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type { GpioError, GpioLineValue, GpioLines } from '../lines/GpioLines.js'

/**
 * Faults a test injects into mock GPIO lines (mutable): failing sets and gets, output lines stuck at a level.
 */
export interface MockGpioFaults {
  /** Fail the next n `set` calls (Infinity: all) with GpioIoError, changing nothing. */
  failSets: number
  /** Fail the next n `get` calls. */
  failGets: number
  /** Output lines stuck at a level: they ignore `set`. */
  readonly stuckLines: Map<number, boolean>
}

export interface MockGpioLines extends GpioLines {
  readonly faults: MockGpioFaults
  /** Level seen on an input line; set by whoever wires the board. */
  inputLevel: (offset: number) => boolean
  /** The level on a line now (outputs: set level or stuck level; inputs: `inputLevel`). */
  level(offset: number): boolean
  onSet(listener: (values: readonly GpioLineValue[]) => void): () => void
}

/** Which mock line offsets are outputs and inputs, and the outputs' initial levels. */
export interface MockGpioLinesOptions {
  readonly outputs: readonly number[]
  readonly inputs?: readonly number[]
  /** Initial output levels (default low). */
  readonly initial?: ReadonlyMap<number, boolean>
}

/**
 * A mock `GpioLines` in memory: outputs hold the level last set, inputs read `inputLevel`, with injectable
 * faults.
 */
export const createMockGpioLines = (options: MockGpioLinesOptions): MockGpioLines => {
  const outputs = new Set(options.outputs)
  const inputs = new Set(options.inputs ?? [])
  const levels = new Map<number, boolean>()
  for (const offset of outputs) levels.set(offset, options.initial?.get(offset) ?? false)
  const faults: MockGpioFaults = { failSets: 0, failGets: 0, stuckLines: new Map() }
  const listeners = new Set<(values: readonly GpioLineValue[]) => void>()
  const offsets = [...new Set([...outputs, ...inputs])].sort((a, b) => a - b)
  const level = (offset: number): boolean =>
    outputs.has(offset)
      ? (faults.stuckLines.get(offset) ?? levels.get(offset) ?? false)
      : lines.inputLevel(offset)
  const lines: MockGpioLines = {
    offsets,
    faults,
    inputLevel: () => false,
    level,
    onSet: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    set: async (values): Promise<Either<GpioError, void>> => {
      for (const v of values) {
        if (!outputs.has(v.offset)) {
          if (inputs.has(v.offset))
            return left({ _tag: 'GpioIoError', detail: `line ${v.offset} is an input` })
          return left({ _tag: 'GpioLineNotRequested', offset: v.offset })
        }
      }
      if (faults.failSets > 0) {
        faults.failSets -= 1
        return left({ _tag: 'GpioIoError', detail: 'injected set failure' })
      }
      for (const v of values) levels.set(v.offset, v.value)
      for (const listener of listeners) listener(values)
      return right(undefined)
    },
    get: async (requested): Promise<Either<GpioError, readonly GpioLineValue[]>> => {
      for (const offset of requested)
        if (!outputs.has(offset) && !inputs.has(offset)) return left({ _tag: 'GpioLineNotRequested', offset })
      if (faults.failGets > 0) {
        faults.failGets -= 1
        return left({ _tag: 'GpioIoError', detail: 'injected get failure' })
      }
      return right(requested.map((offset) => ({ offset, value: level(offset) })))
    },
  }
  return lines
}
