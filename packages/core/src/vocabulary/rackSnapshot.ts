/**
 * Pure. The rack as telemetry exports see it (`RackSnapshot`: supplies with state, readings and capacity, the
 * per-bus report of a Plan, shed loads, active alarms), and `rackSnapshot`: a rack input and a Plan in, the
 * snapshot of the rack as the plan leaves it (switches per `plan.closed`, buses per `plan.buses`) out.
 * Mapped to Redfish by `toRedfish` and to Prometheus by `toPrometheus`.
 */
import type { ActiveAlarm } from '../controller/step.js'
import type { BusReport, Plan } from '../model/plan.js'
import type { RackInput, SupplyState } from '../model/rack.js'
import type { SupplyReadings } from '../telemetry/telemetry.js'

/** One supply in a {@link RackSnapshot}. */
export interface SupplySnapshot {
  readonly id: string
  /** Rated output in watts. */
  readonly capacityW: number
  /** Rated output times the policy's derate. */
  readonly usableW: number
  readonly state: SupplyState
  /** The bus the supply is closed onto, if any. */
  readonly bus: string | undefined
  /** Predicted probability of failure in [0, 1], when predicted. */
  readonly failureRisk: number | undefined
  /** At risk as the allocation spec defines it: `warning`, or `failureRisk >= preemptRisk`. */
  readonly atRisk: boolean
  /** The supply reports loss of its input (the controller's health cause `inputLoss`). */
  readonly inputLoss: boolean
  /** Latest READ_* values; empty when none were read. */
  readonly readings: SupplyReadings
}

/** A rack's power state at one moment, ready to be exported. Supplies and buses sorted by id. */
export interface RackSnapshot {
  /** Rack (chassis) id: the `rack` label in Prometheus, the chassis in Redfish paths. */
  readonly rack: string
  /** The k of N+k. */
  readonly supplyRedundancy: number
  readonly supplies: readonly SupplySnapshot[]
  /** Per-bus report of the plan the snapshot describes. */
  readonly buses: readonly BusReport[]
  /** Ids of shed loads, sorted. */
  readonly shed: readonly string[]
  /** Active controller-level alarms. */
  readonly alarms: readonly ActiveAlarm[]
  /** Plans issued since start (a counter: it only grows). */
  readonly plansIssued: number
}

/** What {@link rackSnapshot} needs besides the rack input and the plan. */
export interface RackSnapshotExtras {
  /** Latest readings per supply id (missing ids get empty readings). */
  readonly readings?: Readonly<Record<string, SupplyReadings>>
  /** Supplies reporting input loss. */
  readonly inputLoss?: readonly string[]
  readonly alarms?: readonly ActiveAlarm[]
  readonly plansIssued?: number
}

const byId = <T extends { readonly id: string }>(a: T, b: T): number =>
  a.id < b.id ? -1 : a.id > b.id ? 1 : 0

/** Build the snapshot of `input` as `plan` leaves it. */
export const rackSnapshot = (
  rack: string,
  input: RackInput,
  plan: Plan,
  extras: RackSnapshotExtras = {},
): RackSnapshot => {
  const busOf = new Map(plan.closed.map((ref) => [ref.supply, ref.bus]))
  const inputLoss = new Set(extras.inputLoss ?? [])
  const supplies = input.supplies
    .map((s): SupplySnapshot => ({
      id: s.id,
      capacityW: s.capacityW,
      usableW: s.capacityW * input.policy.derate,
      state: s.state,
      bus: busOf.get(s.id),
      failureRisk: s.failureRisk,
      atRisk: s.state === 'warning' || (s.failureRisk ?? 0) >= input.policy.preemptRisk,
      inputLoss: inputLoss.has(s.id),
      // Own keys only: a supply named `constructor` must not read Object.prototype's.
      readings:
        extras.readings !== undefined && Object.hasOwn(extras.readings, s.id)
          ? (extras.readings[s.id] ?? {})
          : {},
    }))
    .sort(byId)
  return {
    rack,
    supplyRedundancy: input.policy.supplyRedundancy,
    supplies,
    buses: [...plan.buses].sort(byId),
    shed: [...plan.shed].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    alarms: extras.alarms ?? [],
    plansIssued: extras.plansIssued ?? 0,
  }
}
