/**
 * I/O. The SMBALERT# input as the PMBus adapter's AlertLine (structurally; this package does not
 * import @busbar/adapters-pmbus): one input line, active-low by default, with the kernel detecting
 * the asserting edge. isAsserted samples the line; onAssert reports each assertion with the edge's
 * kernel timestamp converted to ms (see RequestLinesOptions.monotonicNsToMs).
 */
import type { Either } from 'fp-ts/lib/Either.js'
import { left, right } from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import type { GpioError } from '../../lines/GpioLines.js'
import type { LineBias, LinuxGpioLines } from './requestLines.js'
import { requestLines } from './requestLines.js'

/**
 * Options for `openAlertLine`: electrical polarity and bias of the SMBALERT# line, consumer label, timestamp
 * conversion.
 */
export interface OpenAlertLineOptions {
  /** SMBALERT# is active-low (open-drain, pulled up); set false for an inverted, active-high wiring. */
  readonly activeLow?: boolean
  /** Default 'as-is': the board normally carries the pull-up. */
  readonly bias?: LineBias
  readonly consumer?: string
  readonly monotonicNsToMs?: (timestampNs: bigint) => number
}

/** An SMBALERT# input on a Linux GPIO line, shaped as the PMBus adapter's `AlertLine` (plus `close`). */
export interface LinuxAlertLine {
  readonly offset: number
  /** Whether some device holds the line asserted now. */
  isAsserted(): Promise<Either<CommError, boolean>>
  /** Calls `listener(atMs)` on every assertion edge; returns unsubscribe. */
  onAssert(listener: (atMs: number) => void): () => void
  close(): Promise<void>
}

/**
 * I/O. Requests one GPIO line as an edge-detecting SMBALERT# input (active-low by default) and returns it as
 * an alert line.
 */
export const openAlertLine = async (
  chipPath: string,
  offset: number,
  options: OpenAlertLineOptions = {},
): Promise<Either<GpioError, LinuxAlertLine>> => {
  const requested = await requestLines(chipPath, {
    offsets: [offset],
    direction: 'input',
    // Logical level: with activeLow the kernel inverts, so "rising" is the physical falling edge.
    activeLow: options.activeLow ?? true,
    edges: 'rising',
    bias: options.bias ?? 'as-is',
    consumer: options.consumer ?? 'busbar-smbalert',
    ...(options.monotonicNsToMs ? { monotonicNsToMs: options.monotonicNsToMs } : {}),
  })
  if (requested._tag === 'Left') return requested
  return right(alertLineOver(requested.right, offset))
}

const alertLineOver = (lines: LinuxGpioLines, offset: number): LinuxAlertLine => ({
  offset,
  isAsserted: async () => {
    const values = await lines.get([offset])
    if (values._tag === 'Left') {
      const detail =
        values.left._tag === 'GpioIoError' ? values.left.detail : `line ${values.left.offset} not requested`
      return left({ _tag: 'BusError', detail: `SMBALERT# line ${offset} on ${lines.chipPath}: ${detail}` })
    }
    return right(values.right[0]?.value === true)
  },
  onAssert: (listener) =>
    lines.onEdge((event) => {
      if (event.edge === 'rising') listener(event.atMs)
    }),
  close: () => lines.close(),
})
