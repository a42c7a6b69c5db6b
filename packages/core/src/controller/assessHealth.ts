/**
 * Pure. One supply's health record plus one observation (a status snapshot or a failed read) in,
 * the next record, its deglitched state (`ok | warning | failed | absent`) and alarm changes out.
 *
 * Deglitch policy (data, `DeglitchPolicy`; defaults follow openbmc phosphor-power):
 * - `failed` (cause `faultFlags`) after `faultPolls` (3) consecutive polls showing a `failed`-class flag
 *   of `statusSeverityTable`.
 * - `failed` (cause `powerNotGood`) after `powerGoodPolls` (5) consecutive polls with POWER_GOOD# or OFF
 *   (they glitch at power-on, hence the longer count), unless an input loss explains them (below).
 * - `warning` (cause `warningFlags`) after `faultPolls` consecutive polls showing a flag of class
 *   `warning` or `failed` (POWER_GOOD#/OFF and input loss have their own counts above and below).
 * - Comm fault: `commFaultReads` (3) failed reads in a row, of any kind: a `commFault` alarm and at
 *   least `warning` (not counted on for redundancy, so a spare comes in), never `failed`, because a
 *   supply whose PMBus interface went silent may well still deliver power.
 * - Absent: `absentReads` (60) consecutive `NoAck`s: nothing acknowledges the address for about a
 *   minute at the default poll rate, so the supply is taken as unplugged or unpowered and must not
 *   stay connected. Why not at the comm-fault count: opening a working supply because its telemetry
 *   went quiet removes capacity (the simulator showed outages from exactly that), whereas the closed
 *   switch of an empty slot is harmless and the supply is already `warning` (at risk) meanwhile.
 *   PEC mismatches, timeouts, bus/mux errors and invalid responses never make a supply absent:
 *   something answered.
 * - Input loss: a poll showing an `inputLoss`-class flag is an input event. It is remembered for
 *   `inputLossMemoryPolls` (6) successful polls after the last poll that showed it. While remembered,
 *   POWER_GOOD#/OFF are blamed on the input, not the supply:
 *   - momentary (latched) input loss: the bit is set (it latches until CLEAR_FAULTS) but the output is
 *     good: the supply rode through a sag. One `inputLoss` alarm, cleared when the memory expires;
 *     the state is unchanged (sags feed the failure predictor instead);
 *   - sustained input loss: output down (POWER_GOOD#, OFF or unit-off-for-low-input) while the input
 *     loss is remembered, for `faultPolls` polls: `failed` with cause `inputLoss` (it cannot deliver).
 * - Recovery: leaving `failed`/`absent` takes `recoverPolls` (3) consecutive successful polls with no
 *   `failed`, `powerNotGood` or `inputLoss` flag; leaving `warning` for `ok` takes `recoverPolls`
 *   consecutive successful polls with no flag of class `warning` or worse. Getting worse is never
 *   delayed beyond the counts above; getting better always takes `recoverPolls`.
 * - A failed read never improves the state.
 * - Alarms: one per event, not per poll. The record holds the set of active alarm kinds; an alarm is
 *   raised when its condition starts and cleared when it ends. One escalation: an active `inputLoss`
 *   ("output held") is raised again, with the new detail, when the loss takes the output down.
 *
 * Every counter saturates, so the record has a fixed size however long the history.
 */
import type { Alarm, AlarmKind } from './events.js'
import type { SupplyState } from '../model/rack.js'
import type { CommError, TelemetrySample } from '../telemetry/telemetry.js'
import {
  classifyStatus,
  statusSeverityTable,
  type StatusClassification,
  type StatusSeverityRow,
} from './statusSeverity.js'
import type { StatusRegisters } from '../telemetry/telemetry.js'

// Classifications already made, per snapshot object and table (both immutable data): a controller, or a
// simulator fast-forwarding one, classifies the same snapshot over and over. Same results, no recount.
const classified = new WeakMap<StatusRegisters, WeakMap<readonly StatusSeverityRow[], StatusClassification>>()

