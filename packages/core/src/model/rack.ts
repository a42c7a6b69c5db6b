/**
 * Pure. The rack model that `allocate` reasons about: supplies, buses, loads, switches, policy.
 * These are the decoded (validated, defaults filled) shapes; JSON names are the spec's.
 */

export type SupplyState = 'ok' | 'warning' | 'failed' | 'absent'
export type SwitchKind = 'fet' | 'relay' | 'breaker'

export interface Supply {
  readonly id: string
  /** Rated output in watts, > 0. All supplies share one output voltage. */
  readonly capacityW: number
  readonly state: SupplyState
  /** Predicted probability of failure in [0, 1], from predictive analysis. */
  readonly failureRisk?: number
  /**
   * The AC feed (PDU input, utility side) the supply draws from. Supplies naming the same feed go dark
   * together when it is lost; level 3 then counts feed-loss scenarios too.
   */
  readonly feed?: string
}

export interface Bus {
  readonly id: string
  /** Larger is more important. */
  readonly priority: number
  /** Bus-bar rating in watts, when set. */
  readonly maxW?: number
}

export interface Load {
  readonly id: string
  /** Reported consumption in watts, >= 0. */
  readonly powerW: number
  /** Larger is more important. */
  readonly priority: number
  /** One bus, or two for a dual-corded load. */
  readonly buses: readonly string[]
}

export interface Switch {
  readonly supply: string
  readonly bus: string
  readonly kind: SwitchKind
  readonly closed: boolean
}

export interface Policy {
  /** N+k: k, default 1. */
  readonly supplyRedundancy: number
  /** Count bus-loss survival, default true. */
  readonly busRedundancy: boolean
  /** Usable share of a supply's rating, default 1.0. */
  readonly derate: number
  /** failureRisk at or above which a supply is at risk, default 0.5. */
  readonly preemptRisk: number
}

/**
 * The policy `decodeRackInput` fills in: N+1, bus redundancy counted, no derating, at risk from failureRisk
 * 0.5.
 */
export const defaultPolicy: Policy = {
  supplyRedundancy: 1,
  busRedundancy: true,
  derate: 1,
  preemptRisk: 0.5,
}

export interface RackInput {
  readonly supplies: readonly Supply[]
  readonly buses: readonly Bus[]
  readonly loads: readonly Load[]
  readonly switches: readonly Switch[]
  readonly policy: Policy
}

/** A switch named by its ends. */
export interface SwitchRef {
  readonly supply: string
  readonly bus: string
}
