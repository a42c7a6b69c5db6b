/**
 * The executor's only notion of time, injected: tests and the simulator use a virtual clock, firmware
 * uses `systemClock`.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale. */
  nowMs(): number
  sleepMs(ms: number): Promise<void>
}

/**
 * Monotonic wall clock. Node timers have about 1 ms resolution, so sub-millisecond settle times (FETs)
 * round up to one timer tick: waiting longer than needed is safe, never shorter.
 */
export const systemClock: Clock = {
  nowMs: () => performance.now(),
  sleepMs: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
}
