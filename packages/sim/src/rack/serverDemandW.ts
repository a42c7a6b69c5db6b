/**
 * Pure given its Rng. A server's power demand over one profile step: diurnal (daytime peak, noise)
 * or bursty (occasional bursts near peak), between idle and peak watts.
 */
import type { Rng } from '../engine/createRng.js'
import type { ServerSpec } from './Scenario.js'

const HOUR = 3_600_000

export const serverUtilisation = (profile: ServerSpec['profile'], atMs: number, rng: Rng): number => {
  switch (profile) {
    case 'flat':
      return 0.6
    case 'diurnal': {
      const hourOfDay = (atMs / HOUR) % 24
      // Peak at 15:00, trough at 03:00.
      const base = 0.55 + 0.3 * Math.sin((2 * Math.PI * (hourOfDay - 9)) / 24)
      return Math.min(1, Math.max(0, base + rng.normal(0, 0.05)))
    }
    case 'bursty':
      return rng.next() < 0.15 ? 0.95 + 0.05 * rng.next() : 0.25 + 0.15 * rng.next()
  }
}

export const serverDemandW = (spec: ServerSpec, atMs: number, rng: Rng): number =>
  Math.round(spec.idleW + (spec.peakW - spec.idleW) * serverUtilisation(spec.profile, atMs, rng))
