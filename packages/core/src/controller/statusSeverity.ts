/**
 * Pure. Decoded PMBus status registers in, a per-flag severity classification out, driven by one
 * documented table (`statusSeverityTable`).
 *
 * Severity classes (what a flag means for the supply's state, before deglitching):
 *
 * | class          | meaning                                                                          |
 * |----------------|----------------------------------------------------------------------------------|
 * | `failed`       | the supply itself cannot be trusted to carry load (a FAULT bit of the supply)     |
 * | `powerNotGood` | output not good (POWER_GOOD#, OFF): glitches at power-on, so deglitched longer    |
 * | `inputLoss`    | the supply's input is gone or out of range: the supply is fine, its feed is not   |
 * | `warning`      | a WARNING bit, or a summary bit whose detail register was not read               |
 * | `info`         | no bearing on health (BUSY, fan override, host-side command errors)               |
 *
 * The table, row by row (register.flag -> class):
 *
 * | flag                          | class          | why                                                      |
 * |-------------------------------|----------------|----------------------------------------------------------|
 * | word.busy                     | info           | device busy, retry later                                 |
 * | word.off                      | powerNotGood   | output off                                               |
 * | word.voutOv                   | failed         | output over-voltage fault                                |
 * | word.ioutOc                   | failed         | output over-current fault                                |
 * | word.vinUv                    | inputLoss      | input under-voltage fault                                |
 * | word.temperature              | warning*       | summary of STATUS_TEMPERATURE                            |
 * | word.cml                      | warning*       | summary of STATUS_CML                                    |
 * | word.noneOfTheAbove           | info           | points at the high byte, classified there                |
 * | word.vout                     | warning*       | summary of STATUS_VOUT                                   |
 * | word.ioutPout                 | warning*       | summary of STATUS_IOUT                                   |
 * | word.input                    | warning*       | summary of STATUS_INPUT                                  |
 * | word.mfrSpecific              | warning*       | summary of STATUS_MFR_SPECIFIC                           |
 * | word.powerGoodNegated         | powerNotGood   | POWER_GOOD# set: power is not good                       |
 * | word.fans                     | warning*       | summary of STATUS_FANS_1_2                               |
 * | word.other                    | warning*       | summary of STATUS_OTHER                                  |
 * | word.unknown                  | warning        | a fault the device cannot name                           |
 * | vout.ovFault / uvFault        | failed         | output out of regulation                                 |
 * | vout.tonMaxFault              | failed         | output never came up                                     |
 * | vout.ovWarning / uvWarning    | warning        | output drifting toward a fault                           |
 * | vout.maxMinWarning            | warning        | commanded VOUT clamped                                   |
 * | vout.toffMaxWarning           | warning        | slow to turn off                                         |
 * | vout.trackingError            | warning        | sequencing only; output still regulated                  |
 * | iout.ocFault / ocLvFault      | failed         | over-current shutdown                                    |
 * | iout.ucFault                  | failed         | reverse current: OR-ing failure, the supply sinks power  |
 * | iout.poutOpFault              | failed         | output over-power shutdown                               |
 * | iout.ocWarning / poutOpWarning| warning        | near its limit                                           |
 * | iout.currentShareFault        | warning        | still delivers; imbalance is a prediction signal         |
 * | iout.powerLimiting            | warning        | delivering less than asked                               |
 * | input.vinUvFault              | inputLoss      | feed lost or sagging below operating range               |
 * | input.vinOvFault              | inputLoss      | feed over range: the supply shuts down                   |
 * | input.unitOffLowInput         | inputLoss      | unit off for insufficient input                          |
 * | input.vinUvWarning/vinOvWarning| warning       | feed sagging / high (prediction: input sags)             |
 * | input.iinOcFault              | failed         | the supply draws too much input current                  |
 * | input.iinOcWarning/pinOpWarning| warning       | near its input limit                                     |
 * | temperature.otFault / utFault | failed         | temperature out of range                                 |
 * | temperature.otWarning/utWarning| warning       | temperature near its limit                               |
 * | cml.memoryFault / processorFault / otherMemoryLogicFault | failed | firmware cannot be trusted            |
 * | cml.pecFailed / otherCommFault| warning        | bus integrity problem (also counted by comm-fault logic) |
 * | cml.invalidCommand / invalidData | info        | the host sent something the device rejects: our side     |
 * | fans12.fan1Fault / fan2Fault / airflowFault | failed | the supply will overheat                       |
 * | fans12.fan1Warning / fan2Warning / airflowWarning | warning | cooling degrading                       |
 * | fans12.fan1SpeedOverride / fan2SpeedOverride | info | host override, not a fault                       |
 * | otherRaw != 0, mfrRaw != 0    | warning        | vendor-specific meaning: never trusted as ok              |
 *
 * `*` summary bits: they count as `warning` only when their detail register was NOT read in the same
 * visit; when it was, the detail flags decide (so STATUS_TEMPERATURE's otWarning stays a warning and
 * its otFault is a failure). A snapshot whose summary bits all have their detail register is
 * `complete`: only then may the controller send CLEAR_FAULTS (status bits latch until cleared).
 */