/** `classifyStatus`, remembered per snapshot object and table. */
export const classifyStatusOnce = (
  status: StatusRegisters,
  table: readonly StatusSeverityRow[] = statusSeverityTable,
): StatusClassification => {
  let byTable = classified.get(status)
  if (byTable === undefined) {
    byTable = new WeakMap()
    classified.set(status, byTable)
  }
  let c = byTable.get(table)
  if (c === undefined) {
    c = classifyStatus(status, table)
    byTable.set(table, c)
  }
  return c
}

/** Deglitch counts (see the module comment); all are poll or read counts. */
export interface DeglitchPolicy {
  /** Consecutive polls with a failure flag before `failed` (also the count for `warning`). */
  readonly faultPolls: number
  /** Consecutive polls with POWER_GOOD# or OFF before `failed`. */
  readonly powerGoodPolls: number
  /** Consecutive failed reads before a comm fault (`warning`). */
  readonly commFaultReads: number
  /** Consecutive NoAck reads before a supply is `absent`. */
  readonly absentReads: number
  /** Successful polls an input loss is remembered after it was last seen. */
  readonly inputLossMemoryPolls: number
  /** Consecutive clean polls before the state improves. */
  readonly recoverPolls: number
}

/** phosphor-power defaults: fault 3, POWER_GOOD#/OFF 5, comm 3, input loss remembered 6; absent after 60 NoAcks; recover after 3. */
export const defaultDeglitchPolicy: DeglitchPolicy = {
  faultPolls: 3,
  powerGoodPolls: 5,
  commFaultReads: 3,
  absentReads: 60,
  inputLossMemoryPolls: 6,
  recoverPolls: 3,
}

/** Why the state is what it is. */
export type HealthCause =
  'none' | 'faultFlags' | 'powerNotGood' | 'inputLoss' | 'warningFlags' | 'commFault' | 'noResponse'

/** One supply's health record: deglitched state, its cause, saturating counters and active alarms. */
export interface SupplyHealth {
  readonly supply: string
  readonly state: SupplyState
  readonly cause: HealthCause
  /** The flags (or the comm error) behind `cause`, for alarm details. At most the table's size. */
  readonly causeDetail: readonly string[]
  readonly faultStreak: number
  readonly powerStreak: number
  readonly inputStreak: number
  readonly warningStreak: number
  readonly noAckStreak: number
  readonly failedReadStreak: number
  /** Consecutive successful polls with no failed/powerNotGood/inputLoss flag. */
  readonly cleanStreak: number
  /** Consecutive successful polls with no flag of class warning or worse. */
  readonly quietStreak: number
  /** Successful polls the last input loss is still remembered for (0 = none). */
  readonly inputLossMemory: number
  /** Active alarm kinds about this supply, sorted. */
  readonly alarms: readonly AlarmKind[]
}

/** What a poll yields: a status snapshot, or a failed read. */
export type HealthObservation =
  | { readonly _tag: 'Sample'; readonly sample: TelemetrySample }
  | { readonly _tag: 'ReadFailed'; readonly atMs: number; readonly error: CommError }

/** The result of one assessment: the next record, alarm changes, and whether to clear faults or read detail. */
export interface HealthAssessment {
  readonly health: SupplyHealth
  readonly raised: readonly Alarm[]
  readonly cleared: readonly AlarmKind[]
  /** The snapshot had bits set and every summary bit's detail register: send CLEAR_FAULTS now. */
  readonly clearFaults: boolean
  /** A summary bit was set without its detail register: read the full status before clearing. */
  readonly needDetail: boolean
}

/** Counters saturate here: far above any sensible policy count, so the record stays fixed-size. */
export const streakCap = 1_000_000

const bump = (n: number, when: boolean): number => (when ? Math.min(n + 1, streakCap) : 0)

