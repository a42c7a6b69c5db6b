/** Pure. What the reader needs to know about one supply: where it is and how it speaks. */
import type { SupplyReadings } from '@busbar/core'
import type { DirectCoefficients } from '../codec/direct.js'

/** Detail status registers (STATUS_WORD is always read). */
export type DetailRegister = 'vout' | 'iout' | 'input' | 'temperature' | 'cml' | 'fans12' | 'other' | 'mfr'
/** Every detail status register, in the order a full snapshot reads them. */
export const allDetailRegisters: readonly DetailRegister[] = [
  'vout',
  'iout',
  'input',
  'temperature',
  'cml',
  'fans12',
  'other',
  'mfr',
]

/** The READ_* values a full visit reads. */
export type ReadingName = 'vinV' | 'iinA' | 'voutV' | 'ioutA' | 'poutW' | 'pinW' | 'temperatureC' | 'fanRpm'
/** Every READ_* value, in the order a full visit reads them. */
export const allReadings: readonly ReadingName[] = [
  'vinV',
  'iinA',
  'voutV',
  'ioutA',
  'poutW',
  'pinW',
  'temperatureC',
  'fanRpm',
]

/** How to talk to one identified supply: address, PEC, VOUT format, and which registers it implements. */
export interface SupplyProfile {
  /** 7-bit address on its segment. */
  readonly address: number
  /** Use PEC (CAPABILITY bit 7). */
  readonly pec: boolean
  /** The VOUT_MODE byte, for READ_VOUT. */
  readonly voutMode: number
  /** Needed only when VOUT_MODE says DIRECT. */
  readonly voutDirect?: DirectCoefficients
  /** Detail registers the part implements (default all); a snapshot before CLEAR_FAULTS reads these. */
  readonly statusRegisters?: readonly DetailRegister[]
  /** READ_* commands a full visit reads (default all eight); leave out what the part lacks. */
  readonly readings?: readonly ReadingName[]
}

export type { SupplyReadings }