import type { StatusRegisters } from '../telemetry/telemetry.js'

/** Severity classes of status flags (see the module comment). */
export type StatusSeverity = 'failed' | 'powerNotGood' | 'inputLoss' | 'warning' | 'info'

/** Detail registers a STATUS_WORD summary bit points at. */
export type StatusDetailRegister =
  'vout' | 'iout' | 'input' | 'temperature' | 'cml' | 'fans12' | 'otherRaw' | 'mfrRaw'

/** One row of the severity table: a flag and its class. */
export interface StatusSeverityRow {
  /** `register.flag`, e.g. `word.powerGoodNegated` or `temperature.otFault`. */
  readonly flag: string
  readonly severity: StatusSeverity
  /** Set on STATUS_WORD summary bits: the row applies only when this detail register was not read. */
  readonly summaryOf?: StatusDetailRegister
}

const row = (flag: string, severity: StatusSeverity, summaryOf?: StatusDetailRegister): StatusSeverityRow =>
  summaryOf === undefined ? { flag, severity } : { flag, severity, summaryOf }

/** The documented severity of every status flag the controller reads (see the module comment). */
export const statusSeverityTable: readonly StatusSeverityRow[] = [
  row('word.busy', 'info'),
  row('word.off', 'powerNotGood'),
  row('word.voutOv', 'failed'),
  row('word.ioutOc', 'failed'),
  row('word.vinUv', 'inputLoss'),
  row('word.temperature', 'warning', 'temperature'),
  row('word.cml', 'warning', 'cml'),
  row('word.noneOfTheAbove', 'info'),
  row('word.vout', 'warning', 'vout'),
  row('word.ioutPout', 'warning', 'iout'),
  row('word.input', 'warning', 'input'),
  row('word.mfrSpecific', 'warning', 'mfrRaw'),
  row('word.powerGoodNegated', 'powerNotGood'),
  row('word.fans', 'warning', 'fans12'),
  row('word.other', 'warning', 'otherRaw'),
  row('word.unknown', 'warning'),

  row('vout.ovFault', 'failed'),
  row('vout.ovWarning', 'warning'),
  row('vout.uvWarning', 'warning'),
  row('vout.uvFault', 'failed'),
  row('vout.maxMinWarning', 'warning'),
  row('vout.tonMaxFault', 'failed'),
  row('vout.toffMaxWarning', 'warning'),
  row('vout.trackingError', 'warning'),

  row('iout.ocFault', 'failed'),
  row('iout.ocLvFault', 'failed'),
  row('iout.ocWarning', 'warning'),
  row('iout.ucFault', 'failed'),
  row('iout.currentShareFault', 'warning'),
  row('iout.powerLimiting', 'warning'),
  row('iout.poutOpFault', 'failed'),
  row('iout.poutOpWarning', 'warning'),

  row('input.vinOvFault', 'inputLoss'),
  row('input.vinOvWarning', 'warning'),
  row('input.vinUvWarning', 'warning'),
  row('input.vinUvFault', 'inputLoss'),
  row('input.unitOffLowInput', 'inputLoss'),
  row('input.iinOcFault', 'failed'),
  row('input.iinOcWarning', 'warning'),
  row('input.pinOpWarning', 'warning'),

  row('temperature.otFault', 'failed'),
  row('temperature.otWarning', 'warning'),
  row('temperature.utWarning', 'warning'),
  row('temperature.utFault', 'failed'),

  row('cml.invalidCommand', 'info'),
  row('cml.invalidData', 'info'),
  row('cml.pecFailed', 'warning'),
  row('cml.memoryFault', 'failed'),
  row('cml.processorFault', 'failed'),
  row('cml.otherCommFault', 'warning'),
  row('cml.otherMemoryLogicFault', 'failed'),

  row('fans12.fan1Fault', 'failed'),
  row('fans12.fan2Fault', 'failed'),
  row('fans12.fan1Warning', 'warning'),
  row('fans12.fan2Warning', 'warning'),
  row('fans12.fan1SpeedOverride', 'info'),
  row('fans12.fan2SpeedOverride', 'info'),
  row('fans12.airflowFault', 'failed'),
  row('fans12.airflowWarning', 'warning'),

  row('otherRaw', 'warning'),
  row('mfrRaw', 'warning'),
]

