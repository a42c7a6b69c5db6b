/**
 * I/O. GpioLines over the Linux GPIO character device v2: one GPIO_V2_GET_LINE_IOCTL request holds
 * up to 64 lines of one chip; set/get go through GPIO_V2_LINE_SET_VALUES / GET_VALUES, which the
 * kernel applies to all masked lines at once; edge events are read from the request fd when the
 * event loop sees it readable. Output lines get their initial (default inactive) level in the same
 * request that makes them outputs, so a switch enable never glitches on at start-up.
 */
import { closeSync, openSync, readSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type { GpioError, GpioLines, GpioLineValue } from '../../lines/GpioLines.js'
import type { LineEvent } from './gpioV2Layout.js'
import {
  decodeLineEvents,
  decodeLineRequestFd,
  encodeLineRequest,
  encodeLineValues,
  GPIO_V2_GET_LINE_IOCTL,
  GPIO_V2_LINE_GET_VALUES_IOCTL,
  GPIO_V2_LINE_SET_VALUES_IOCTL,
  GPIO_V2_LINES_MAX,
  LINE_EVENT_SIZE,
  LINE_REQUEST_SIZE,
  LINE_VALUES_SIZE,
  lineFlag,
  lineValueAt,
} from './gpioV2Layout.js'
import type { GpioLibc, PollHandle } from './libc.js'
import { loadGpioLibc } from './libc.js'
import { errnoName } from './errnoName.js'

/** Whether requested lines are read (`input`) or driven (`output`). */
export type LineDirection = 'input' | 'output'
/** Output drive mode of requested lines: push-pull, open-drain or open-source (GPIO_V2_LINE_FLAG_OPEN_*). */
export type LineDrive = 'push-pull' | 'open-drain' | 'open-source'
/**
 * Internal bias of requested lines; `as-is` leaves it to the chip (the board usually carries the pull
 * resistors).
 */
export type LineBias = 'as-is' | 'pull-up' | 'pull-down' | 'disabled'
/** Which edges of input lines the kernel timestamps and queues as events. */
export type LineEdges = 'none' | 'rising' | 'falling' | 'both'

/**
 * One GPIO v2 line request: the lines of one chip, their direction, initial levels, electrical options and
 * edges.
 */
export interface RequestLinesOptions {
  readonly offsets: readonly number[]
  readonly direction: LineDirection
  /** Levels output lines take when the request is granted; lines not named start inactive (false). */
  readonly initialValues?: readonly GpioLineValue[]
  /** Values and edges are logical: true = physically low, and a rising edge is a physical fall. */
  readonly activeLow?: boolean
  readonly drive?: LineDrive
  readonly bias?: LineBias
  /** Edge detection, inputs only. */
  readonly edges?: LineEdges
  /** Shown by the kernel as the lines' user (gpioinfo); at most 31 bytes. Default "busbar". */
  readonly consumer?: string
  /** Kernel event queue length; 0 (default) lets the kernel pick 16 per line. */
  readonly eventBufferSize?: number
  /**
   * Converts an event's CLOCK_MONOTONIC timestamp to the caller's milliseconds. Default: the
   * `performance.now()` timescale of this process (libuv reads the same monotonic clock).
   */
  readonly monotonicNsToMs?: (timestampNs: bigint) => number
}

/** One edge the kernel saw on a requested input line, with its timestamp in ms and sequence numbers. */
export interface GpioEdgeEvent {
  readonly offset: number
  readonly edge: 'rising' | 'falling'
  readonly atMs: number
  /** Kernel sequence numbers: a gap means the kernel queue overflowed and events were lost. */
  readonly seqno: number
  readonly lineSeqno: number
}

export interface LinuxGpioLines extends GpioLines {
  readonly chipPath: string
  /** Calls `listener` for every edge event (requires `edges`); returns unsubscribe. */
  onEdge(listener: (event: GpioEdgeEvent) => void): () => void
  /** Releases the lines (outputs keep their level as the chip driver leaves them). */
  close(): Promise<void>
}

const ioError = (detail: string): GpioError => ({ _tag: 'GpioIoError', detail })

export const performanceNowFromMonotonic = (): ((timestampNs: bigint) => number) => {
  const offsetMs = performance.now() - Number(process.hrtime.bigint() / 1000n) / 1000
  return (timestampNs) => Number(timestampNs / 1000n) / 1000 + offsetMs
}

/** Why `options` cannot be requested, or undefined when they can. */
export const checkRequestLinesOptions = (options: RequestLinesOptions): string | undefined => {
  const { offsets } = options
  if (offsets.length === 0) return 'offsets must name at least one line'
  if (offsets.length > GPIO_V2_LINES_MAX)
    return `offsets names ${offsets.length} lines; one request holds at most ${GPIO_V2_LINES_MAX}`
  const bad = offsets.findIndex((offset) => !Number.isInteger(offset) || offset < 0 || offset > 0xffffffff)
  if (bad >= 0)
    return `offsets[${bad}] = ${String(offsets[bad])} is not a line offset (a non-negative integer)`
  const duplicate = offsets.findIndex((offset, index) => offsets.indexOf(offset) !== index)
  if (duplicate >= 0) return `offsets[${duplicate}] = ${offsets[duplicate]!} appears twice`
  if (options.direction !== 'input' && options.direction !== 'output')
    return `direction must be "input" or "output"`
  if (options.direction === 'output' && options.edges !== undefined && options.edges !== 'none') {
    return 'edges can only be detected on input lines'
  }
  if (options.direction === 'input' && options.drive !== undefined && options.drive !== 'push-pull') {
    return 'drive (open-drain/open-source) applies to output lines only'
  }
  if (
    options.direction === 'input' &&
    options.initialValues !== undefined &&
    options.initialValues.length > 0
  ) {
    return 'initialValues apply to output lines only'
  }
  const stranger = (options.initialValues ?? []).findIndex((entry) => !offsets.includes(entry.offset))
  if (stranger >= 0)
    return `initialValues[${stranger}].offset ${options.initialValues![stranger]!.offset} is not in offsets`
  if ((options.consumer ?? '').length > 31) return 'consumer must be at most 31 bytes'
  return undefined
}

/** The v2 line flags for `options` (all lines of a request share them). */
export const lineFlagsFor = (options: RequestLinesOptions): bigint => {
  let flags = options.direction === 'output' ? lineFlag.output : lineFlag.input
  if (options.activeLow) flags |= lineFlag.activeLow
  if (options.drive === 'open-drain') flags |= lineFlag.openDrain
  if (options.drive === 'open-source') flags |= lineFlag.openSource
  if (options.bias === 'pull-up') flags |= lineFlag.biasPullUp
  if (options.bias === 'pull-down') flags |= lineFlag.biasPullDown
  if (options.bias === 'disabled') flags |= lineFlag.biasDisabled
  if (options.edges === 'rising' || options.edges === 'both') flags |= lineFlag.edgeRising
  if (options.edges === 'falling' || options.edges === 'both') flags |= lineFlag.edgeFalling
  return flags
}

/** Requests `options.offsets` of the chip at `chipPath` (e.g. /dev/gpiochip0). */
export const requestLines = async (
  chipPath: string,
  options: RequestLinesOptions,
): Promise<Either<GpioError, LinuxGpioLines>> => {
  const invalid = checkRequestLinesOptions(options)
  if (invalid !== undefined) return left(ioError(`requestLines(${chipPath}): ${invalid}`))
  const libc = await loadGpioLibc()
  let chipFd: number
  try {
    chipFd = openSync(chipPath, 'r')
  } catch (error) {
    return left(ioError(`cannot open ${chipPath}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`))
  }
  const block = libc.alloc(LINE_REQUEST_SIZE)
  try {
    const initial = new Map((options.initialValues ?? []).map((entry) => [entry.offset, entry.value]))
    block.bytes.set(
      encodeLineRequest({
        offsets: options.offsets,
        consumer: options.consumer ?? 'busbar',
        flags: lineFlagsFor(options),
        eventBufferSize: options.eventBufferSize ?? 0,
        ...(options.direction === 'output'
          ? { outputValues: options.offsets.map((offset) => initial.get(offset) ?? false) }
          : {}),
      }),
    )
    const outcome = libc.ioctl(chipFd, GPIO_V2_GET_LINE_IOCTL, block)
    if (outcome.result < 0) {
      const hint =
        outcome.errno === 16
          ? ' (a line is already requested)'
          : outcome.errno === 22
            ? ' (an offset is beyond the chip, or the flags are not supported)'
            : ''
      return left(
        ioError(
          `GPIO_V2_GET_LINE_IOCTL on ${chipPath} for lines [${options.offsets.join(', ')}]: ${errnoName(outcome.errno)}${hint}`,
        ),
      )
    }
    const lineFd = decodeLineRequestFd(block.bytes)
    return right(makeLines(libc, chipPath, lineFd, options))
  } finally {
    block.free()
    closeSync(chipFd)
  }
}

const makeLines = (
  libc: GpioLibc,
  chipPath: string,
  fd: number,
  options: RequestLinesOptions,
): LinuxGpioLines => {
  const offsets = [...options.offsets]
  const toMs = options.monotonicNsToMs ?? performanceNowFromMonotonic()
  const listeners = new Set<(event: GpioEdgeEvent) => void>()
  let closed = false
  let poll: PollHandle | undefined
  const eventBuffer = Buffer.alloc(LINE_EVENT_SIZE * 16)

  const drainEvents = (): void => {
    let events: LineEvent[]
    try {
      const got = readSync(fd, eventBuffer, 0, eventBuffer.length, null)
      events = decodeLineEvents(eventBuffer.subarray(0, got))
    } catch {
      return // EAGAIN after a spurious wake-up; the next readable event retries
    }
    for (const event of events) {
      const edge: GpioEdgeEvent = {
        offset: event.offset,
        edge: event.edge,
        atMs: toMs(event.timestampNs),
        seqno: event.seqno,
        lineSeqno: event.lineSeqno,
      }
      for (const listener of [...listeners]) listener(edge)
    }
  }

  if (options.edges !== undefined && options.edges !== 'none') {
    poll = libc.pollReadable(fd, drainEvents)
    poll.unref() // an idle request does not keep the process alive; a listener does
  }

  const indexOf = (offset: number): number => offsets.indexOf(offset)

  // One ioctl at a time, in call order; close waits for the ones in flight before closing the fd.
  let tail: Promise<unknown> = Promise.resolve()
  const serially = <A>(task: () => Promise<A>): Promise<A> => {
    const run = tail.then(task, task)
    tail = run.catch(() => undefined)
    return run
  }

  const valuesIoctl = (
    request: number,
    bytes: Uint8Array,
    what: string,
  ): Promise<Either<GpioError, Uint8Array>> =>
    serially(async () => {
      if (closed) return left(ioError(`${what} on ${chipPath}: the lines are closed`))
      const block = libc.alloc(LINE_VALUES_SIZE)
      try {
        block.bytes.set(bytes)
        const outcome = await libc.ioctlAsync(fd, request, block)
        if (outcome.result < 0) {
          const hint = outcome.errno === 1 ? ' (the lines are inputs)' : ''
          return left(ioError(`${what} on ${chipPath}: ${errnoName(outcome.errno)}${hint}`))
        }
        return right(block.bytes.slice())
      } finally {
        block.free()
      }
    })

  return {
    chipPath,
    offsets,
    set: async (values) => {
      const unknown = values.find((entry) => indexOf(entry.offset) < 0)
      if (unknown !== undefined) return left({ _tag: 'GpioLineNotRequested', offset: unknown.offset })
      if (values.length === 0) return right(undefined)
      const result = await valuesIoctl(
        GPIO_V2_LINE_SET_VALUES_IOCTL,
        encodeLineValues(values.map((entry) => ({ index: indexOf(entry.offset), value: entry.value }))),
        'GPIO_V2_LINE_SET_VALUES_IOCTL',
      )
      return result._tag === 'Left' ? result : right(undefined)
    },
    get: async (wanted) => {
      const unknown = wanted.find((offset) => indexOf(offset) < 0)
      if (unknown !== undefined) return left({ _tag: 'GpioLineNotRequested', offset: unknown })
      if (wanted.length === 0) return right([])
      const result = await valuesIoctl(
        GPIO_V2_LINE_GET_VALUES_IOCTL,
        encodeLineValues(wanted.map((offset) => ({ index: indexOf(offset), value: false }))),
        'GPIO_V2_LINE_GET_VALUES_IOCTL',
      )
      if (result._tag === 'Left') return result
      return right(wanted.map((offset) => ({ offset, value: lineValueAt(result.right, indexOf(offset)) })))
    },
    onEdge: (listener) => {
      listeners.add(listener)
      poll?.ref()
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0) poll?.unref()
      }
    },
    close: () =>
      serially(async () => {
        if (closed) return
        closed = true
        listeners.clear()
        poll?.close()
        closeSync(fd)
      }),
  }
}
