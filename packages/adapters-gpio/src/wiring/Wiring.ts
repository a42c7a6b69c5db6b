/**
 * Pure. The decoded wiring of a rack's switches: which output drives each switch (an I/O-expander pin or a
 * GPIO line), at which polarity, and which input (if any) reads its feedback.
 */
import type { SwitchKind } from '@busbar/core'

/** The supported 16-bit I2C I/O expanders. */
export type ExpanderKind = 'pca9555' | 'tca9555' | 'mcp23017'

/** Which electrical level closes the switch (or, for feedback, means "closed"). */
export type Polarity = 'activeHigh' | 'activeLow'

/** One I/O expander on the bank's I2C segment: its id in the wiring, its kind and 7-bit address. */
export interface ExpanderWiring {
  readonly id: string
  readonly kind: ExpanderKind
  /** 7-bit I2C address, 0x20-0x27 for all three kinds. */
  readonly address: number
}

/** A signal on the hardware: pin 0-15 of a declared expander (0-7 port 0/A, 8-15 port 1/B), or a GPIO line. */
export type SignalRef =
  | { readonly _tag: 'ExpanderPin'; readonly expander: string; readonly pin: number }
  | { readonly _tag: 'GpioLine'; readonly offset: number }

/** A switch's feedback input and the level that means "closed". */
export interface FeedbackWiring {
  readonly input: SignalRef
  readonly polarity: Polarity
}

/** One supply-to-bus switch: its kind, the output that drives it at which polarity, and optional feedback. */
export interface SwitchWiring {
  readonly supply: string
  readonly bus: string
  readonly kind: SwitchKind
  readonly output: SignalRef
  readonly polarity: Polarity
  /** Auxiliary contact (relay, breaker) or gate readback (FET), when wired. */
  readonly feedback?: FeedbackWiring
}

/** A validated wiring (from `decodeWiring`): the expanders and every supply-to-bus switch. */
export interface Wiring {
  readonly expanders: readonly ExpanderWiring[]
  /** Sorted by (supply, bus), ids compared by UTF-16 code units. */
  readonly switches: readonly SwitchWiring[]
}

/** The electrical level (true = high) that puts a switch (or feedback) in the `closed` state. */
export const levelFor = (polarity: Polarity, closed: boolean): boolean =>
  polarity === 'activeHigh' ? closed : !closed

/** Whether an electrical level means closed under a polarity. */
export const closedFor = (polarity: Polarity, level: boolean): boolean =>
  polarity === 'activeHigh' ? level : !level

/** One key per signal so two uses of one pin or line can be spotted. */
export const signalKey = (signal: SignalRef): string =>
  signal._tag === 'ExpanderPin'
    ? `expander ${signal.expander} pin ${signal.pin}`
    : `gpio line ${signal.offset}`

export const switchKey = (ref: { readonly supply: string; readonly bus: string }): string =>
  JSON.stringify([ref.supply, ref.bus])

export const compareSwitchRefs = (
  a: { readonly supply: string; readonly bus: string },
  b: { readonly supply: string; readonly bus: string },
): number => (a.supply < b.supply ? -1 : a.supply > b.supply ? 1 : a.bus < b.bus ? -1 : a.bus > b.bus ? 1 : 0)
