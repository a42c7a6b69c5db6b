/**
 * Pure data. How long each switch kind needs before its readback means something, and how long its
 * feedback (auxiliary contact, gate readback) may take to arrive. Policy: callers may override per kind.
 *
 * Defaults, from /work/shared/reference/domain.md "Timing budget": FETs switch in microseconds (50 us
 * settle; feedback deadline 1 ms); relays need 5-15 ms to close plus bounce, rack relay ATS about
 * 10-12 ms (10 ms close + 5 ms bounce = 15 ms settle; feedback deadline 30 ms); breakers take tens of ms
 * (50 ms settle; feedback deadline 100 ms, the low end of the mechanical-ATS 50-200 ms range plus margin).
 */
import type { SwitchKind } from '@busbar/core'

/**
 * Timing of one switch kind, in ms: settle time before readback, feedback deadline, feedback poll interval.
 */
export interface SwitchTiming {
  /** Wait after the write before reading the drive pin back. */
  readonly settleMs: number
  /** Feedback must show the commanded state within this time of the write. */
  readonly feedbackDeadlineMs: number
  /** Interval between feedback reads while waiting for it. */
  readonly feedbackPollMs: number
}

/** `SwitchTiming` for every switch kind (fet, relay, breaker). */
export type SwitchTimingPolicy = Readonly<Record<SwitchKind, SwitchTiming>>

/**
 * Default timing per switch kind (FET 0.05 ms settle, relay 15 ms, breaker 50 ms), from the domain timing
 * budget.
 */
export const defaultSwitchTiming: SwitchTimingPolicy = {
  fet: { settleMs: 0.05, feedbackDeadlineMs: 1, feedbackPollMs: 0.05 },
  relay: { settleMs: 15, feedbackDeadlineMs: 30, feedbackPollMs: 1 },
  breaker: { settleMs: 50, feedbackDeadlineMs: 100, feedbackPollMs: 5 },
}
