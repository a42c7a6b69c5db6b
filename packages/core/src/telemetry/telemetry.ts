/**
 * Pure. PMBus-level telemetry as the controller sees it: status registers already decoded into
 * flags, READ_* values in SI units. `@busbar/adapters-pmbus` produces these; core consumes them.
 */

/** STATUS_WORD (0x79). Low byte bits 7..0, high byte bits 15..8, names from PMBus Part II. */
export interface StatusWordFlags {
  readonly busy: boolean // bit 7
  readonly off: boolean // bit 6
  readonly voutOv: boolean // bit 5
  readonly ioutOc: boolean // bit 4
  readonly vinUv: boolean // bit 3
  readonly temperature: boolean // bit 2
  readonly cml: boolean // bit 1
  readonly noneOfTheAbove: boolean // bit 0
  readonly vout: boolean // bit 15
  readonly ioutPout: boolean // bit 14
  readonly input: boolean // bit 13
  readonly mfrSpecific: boolean // bit 12
  /** POWER_GOOD# set: power is NOT good. */
  readonly powerGoodNegated: boolean // bit 11
  readonly fans: boolean // bit 10
  readonly other: boolean // bit 9
  readonly unknown: boolean // bit 8
}

/** STATUS_VOUT (0x7A), bits 7..0. */
export interface StatusVoutFlags {
  readonly ovFault: boolean
  readonly ovWarning: boolean
  readonly uvWarning: boolean
  readonly uvFault: boolean
  readonly maxMinWarning: boolean
  readonly tonMaxFault: boolean
  readonly toffMaxWarning: boolean
  readonly trackingError: boolean
}

/** STATUS_IOUT (0x7B), bits 7..0. */
export interface StatusIoutFlags {
  readonly ocFault: boolean
  readonly ocLvFault: boolean
  readonly ocWarning: boolean
  readonly ucFault: boolean
  readonly currentShareFault: boolean
  readonly powerLimiting: boolean
  readonly poutOpFault: boolean
  readonly poutOpWarning: boolean
}

/** STATUS_INPUT (0x7C), bits 7..0. */
export interface StatusInputFlags {
  readonly vinOvFault: boolean
  readonly vinOvWarning: boolean
  readonly vinUvWarning: boolean
  readonly vinUvFault: boolean
  /** Unit off for insufficient input voltage. */
  readonly unitOffLowInput: boolean
  readonly iinOcFault: boolean
  readonly iinOcWarning: boolean
  readonly pinOpWarning: boolean
}

/** STATUS_TEMPERATURE (0x7D), bits 7..4 (3..0 reserved). */
export interface StatusTemperatureFlags {
  readonly otFault: boolean
  readonly otWarning: boolean
  readonly utWarning: boolean
  readonly utFault: boolean
}

/** STATUS_CML (0x7E), bits 7..0 (bit 2 reserved). */
export interface StatusCmlFlags {
  readonly invalidCommand: boolean
  readonly invalidData: boolean
  readonly pecFailed: boolean
  readonly memoryFault: boolean
  readonly processorFault: boolean
  readonly otherCommFault: boolean
  readonly otherMemoryLogicFault: boolean
}

/** STATUS_FANS_1_2 (0x81), bits 7..0. */
export interface StatusFans12Flags {
  readonly fan1Fault: boolean
  readonly fan2Fault: boolean
  readonly fan1Warning: boolean
  readonly fan2Warning: boolean
  readonly fan1SpeedOverride: boolean
  readonly fan2SpeedOverride: boolean
  readonly airflowFault: boolean
  readonly airflowWarning: boolean
}

/** Every status register read in one visit. Detail registers only when STATUS_WORD pointed at them. */
export interface StatusRegisters {
  readonly word: StatusWordFlags
  readonly vout?: StatusVoutFlags
  readonly iout?: StatusIoutFlags
  readonly input?: StatusInputFlags
  readonly temperature?: StatusTemperatureFlags
  readonly cml?: StatusCmlFlags
  readonly fans12?: StatusFans12Flags
  /** STATUS_OTHER and STATUS_MFR_SPECIFIC raw bytes; their meaning is vendor-specific. */
  readonly otherRaw?: number
  readonly mfrRaw?: number
}

/** READ_* values, SI units. Absent when not read this visit (status fast path) or unsupported. */
export interface SupplyReadings {
  readonly vinV?: number
  readonly iinA?: number
  readonly voutV?: number
  readonly ioutA?: number
  readonly poutW?: number
  readonly pinW?: number
  readonly temperatureC?: number
  readonly fanRpm?: number
  /** Commanded fan speed (duty %), when the supply reports it; for fan-wear prediction. */
  readonly fanCommandPct?: number
  /** Output ripple peak-to-peak in volts, when measured (e.g. by a sampling monitor). */
  readonly voutRippleV?: number
}

/**
 * One supply visit as core consumes it: decoded status registers and SI readings, stamped with controller
 * time (ms).
 */
export interface TelemetrySample {
  readonly supply: string
  /** Controller time in milliseconds (an input; core has no clock). */
  readonly atMs: number
  readonly status: StatusRegisters
  readonly readings: SupplyReadings
}

/** A failed bus transaction, as a typed value. Adapters may carry more detail in `detail`. */
export type CommError =
  | { readonly _tag: 'NoAck'; readonly address: number; readonly command?: number; readonly detail?: string }
  | {
      readonly _tag: 'PecMismatch'
      readonly address: number
      readonly command?: number
      readonly expected: number
      readonly actual: number
    }
  | {
      readonly _tag: 'Timeout'
      readonly address: number
      readonly command?: number
      readonly detail?: string
    }
  | {
      readonly _tag: 'BusError'
      readonly address?: number
      readonly command?: number
      readonly detail: string
    }
  | { readonly _tag: 'MuxError'; readonly mux: number; readonly channel: number; readonly detail: string }
  | {
      readonly _tag: 'InvalidResponse'
      readonly address: number
      readonly command?: number
      readonly detail: string
    }

/** A STATUS_WORD with every flag false (nothing to report), e.g. as a base for fixtures. */
export const noStatusFlags: StatusWordFlags = {
  busy: false,
  off: false,
  voutOv: false,
  ioutOc: false,
  vinUv: false,
  temperature: false,
  cml: false,
  noneOfTheAbove: false,
  vout: false,
  ioutPout: false,
  input: false,
  mfrSpecific: false,
  powerGoodNegated: false,
  fans: false,
  other: false,
  unknown: false,
}
