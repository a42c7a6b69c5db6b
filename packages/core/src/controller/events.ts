/**
 * Pure. The controller's vocabulary: events in, commands out. An outer shell (adapters, simulator,
 * firmware) performs the commands and feeds back events; `step` itself does no I/O.
 */
import type { Plan, SwitchStep } from '../model/plan.js'
import type { SupplyState, SwitchRef } from '../model/rack.js'
import type { CommError, TelemetrySample } from '../telemetry/telemetry.js'

/** The actual state of one switch as read back from hardware. */
export interface SwitchState extends SwitchRef {
  readonly closed: boolean
}

/** Why executing a plan stopped. */
export type SwitchFault =
  | { readonly _tag: 'TransportError'; readonly detail: string }
  | { readonly _tag: 'ReadbackMismatch'; readonly expectedClosed: boolean; readonly actualClosed: boolean }
  | { readonly _tag: 'FeedbackMismatch'; readonly expectedClosed: boolean; readonly feedbackClosed: boolean }
  | { readonly _tag: 'FeedbackTimeout'; readonly waitedMs: number }
  /** The executor refused the plan before writing anything (unknown switch, kind mismatch, a prefix that
   *  would close a supply onto a second bus). `failedStep` names the offending step; nothing was switched. */
  | { readonly _tag: 'PlanRejected'; readonly detail: string }

/** What the plan executor reports back: always the real switch state read from hardware. */
export type PlanExecutionResult =
  | { readonly _tag: 'Applied'; readonly planId: number; readonly actual: readonly SwitchState[] }
  | {
      readonly _tag: 'Aborted'
      readonly planId: number
      /** Index into the plan's steps of the step that failed. */
      readonly failedStep: number
      readonly step: SwitchStep
      readonly fault: SwitchFault
      /** Whether the executor restored safety (undid the half-done step) after the fault. */
      readonly restored: boolean
      readonly actual: readonly SwitchState[]
    }

/** Everything the controller reacts to: readings, failed reads, alerts, server power, switch results, ticks. */
export type ControllerEvent =
  /**
   * A status/telemetry read. `afterClearFaults`: this is the report of a ClearFaults command (the
   * snapshot read just before clearing), not a poll: the controller neither counts it for deglitch
   * nor answers it with another ClearFaults.
   */
  | { readonly _tag: 'Telemetry'; readonly sample: TelemetrySample; readonly afterClearFaults?: boolean }
  | { readonly _tag: 'ReadFailed'; readonly supply: string; readonly atMs: number; readonly error: CommError }
  /** SMBALERT# (interrupt). `supply` is set when the Alert Response Address named the device. */
  | { readonly _tag: 'Alert'; readonly atMs: number; readonly supply?: string }
  /** A server's power use report (claim 16). */
  | { readonly _tag: 'ServerPower'; readonly atMs: number; readonly load: string; readonly powerW: number }
  | { readonly _tag: 'SwitchResult'; readonly atMs: number; readonly result: PlanExecutionResult }
  | { readonly _tag: 'Tick'; readonly atMs: number }

/** What an alarm is about. */
export type AlarmKind =
  | 'supplyFailed'
  | 'supplyWarning'
  | 'supplyAbsent'
  | 'commFault'
  | 'inputLoss'
  | 'predictedFailure'
  | 'redundancyLost'
  | 'loadShed'
  | 'switchFault'

/** An alarm raised by the controller, with its subject (supply, bus, load, switch) and detail. */
export interface Alarm {
  readonly kind: AlarmKind
  /** Supply, bus or load id the alarm is about. */
  readonly subject: string
  readonly atMs: number
  readonly detail: string
}

/** Everything the controller asks the shell to do: read, clear faults, apply a plan, raise or clear an alarm. */
export type ControllerCommand =
  | { readonly _tag: 'ReadSupply'; readonly supply: string; readonly mode: 'status' | 'full' }
  | { readonly _tag: 'ClearFaults'; readonly supply: string }
  | {
      readonly _tag: 'ApplyPlan'
      readonly planId: number
      readonly steps: readonly SwitchStep[]
      readonly plan: Plan
    }
  | { readonly _tag: 'RaiseAlarm'; readonly alarm: Alarm }
  | { readonly _tag: 'ClearAlarm'; readonly kind: AlarmKind; readonly subject: string; readonly atMs: number }

export type { SupplyState }