/** A fresh record for `supply`, believed `state` (default ok) until polled. */
export const initialSupplyHealth = (supply: string, state: SupplyState = 'ok'): SupplyHealth => ({
  supply,
  state,
  cause:
    state === 'absent'
      ? 'noResponse'
      : state === 'failed'
        ? 'faultFlags'
        : state === 'warning'
          ? 'warningFlags'
          : 'none',
  causeDetail: state === 'ok' ? [] : ['initial state'],
  faultStreak: 0,
  powerStreak: 0,
  inputStreak: 0,
  warningStreak: 0,
  noAckStreak: 0,
  failedReadStreak: 0,
  cleanStreak: 0,
  quietStreak: 0,
  inputLossMemory: 0,
  alarms: [],
})

const rank: Record<SupplyState, number> = { ok: 0, warning: 1, failed: 2, absent: 2 }

interface Verdict {
  readonly state: SupplyState
  readonly cause: HealthCause
  readonly causeDetail: readonly string[]
}

const settle = (prev: SupplyHealth, target: Verdict, canRecover: (from: SupplyState) => boolean): Verdict => {
  if (target.state === prev.state) return target
  if (rank[target.state] >= rank[prev.state]) return target // worse or sideways (absent <-> failed): at once
  return canRecover(prev.state)
    ? target
    : { state: prev.state, cause: prev.cause, causeDetail: prev.causeDetail }
}

const alarmsFor = (h: SupplyHealth, policy: DeglitchPolicy): AlarmKind[] => {
  const kinds = new Set<AlarmKind>()
  if (h.state === 'absent') kinds.add('supplyAbsent')
  if (h.state === 'failed') kinds.add(h.cause === 'inputLoss' ? 'inputLoss' : 'supplyFailed')
  // A comm-fault warning carries only the commFault alarm, which ends at the first good read (the
  // state itself recovers after recoverPolls).
  if (h.state === 'warning' && h.cause === 'warningFlags') kinds.add('supplyWarning')
  if (h.state !== 'absent' && h.failedReadStreak >= policy.commFaultReads) kinds.add('commFault')
  if (h.inputLossMemory > 0) kinds.add('inputLoss')
  return [...kinds].sort()
}

const describe = (h: SupplyHealth, kind: AlarmKind): string => {
  const flags = h.causeDetail.join(', ')
  switch (kind) {
    case 'supplyAbsent':
      return `no response at its address (${flags})`
    case 'supplyFailed':
      return `failed: ${flags}`
    case 'supplyWarning':
      return `warning: ${flags}`
    case 'commFault':
      return `${h.failedReadStreak} failed reads in a row (${flags})`
    case 'inputLoss':
      return h.state === 'failed' && h.cause === 'inputLoss'
        ? `sustained input loss, output down: ${flags}`
        : `input loss (latched or momentary), output held`
    default:
      return kind
  }
}

const diffAlarms = (prev: SupplyHealth, next: SupplyHealth, policy: DeglitchPolicy, atMs: number) => {
  const want = alarmsFor(next, policy)
  // Input loss first shows as "output held"; when it takes the output down (the supply fails from it)
  // the active alarm is raised again with that detail, or the operator would only ever read "held".
  const outputWentDown =
    next.state === 'failed' &&
    next.cause === 'inputLoss' &&
    !(prev.state === 'failed' && prev.cause === 'inputLoss')
  const raised: Alarm[] = want
    .filter((k) => !prev.alarms.includes(k) || (k === 'inputLoss' && outputWentDown))
    .map((kind) => ({ kind, subject: next.supply, atMs, detail: describe(next, kind) }))
  const cleared = prev.alarms.filter((k) => !want.includes(k))
  return { want, raised, cleared }
}

const commErrorText = (e: CommError): string => e._tag

/**
 * Advance one supply's health by one observation. `table` lets a product re-classify flags (tests
 * use the default, `statusSeverityTable`).
 */
