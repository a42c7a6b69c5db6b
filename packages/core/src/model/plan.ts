/**
 * Pure. The result of `allocate`: the target switch matrix, the switching sequence to reach it,
 * the per-bus report and the reasons for every change, all as data.
 */
import type { SwitchKind, SwitchRef } from './rack.js'

/**
 * One switch operation of a plan: open or close the (supply, bus) switch, with its kind for the settle time.
 */
export interface SwitchStep {
  readonly op: 'open' | 'close'
  readonly supply: string
  readonly bus: string
  /** So the executor can wait the right settle time. */
  readonly kind: SwitchKind
}

/**
 * One bus in the plan's target: up or not, served load (W), usable and redundant capacity (W), N+k and
 * bus-loss survival.
 */
export interface BusReport {
  readonly id: string
  readonly up: boolean
  /** L(b): served loads' shares on this bus. */
  readonly loadW: number
  /** Usable capacity of the supplies closed onto this bus. */
  readonly capacityW: number
  /** Usable capacity left after removing at-risk supplies and then the k largest. */
  readonly redundantW: number
  readonly nPlusK: boolean
  readonly survivesLoss: boolean
}

/** The feed-loss scenario of one AC feed in the target. */
export interface FeedReport {
  /** The feed's id, as the supplies name it. */
  readonly id: string
  /**
   * Losing the feed (its supplies deliver 0 W) leaves no served load unpowered and every bus that
   * stays up powered. True when the feed has no closed supply (nothing to lose).
   */
  readonly survivesLoss: boolean
  /** Counted on level 3: the feed has a closed supply on an up bus that carries load. */
  readonly counted: boolean
}

/** Why the plan changes something, or why it could not do better. One entry per change at least. */
export type Reason =
  | {
      readonly _tag: 'SupplyUnavailable'
      readonly supply: string
      readonly bus: string
      readonly state: 'failed' | 'absent'
    }
  | {
      readonly _tag: 'SupplyPreempted'
      readonly supply: string
      readonly bus: string
      readonly failureRisk: number | undefined
    }
  | {
      readonly _tag: 'SupplyMoved'
      readonly supply: string
      readonly from: string
      readonly to: string
      readonly why: ServiceGain
    }
  | {
      readonly _tag: 'SupplyConnected'
      readonly supply: string
      readonly bus: string
      readonly why: ServiceGain
    }
  | {
      readonly _tag: 'SupplyDisconnected'
      readonly supply: string
      readonly bus: string
      readonly why: ServiceGain
    }
  | {
      readonly _tag: 'LoadShed'
      readonly load: string
      readonly priority: number
      readonly powerW: number
      readonly why: 'noBusUp' | 'insufficientCapacity' | 'busRating'
    }
  | { readonly _tag: 'LoadRestored'; readonly load: string }
  | {
      readonly _tag: 'RedundancyLost'
      readonly bus: string
      readonly loadW: number
      readonly redundantW: number
    }
  | { readonly _tag: 'CurrentStateInadmissible'; readonly rule: 1 | 2 | 3 | 4 | 5; readonly detail: string }

/**
 * Which level of the objective a change serves (the first that differs from the current state's).
 * Level 3 is `feedLossSurvival` when the gain is in feed-loss scenarios alone, else `busLossSurvival`.
 */
export type ServiceGain =
  'serveLoads' | 'supplyRedundancy' | 'busLossSurvival' | 'feedLossSurvival' | 'leastDisturbance' | 'tieBreak'

/**
 * What `allocate` returns: the target switch matrix, loads to shed, the ordered switch steps, per-bus and
 * per-feed reports, and reasons.
 */
export interface Plan {
  /** Target switch matrix: the closed switches, sorted by (supply, bus). */
  readonly closed: readonly SwitchRef[]
  /** Ids of loads to shed, sorted. */
  readonly shed: readonly string[]
  /** At-risk supplies whose bus meets N+k without them, sorted. */
  readonly preempted: readonly string[]
  /** Ordered switch operations from the current state to the target. Empty when already optimal. */
  readonly steps: readonly SwitchStep[]
  readonly buses: readonly BusReport[]
  /** Feed-loss scenarios per AC feed named by a supply, in feed id order (empty when none is named). */
  readonly feeds: readonly FeedReport[]
  readonly reasons: readonly Reason[]
  /** Proven optimal under the objective. */
  readonly optimal: boolean
}
