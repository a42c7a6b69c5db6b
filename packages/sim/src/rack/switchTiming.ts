/**
 * Pure. How long a switch of each kind takes to settle, closing and opening (domain facts: FETs in
 * microseconds, relays 5-15 ms plus bounce, breakers tens of ms; relays and breakers break before make).
 */
import type { SwitchKind } from '@busbar/core'

export const switchSettleMs = (kind: SwitchKind, closing: boolean): number => {
  switch (kind) {
    case 'fet':
      return 0.05
    case 'relay':
      return closing ? 12 : 6
    case 'breaker':
      return closing ? 60 : 30
  }
}

/** A slow switch (worn relay coil, sticky breaker) takes this many times longer. */
export const slowSwitchFactor = 10