export const assessHealth = (
  prev: SupplyHealth,
  observation: HealthObservation,
  policy: DeglitchPolicy = defaultDeglitchPolicy,
  table: readonly StatusSeverityRow[] = statusSeverityTable,
): HealthAssessment => {
  if (observation._tag === 'ReadFailed') {
    const noAck = observation.error._tag === 'NoAck'
    const counted: SupplyHealth = {
      ...prev,
      noAckStreak: bump(prev.noAckStreak, noAck),
      failedReadStreak: bump(prev.failedReadStreak, true),
      cleanStreak: 0,
      quietStreak: 0,
    }
    let verdict: Verdict = { state: prev.state, cause: prev.cause, causeDetail: prev.causeDetail }
    if (counted.noAckStreak >= policy.absentReads) {
      verdict = { state: 'absent', cause: 'noResponse', causeDetail: [commErrorText(observation.error)] }
    } else if (counted.failedReadStreak >= policy.commFaultReads && prev.state === 'ok') {
      verdict = { state: 'warning', cause: 'commFault', causeDetail: [commErrorText(observation.error)] }
    } else if (counted.failedReadStreak >= policy.commFaultReads && prev.cause === 'commFault') {
      verdict = { ...verdict, causeDetail: [commErrorText(observation.error)] }
    }
    // A failed read never improves the state: only worse or equal verdicts were formed above.
    const health: SupplyHealth = { ...counted, ...verdict }
    const { want, raised, cleared } = diffAlarms(prev, health, policy, observation.atMs)
    return { health: { ...health, alarms: want }, raised, cleared, clearFaults: false, needDetail: false }
  }

  const { sample } = observation
  const c = classifyStatusOnce(sample.status, table)
  const inputSeen = c.inputLoss.length > 0
  const powerBad = c.powerNotGood.length > 0
  const outputDown = powerBad || c.inputLoss.includes('input.unitOffLowInput')
  const inputLossMemory = inputSeen ? policy.inputLossMemoryPolls : Math.max(0, prev.inputLossMemory - 1)
  const inputBlamed = inputLossMemory > 0
  const clean = c.failed.length === 0 && !powerBad && !inputSeen
  const quiet = clean && c.warning.length === 0

  const counted: SupplyHealth = {
    ...prev,
    faultStreak: bump(prev.faultStreak, c.failed.length > 0),
    inputStreak: bump(prev.inputStreak, inputBlamed && outputDown),
    powerStreak: bump(prev.powerStreak, powerBad && !inputBlamed),
    warningStreak: bump(prev.warningStreak, c.failed.length > 0 || c.warning.length > 0),
    noAckStreak: 0,
    failedReadStreak: 0,
    cleanStreak: bump(prev.cleanStreak, clean),
    quietStreak: bump(prev.quietStreak, quiet),
    inputLossMemory,
  }

  const target: Verdict =
    counted.faultStreak >= policy.faultPolls
      ? { state: 'failed', cause: 'faultFlags', causeDetail: c.failed }
      : counted.inputStreak >= policy.faultPolls
        ? { state: 'failed', cause: 'inputLoss', causeDetail: [...c.inputLoss, ...c.powerNotGood] }
        : counted.powerStreak >= policy.powerGoodPolls
          ? { state: 'failed', cause: 'powerNotGood', causeDetail: c.powerNotGood }
          : counted.warningStreak >= policy.faultPolls
            ? { state: 'warning', cause: 'warningFlags', causeDetail: [...c.failed, ...c.warning] }
            : { state: 'ok', cause: 'none', causeDetail: [] }

  const verdict = settle(prev, target, (from) =>
    from === 'warning'
      ? counted.quietStreak >= policy.recoverPolls
      : counted.cleanStreak >= policy.recoverPolls,
  )
  const health: SupplyHealth = { ...counted, ...verdict }
  const { want, raised, cleared } = diffAlarms(prev, health, policy, sample.atMs)
  return {
    health: { ...health, alarms: want },
    raised,
    cleared,
    clearFaults: c.anySet && c.complete,
    needDetail: !c.complete,
  }
}
