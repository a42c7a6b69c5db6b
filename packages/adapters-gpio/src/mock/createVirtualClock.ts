/**
 * A virtual clock for tests and the simulator: `sleepMs` advances time at once (no real timer), and
 * listeners hear every advance so time-dependent models (switch delays) can update.
 */
import type { Clock } from '../executor/Clock.js'

export interface VirtualClock extends Clock {
  /** Advance time by `ms` (>= 0) without sleeping. */
  advance(ms: number): void
  onAdvance(listener: (nowMs: number) => void): () => void
}

/**
 * A virtual `Clock` starting at `startMs`: `sleepMs` advances time at once and listeners hear every advance.
 */
export const createVirtualClock = (startMs = 0): VirtualClock => {
  let now = startMs
  const listeners = new Set<(nowMs: number) => void>()
  const advance = (ms: number): void => {
    if (!(ms >= 0)) throw new RangeError(`virtual clock: cannot advance by ${ms} ms`)
    now += ms
    for (const listener of listeners) listener(now)
  }
  return {
    nowMs: () => now,
    sleepMs: async (ms) => advance(Math.max(0, ms)),
    advance,
    onAdvance: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}