/** The flags set in one status snapshot, grouped by severity (each list in table order). */
export interface StatusClassification {
  readonly failed: readonly string[]
  readonly powerNotGood: readonly string[]
  readonly inputLoss: readonly string[]
  readonly warning: readonly string[]
  readonly info: readonly string[]
  /** Every summary bit that is set had its detail register read: safe to CLEAR_FAULTS. */
  readonly complete: boolean
  /** Any bit at all is set (STATUS_WORD non-zero or a detail register non-zero). */
  readonly anySet: boolean
}

/** Whether `flag` (`register.flag`, or `otherRaw`/`mfrRaw`) is set in `status`. Unknown flags are not set. */
export const isFlagSet = (status: StatusRegisters, flag: string): boolean => {
  if (flag === 'otherRaw') return (status.otherRaw ?? 0) !== 0
  if (flag === 'mfrRaw') return (status.mfrRaw ?? 0) !== 0
  const dot = flag.indexOf('.')
  const register = flag.slice(0, dot)
  const name = flag.slice(dot + 1)
  const flags: object | undefined =
    register === 'word' ? status.word : (status as unknown as Record<string, object | undefined>)[register]
  if (flags === undefined) return false
  return (flags as Record<string, unknown>)[name] === true
}

const detailRead = (status: StatusRegisters, register: StatusDetailRegister): boolean =>
  status[register] !== undefined

interface CompiledRow extends StatusSeverityRow {
  readonly register: string
  readonly name: string
}

const compiled = new WeakMap<readonly StatusSeverityRow[], readonly CompiledRow[]>()
const compile = (table: readonly StatusSeverityRow[]): readonly CompiledRow[] => {
  let rows = compiled.get(table)
  if (rows === undefined) {
    rows = table.map((r) => {
      const dot = r.flag.indexOf('.')
      return dot < 0
        ? { ...r, register: r.flag, name: '' }
        : { ...r, register: r.flag.slice(0, dot), name: r.flag.slice(dot + 1) }
    })
    compiled.set(table, rows)
  }
  return rows
}

const rowSet = (status: StatusRegisters, r: CompiledRow): boolean => {
  if (r.name === '') return ((status as unknown as Record<string, number | undefined>)[r.register] ?? 0) !== 0
  const flags = (status as unknown as Record<string, Record<string, unknown> | undefined>)[r.register]
  return flags !== undefined && flags[r.name] === true
}

/** Classify one snapshot with `table` (default `statusSeverityTable`). */
export const classifyStatus = (
  status: StatusRegisters,
  table: readonly StatusSeverityRow[] = statusSeverityTable,
): StatusClassification => {
  const out: Record<StatusSeverity, string[]> = {
    failed: [],
    powerNotGood: [],
    inputLoss: [],
    warning: [],
    info: [],
  }
  let complete = true
  let anySet = false
  for (const r of compile(table)) {
    if (!rowSet(status, r)) continue
    anySet = true
    if (r.summaryOf !== undefined) {
      if (detailRead(status, r.summaryOf)) continue // the detail register's own rows decide
      complete = false
    }
    out[r.severity].push(r.flag)
  }
  return { ...out, complete, anySet }
}
