/**
 * Pure. The simulator's scenario: a rack (feeds, buses, supplies, switches, servers), its fault
 * rates, its control wiring and the scripted events of a hand-checked case. Decoded shapes, defaults filled.
 */
import type { Policy, SwitchKind } from '@busbar/core'

export type CoolingKind = 'builtIn' | 'consolidated'
export type LoadProfile = 'flat' | 'diurnal' | 'bursty'
export type AlertMode = 'polling' | 'interrupt'

export interface FeedSpec {
  readonly id: string
  /** Mean time between AC outages of this feed, hours; 0 = never. */
  readonly outageMtbfHours: number
  /** Mean outage duration, minutes. */
  readonly outageMeanMinutes: number
}

export interface BusSpec {
  readonly id: string
  readonly priority: number
  readonly maxW?: number
}

export interface SupplySpec {
  readonly id: string
  readonly capacityW: number
  readonly feed: string
  /** 7-bit PMBus address behind its mux channel. */
  readonly address: number
  /** Mux channel (0..7) of the PCA9548 this supply sits behind. */
  readonly muxChannel: number
  /** Mean time between abrupt (no-warning) failures, hours; 0 = never. */
  readonly abruptMtbfHours: number
  /** Capacitor life at 40 C, hours (halves per +10 C); 0 = no capacitor wear-out. */
  readonly capacitorLifeHours: number
  /** Share of capacitor life already used at the start, in [0, 1). */
  readonly capacitorAgeAtStart: number
  /** Scale of the fan's Weibull wear-out life, hours (built-in cooling only); 0 = no fan wear. */
  readonly fanLifeHours: number
  /** Efficiency at load, (0, 1]. */
  readonly efficiency: number
}

export interface SwitchSpec {
  readonly supply: string
  readonly bus: string
  readonly kind: SwitchKind
  /** Initial (and, for the static policy, permanent) state. */
  readonly closed: boolean
}

export interface ServerSpec {
  readonly id: string
  readonly priority: number
  /** One bus or two (dual-corded). */
  readonly buses: readonly string[]
  readonly idleW: number
  readonly peakW: number
  readonly profile: LoadProfile
  /** Ride-through of the server's own supply on a gap. */
  readonly holdUpMs: number
  /** Time from power back to serving again. */
  readonly bootMs: number
}

export interface CoolingSpec {
  readonly kind: CoolingKind
  readonly ambientC: number
  /** Consolidated cooling: mean time between cooling degradations (hot episodes), hours; 0 = never. */
  readonly faultMtbfHours: number
  readonly faultMeanHours: number
  /** Degrees added to the supplies' inlet during a cooling fault. */
  readonly faultRiseC: number
}

export interface SwitchFaultSpec {
  /** Probability that one operation sticks (a close that does not close). */
  readonly stuckOpenPerOp: number
  /** Probability that one open does not open (contacts welded). */
  readonly weldedPerOp: number
  /** Probability that one operation settles 10x slower than its kind's time. */
  readonly slowPerOp: number
}

export interface CommFaultSpec {
  /** Mean time between episodes of a supply not answering (NACK), hours; 0 = never. */
  readonly nackMtbfHours: number
  readonly nackMeanSeconds: number
}

export interface ControlSpec {
  readonly pollIntervalMs: number
  /** 'interrupt': SMBALERT# wakes the controller at once, polling continues as a backstop. */
  readonly alerts: AlertMode
  readonly i2cKHz: number
  /** Granularity of load profiles and degradation telemetry, minutes. */
  readonly profileStepMinutes: number
  /** Mean time to replace a failed supply or repair a switch, hours. */
  readonly repairMeanHours: number
}

export type ScriptedFault =
  | { readonly kind: 'supplyFail'; readonly atMs: number; readonly supply: string }
  | {
      readonly kind: 'supplyDegrade'
      readonly atMs: number
      readonly supply: string
      readonly failAfterMs: number
    }
  | { readonly kind: 'feedLoss'; readonly atMs: number; readonly feed: string; readonly durationMs: number }
  | { readonly kind: 'commLoss'; readonly atMs: number; readonly supply: string; readonly durationMs: number }
  | {
      readonly kind: 'switchFault'
      readonly atMs: number
      readonly supply: string
      readonly bus: string
      readonly mode: 'stuckOpen' | 'welded' | 'slow'
    }

export interface Scenario {
  readonly name: string
  readonly durationMs: number
  /** When false, no random faults are drawn: only `scripted` happen (hand-checked cases). */
  readonly randomFaults: boolean
  readonly feeds: readonly FeedSpec[]
  readonly buses: readonly BusSpec[]
  readonly supplies: readonly SupplySpec[]
  readonly switches: readonly SwitchSpec[]
  readonly servers: readonly ServerSpec[]
  readonly cooling: CoolingSpec
  readonly switchFaults: SwitchFaultSpec
  readonly commFaults: CommFaultSpec
  readonly control: ControlSpec
  readonly policy: Policy
  readonly scripted: readonly ScriptedFault[]
}
