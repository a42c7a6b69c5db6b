/**
 * Test double / simulator part. The SMBALERT# wire as a wired-OR of the sources connected to it (virtual
 * supplies): asserted while any source asserts; listeners hear each assertion (released -> asserted) with
 * the time from the injected clock. Listeners run synchronously inside the change, so they should only
 * start work (e.g. call an async handler) and not expect the bus transaction that caused it to be over.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { CommError } from '@busbar/core'
import type { AlertLine } from '../alert/AlertLine.js'

/** Something that drives SMBALERT# (a virtual supply): whether it asserts now, and a change listener. */
export interface AlertSource {
  alertAsserted(): boolean
  onAlertChange(listener: (asserted: boolean) => void): () => void
}

/**
 * A virtual SMBALERT# wire: the `AlertLine` to hand to the handler, plus sources to connect and read faults.
 */
export interface VirtualAlertLine {
  readonly line: AlertLine
  /** Wires a source to the line; returns disconnect. */
  connect(source: AlertSource): () => void
  asserted(): boolean
  /** Make `isAsserted()` fail (a broken GPIO read) while set. */
  failReads(error: CommError | null): void
}

/** Creates a wired-OR SMBALERT# line that timestamps each assertion with `nowMs` (ms). */
export const createVirtualAlertLine = (nowMs: () => number): VirtualAlertLine => {
  const sources = new Map<AlertSource, () => void>()
  const listeners = new Set<(atMs: number) => void>()
  let readError: CommError | null = null
  let wasAsserted = false

  const asserted = (): boolean => [...sources.keys()].some((s) => s.alertAsserted())
  const update = (): void => {
    const now = asserted()
    const rising = now && !wasAsserted
    wasAsserted = now
    if (rising) {
      const atMs = nowMs()
      for (const listener of [...listeners]) listener(atMs)
    }
  }

  return {
    line: {
      isAsserted: async () => (readError !== null ? E.left(readError) : E.right(asserted())),
      onAssert: (listener) => {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
    },
    connect: (source) => {
      sources.set(source, source.onAlertChange(update))
      update()
      return () => {
        sources.get(source)?.()
        sources.delete(source)
        update()
      }
    },
    asserted,
    failReads: (error) => {
      readError = error
    },
  }
}
