/**
 * Test double / simulator part. A virtual PMBus supply, a device for a VirtualBus. Synchronous and cheap:
 * the simulator calls it millions of times.
 *
 * Physical state in, registers out: `setReadings` (SI units, encoded LINEAR11 / LINEAR16 on read),
 * `setCondition` (named PMBus conditions) or `setStatusBits` (raw detail bits). Status behaves as on real
 * parts: a present condition sets its detail bits, bits stay latched until CLEAR_FAULTS, and CLEAR_FAULTS
 * sets the bits of a still-present condition again at once. OFF and POWER_GOOD# are live (they follow
 * the conditions that turn the output off), as on most parts. STATUS_WORD summary bits are derived from
 * the latched detail registers. SMBALERT# asserts when an unmasked detail bit newly latches and releases
 * on CLEAR_FAULTS or after the device answers the Alert Response Address.
 *
 * Protocol: byte / word / block reads by command code; writes of CLEAR_FAULTS (send byte), PAGE (byte),
 * SMBALERT_MASK (word: low byte = status command, high byte = mask). PEC: when supported, a read clocking
 * one byte past the data gets the PEC, a write one byte longer than the command's data carries a PEC that
 * is checked (mismatch: NACK and STATUS_CML PEC failed). Unsupported commands: NACK and STATUS_CML invalid
 * command. Fault injection: NACK (always or next N), corrupt PEC on the next N responses, timeout.
 */
import * as E from 'fp-ts/lib/Either.js'
import type { Either } from 'fp-ts/lib/Either.js'
import type { CommError, SupplyReadings } from '@busbar/core'
import { CAPABILITY_PEC, CAPABILITY_SMBALERT, PmbusCommand as C } from '../codec/commands.js'
import { encodeLinear11 } from '../codec/linear11.js'
import { encodeLinear16 } from '../codec/linear16.js'
import { pec as crc8 } from '../codec/pec.js'
import type { VirtualI2cDevice } from './virtualBus.js'

/** The latched detail status registers. */
export type StatusRegisterName =
  'vout' | 'iout' | 'input' | 'temperature' | 'cml' | 'other' | 'mfr' | 'fans12'

/** Named physical conditions a virtual supply can be put in; each sets its PMBus status bits. */
export type SupplyCondition =
  | 'inputLoss'
  | 'vinUvWarning'
  | 'vinOvFault'
  | 'vinOvWarning'
  | 'voutOvFault'
  | 'voutOvWarning'
  | 'voutUvWarning'
  | 'voutUvFault'
  | 'ioutOcFault'
  | 'ioutOcWarning'
  | 'currentShareFault'
  | 'poutOpWarning'
  | 'overTemperatureFault'
  | 'overTemperatureWarning'
  | 'fan1Fault'
  | 'fan1Warning'
  /** Output off without a fault (e.g. turned off by OPERATION): OFF and POWER_GOOD# only. */
  | 'outputOff'

interface ConditionBits {
  readonly register?: StatusRegisterName
  readonly mask: number
  /** The condition turns the output off (OFF and POWER_GOOD# set while present). */
  readonly off: boolean
}

/** Bits per PMBus Part II; the faults that normally shut a supply down also turn its output off. */
export const supplyConditions: Readonly<Record<SupplyCondition, ConditionBits>> = {
  inputLoss: { register: 'input', mask: 0x18, off: true }, // VIN_UV_FAULT + unit off for low input
  vinUvWarning: { register: 'input', mask: 0x20, off: false },
  vinOvFault: { register: 'input', mask: 0x80, off: true },
  vinOvWarning: { register: 'input', mask: 0x40, off: false },
  voutOvFault: { register: 'vout', mask: 0x80, off: true },
  voutOvWarning: { register: 'vout', mask: 0x40, off: false },
  voutUvWarning: { register: 'vout', mask: 0x20, off: false },
  voutUvFault: { register: 'vout', mask: 0x10, off: true },
  ioutOcFault: { register: 'iout', mask: 0x80, off: true },
  ioutOcWarning: { register: 'iout', mask: 0x20, off: false },
  currentShareFault: { register: 'iout', mask: 0x08, off: false },
  poutOpWarning: { register: 'iout', mask: 0x01, off: false },
  overTemperatureFault: { register: 'temperature', mask: 0x80, off: true },
  overTemperatureWarning: { register: 'temperature', mask: 0x40, off: false },
  fan1Fault: { register: 'fans12', mask: 0x80, off: false },
  fan1Warning: { register: 'fans12', mask: 0x20, off: false },
  outputOff: { mask: 0, off: true },
}

const statusCommandOf: Readonly<Record<StatusRegisterName, number>> = {
  vout: C.STATUS_VOUT,
  iout: C.STATUS_IOUT,
  input: C.STATUS_INPUT,
  temperature: C.STATUS_TEMPERATURE,
  cml: C.STATUS_CML,
  other: C.STATUS_OTHER,
  mfr: C.STATUS_MFR_SPECIFIC,
  fans12: C.STATUS_FANS_1_2,
}
const registerNames = Object.keys(statusCommandOf) as StatusRegisterName[]

/** `after`: let that many transactions through first (a fault mid-sweep). Default 0. */
export type InjectedFault =
  /** NACK the address: `count` transactions, or all while `count` is undefined. */
  | { readonly _tag: 'Nack'; readonly count?: number; readonly after?: number }
  /** Corrupt the PEC byte of `count` read responses. */
  | { readonly _tag: 'PecError'; readonly count: number; readonly after?: number }
  /** Hold the clock: `count` transactions time out, or all while `count` is undefined. */
  | { readonly _tag: 'Timeout'; readonly count?: number; readonly after?: number }

/** A virtual supply's address, capacity (W), MFR strings, VOUT_MODE and PEC support. */
export interface VirtualSupplyOptions {
  readonly address: number
  /** MFR_POUT_MAX, watts. */
  readonly capacityW: number
  readonly mfrId?: string
  readonly mfrModel?: string
  readonly mfrSerial?: string
  /** VOUT_MODE byte; default 0x97 (PMBus 1.3 relative flag, linear, exponent -9) as real parts report. */
  readonly voutMode?: number
  /** Supports PEC (CAPABILITY bit 7). Default true. */
  readonly pec?: boolean
  /** Supports SMBALERT# (CAPABILITY bit 4). Default true. */
  readonly smbalert?: boolean
  /** Answers the Alert Response Address when asserting SMBALERT#. Default true (some parts do not). */
  readonly answersAra?: boolean
  /**
   * Releases SMBALERT# after answering the ARA, as PMBus requires. Default true; false models a faulty
   * part that keeps the line asserted while its bits stay latched (the handler's ARA loop bound).
   */
  readonly alertReleasesOnAra?: boolean
  readonly readings?: SupplyReadings
  /** Command codes this part does not implement (NACKed). */
  readonly unsupportedCommands?: readonly number[]
}

/** A virtual PMBus supply on a virtual bus: set its readings and conditions, inject faults, inspect it. */
export interface VirtualSupply extends VirtualI2cDevice {
  readonly address: number
  setReadings(readings: SupplyReadings): void
  setCondition(condition: SupplyCondition, present: boolean): void
  /** Raw form of setCondition: these bits of a detail register are (or stop being) a present condition. */
  setStatusBits(register: StatusRegisterName, mask: number, present: boolean): void
  /** Shorthand: false = NACK everything (a dead or removed supply), true = clear an injected NACK. */
  setResponding(responding: boolean): void
  injectFault(fault: InjectedFault): void
  clearInjectedFaults(): void
  /** SMBALERT_MASK for one detail register (1 = that bit does not assert SMBALERT#). */
  setAlertMask(register: StatusRegisterName, mask: number): void
  alertAsserted(): boolean
  /** Called whenever alertAsserted() changes; returns unsubscribe. */
  onAlertChange(listener: (asserted: boolean) => void): () => void
  statusWord(): number
  /** Latched detail registers now. */
  statusRegisters(): Readonly<Record<StatusRegisterName, number>>
  /** Transactions addressed to this supply (ACKed or not), for tests and bus-time accounting. */
  transactionCount(): number
}

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`

/**
 * Creates a virtual PMBus supply with latched status, SMBALERT#, PEC and fault injection; throws on a bad
 * address or capacity.
 */
export const createVirtualSupply = (options: VirtualSupplyOptions): VirtualSupply => {
  const { address, capacityW } = options
  if (!Number.isInteger(address) || address < 0x08 || address > 0x77) {
    throw new RangeError(
      `createVirtualSupply: address must be a 7-bit device address 0x08..0x77, got ${address}`,
    )
  }
  if (!(capacityW > 0)) throw new RangeError(`createVirtualSupply: capacityW must be > 0, got ${capacityW}`)
  const voutMode = options.voutMode ?? 0x97
  const pecSupported = options.pec ?? true
  const smbalertSupported = options.smbalert ?? true
  const answersAra = options.answersAra ?? true
  const alertReleasesOnAra = options.alertReleasesOnAra ?? true
  const unsupported = new Set(options.unsupportedCommands ?? [])
  const strings = {
    [C.MFR_ID]: options.mfrId ?? 'BUSBAR',
    [C.MFR_MODEL]: options.mfrModel ?? `VPSU-${capacityW}`,
    [C.MFR_SERIAL]: options.mfrSerial ?? `SN${address.toString(16).toUpperCase()}`,
  } as Record<number, string>
  const encoder = new TextEncoder()

  let readings: SupplyReadings = options.readings ?? {}
  const latched: Record<StatusRegisterName, number> = {
    vout: 0,
    iout: 0,
    input: 0,
    temperature: 0,
    cml: 0,
    other: 0,
    mfr: 0,
    fans12: 0,
  }
  const alertMask: Record<StatusRegisterName, number> = {
    vout: 0,
    iout: 0,
    input: 0,
    temperature: 0,
    cml: 0,
    other: 0,
    mfr: 0,
    fans12: 0,
  }
  const conditions = new Set<SupplyCondition>()
  const rawConditions: Record<StatusRegisterName, number> = {
    vout: 0,
    iout: 0,
    input: 0,
    temperature: 0,
    cml: 0,
    other: 0,
    mfr: 0,
    fans12: 0,
  }
  let alertPending = false
  let page = 0
  let transactions = 0
  // An injected fault: `skip` transactions pass first, then `remaining` (undefined = all) are hit.
  interface Armed {
    skip: number
    remaining: number | undefined
  }
  let nack: Armed | null = null
  let timeout: Armed | null = null
  let pecErrors: Armed | null = null
  /** Whether this transaction is hit by `fault`; advances its counters. */
  const hits = (fault: Armed | null): boolean => {
    if (fault === null) return false
    if (fault.skip > 0) {
      fault.skip--
      return false
    }
    if (fault.remaining === undefined) return true
    if (fault.remaining <= 0) return false
    fault.remaining--
    return true
  }
  const listeners = new Set<(asserted: boolean) => void>()

  const alertAsserted = (): boolean => smbalertSupported && alertPending
  const setAlertPending = (pending: boolean): void => {
    const before = alertAsserted()
    alertPending = pending
    const after = alertAsserted()
    if (before !== after) for (const listener of [...listeners]) listener(after)
  }

  /** ORs `mask` into a latched register; a newly set unmasked bit asserts SMBALERT#. */
  const latch = (register: StatusRegisterName, mask: number): void => {
    const fresh = mask & ~latched[register]
    latched[register] |= mask
    if ((fresh & ~alertMask[register]) !== 0) setAlertPending(true)
  }

  const applyPresentConditions = (): void => {
    for (const c of conditions) {
      const bits = supplyConditions[c]
      if (bits.register !== undefined) latch(bits.register, bits.mask)
    }
    for (const r of registerNames) if (rawConditions[r] !== 0) latch(r, rawConditions[r])
  }

  const outputOff = (): boolean => [...conditions].some((c) => supplyConditions[c].off)

  const statusWord = (): number => {
    const l = latched
    const off = outputOff()
    const noneOfTheAbove =
      ((l.vout & 0x7f) | (l.iout & 0x7f) | (l.input & ~0x18) | l.fans12 | l.other | l.mfr) !== 0
    const low =
      (off ? 0x40 : 0) |
      (l.vout & 0x80 ? 0x20 : 0) |
      (l.iout & 0x80 ? 0x10 : 0) |
      (l.input & 0x10 ? 0x08 : 0) |
      (l.temperature ? 0x04 : 0) |
      (l.cml ? 0x02 : 0) |
      (noneOfTheAbove ? 0x01 : 0)
    const high =
      (l.vout ? 0x80 : 0) |
      (l.iout ? 0x40 : 0) |
      (l.input ? 0x20 : 0) |
      (l.mfr ? 0x10 : 0) |
      (off ? 0x08 : 0) |
      (l.fans12 ? 0x04 : 0) |
      (l.other ? 0x02 : 0)
    return (high << 8) | low
  }

  const clearFaults = (): void => {
    for (const r of registerNames) latched[r] = 0
    setAlertPending(false)
    applyPresentConditions()
  }

  // Out-of-range physical values saturate, as a real part's ADC and firmware do.
  const linear11 = (value: number | undefined): number =>
    E.getOrElse((): number => ((value ?? 0) < 0 ? 0x7c00 : 0x7bff))(encodeLinear11(value ?? 0))
  const linear16 = (value: number | undefined): number =>
    E.getOrElse((): number => ((value ?? 0) < 0 ? 0 : 0xffff))(encodeLinear16(value ?? 0, voutMode))

  type ReadData = { readonly data: readonly number[] } | { readonly error: CommError }
  const word = (w: number): ReadData => ({ data: [w & 0xff, (w >> 8) & 0xff] })
  const byte = (b: number): ReadData => ({ data: [b & 0xff] })
  const block = (text: string): ReadData => {
    const bytes = encoder.encode(text)
    return { data: [bytes.length, ...bytes] }
  }

  const invalidCommand = (command: number): CommError => {
    latch('cml', 0x80)
    return {
      _tag: 'NoAck',
      address,
      command,
      detail: `command ${hex(command)} not supported by the virtual supply at ${hex(address)}`,
    }
  }

  const readData = (command: number): ReadData => {
    if (unsupported.has(command)) return { error: invalidCommand(command) }
    switch (command) {
      case C.PAGE:
        return byte(page)
      case C.CAPABILITY:
        return byte(
          (pecSupported ? CAPABILITY_PEC : 0) | (smbalertSupported ? CAPABILITY_SMBALERT : 0) | 0x20,
        )
      case C.VOUT_MODE:
        return byte(voutMode)
      case C.STATUS_BYTE:
        return byte(statusWord() & 0xff)
      case C.STATUS_WORD:
        return word(statusWord())
      case C.READ_VIN:
        return word(linear11(readings.vinV))
      case C.READ_IIN:
        return word(linear11(readings.iinA))
      case C.READ_VOUT:
        return word(linear16(readings.voutV))
      case C.READ_IOUT:
        return word(linear11(readings.ioutA))
      case C.READ_TEMPERATURE_1:
        return word(linear11(readings.temperatureC))
      case C.READ_FAN_SPEED_1:
        return word(linear11(readings.fanRpm))
      case C.READ_POUT:
        return word(linear11(readings.poutW))
      case C.READ_PIN:
        return word(linear11(readings.pinW))
      case C.MFR_POUT_MAX:
        return word(linear11(capacityW))
      case C.MFR_ID:
      case C.MFR_MODEL:
      case C.MFR_SERIAL:
        return block(strings[command] ?? '')
      default: {
        const register = registerNames.find((r) => statusCommandOf[r] === command)
        return register !== undefined ? byte(latched[register]) : { error: invalidCommand(command) }
      }
    }
  }

  /** Data bytes a write of `command` carries (PEC excluded), or undefined when not writable. */
  const writeLength = (command: number): number | undefined => {
    if (unsupported.has(command)) return undefined
    switch (command) {
      case C.CLEAR_FAULTS:
        return 0
      case C.PAGE:
        return 1
      case C.SMBALERT_MASK:
        return 2
      default:
        return undefined
    }
  }

  const performWrite = (command: number, data: readonly number[]): Either<CommError, void> => {
    switch (command) {
      case C.CLEAR_FAULTS:
        clearFaults()
        return E.right(undefined)
      case C.PAGE:
        if (data[0] !== 0) {
          latch('cml', 0x40)
          return E.left({
            _tag: 'NoAck',
            address,
            command,
            detail: `PAGE ${data[0]} does not exist (single-page supply)`,
          })
        }
        page = 0
        return E.right(undefined)
      case C.SMBALERT_MASK: {
        const register = registerNames.find((r) => statusCommandOf[r] === data[0])
        if (register === undefined) {
          latch('cml', 0x40)
          return E.left({
            _tag: 'NoAck',
            address,
            command,
            detail: `SMBALERT_MASK for unknown status command ${hex(data[0] ?? 0)}`,
          })
        }
        alertMask[register] = data[1] ?? 0
        return E.right(undefined)
      }
      default:
        return E.left(invalidCommand(command))
    }
  }

  /** Injected bus-level faults, checked at the start of every transaction addressed to us. */
  const busFault = (): CommError | undefined => {
    transactions++
    if (hits(nack)) return { _tag: 'NoAck', address, detail: 'injected NACK' }
    if (hits(timeout)) return { _tag: 'Timeout', address, detail: 'injected clock stretch' }
    return undefined
  }

  const write = (bytes: Uint8Array): Either<CommError, void> => {
    const fault = busFault()
    if (fault !== undefined) return E.left(fault)
    const command = bytes[0]
    if (command === undefined)
      return E.left({ _tag: 'NoAck', address, detail: 'quick command / empty write not supported' })
    const length = writeLength(command)
    if (length === undefined) return E.left(invalidCommand(command))
    const data = Array.from(bytes.subarray(1, 1 + length))
    if (bytes.length === 2 + length && pecSupported) {
      const expected = crc8([address << 1, command, ...data])
      if (bytes[1 + length] !== expected) {
        latch('cml', 0x20)
        return E.left({ _tag: 'NoAck', address, command, detail: 'PEC byte NACKed (mismatch)' })
      }
    } else if (bytes.length !== 1 + length) {
      latch('cml', 0x40)
      return E.left({
        _tag: 'NoAck',
        address,
        command,
        detail: `write of ${bytes.length} bytes, command takes ${length} data bytes`,
      })
    }
    return performWrite(command, data)
  }

  const writeRead = (bytes: Uint8Array, length: number): Either<CommError, Uint8Array> => {
    const fault = busFault()
    if (fault !== undefined) return E.left(fault)
    const command = bytes[0]
    if (bytes.length !== 1 || command === undefined) {
      return E.left({
        _tag: 'NoAck',
        address,
        command,
        detail: 'process calls are not supported by the virtual supply',
      })
    }
    const result = readData(command)
    if ('error' in result) return E.left(result.error)
    // What a master clocks in: the data, then the PEC (if supported), then an idle bus (0xFF).
    const out = new Uint8Array(length).fill(0xff)
    out.set(result.data.slice(0, length))
    const corrupt = hits(pecErrors)
    if (pecSupported && length > result.data.length) {
      const good = crc8(result.data, crc8([address << 1, command, (address << 1) | 1]))
      out[result.data.length] = corrupt ? good ^ 0xff : good
    }
    return E.right(out)
  }

  return {
    address,
    write,
    writeRead,
    read: () => {
      const fault = busFault()
      return E.left(
        fault ?? { _tag: 'NoAck', address, detail: 'receive byte not supported by the virtual supply' },
      )
    },
    alertResponse: () => (alertAsserted() && answersAra ? (address << 1) & 0xff : undefined),
    alertResponded: () => {
      if (alertReleasesOnAra) setAlertPending(false)
    },
    setReadings: (next) => {
      readings = next
    },
    setCondition: (condition, present) => {
      if (supplyConditions[condition] === undefined)
        throw new RangeError(`setCondition: unknown condition "${String(condition)}"`)
      if (present) conditions.add(condition)
      else conditions.delete(condition)
      applyPresentConditions()
    },
    setStatusBits: (register, mask, present) => {
      if (statusCommandOf[register] === undefined)
        throw new RangeError(`setStatusBits: unknown register "${String(register)}"`)
      rawConditions[register] = present
        ? rawConditions[register] | (mask & 0xff)
        : rawConditions[register] & ~mask
      applyPresentConditions()
    },
    setResponding: (responding) => {
      nack = responding ? null : { skip: 0, remaining: undefined }
    },
    injectFault: (fault) => {
      const armed: Armed = { skip: fault.after ?? 0, remaining: fault.count }
      switch (fault._tag) {
        case 'Nack':
          nack = armed
          return
        case 'Timeout':
          timeout = armed
          return
        case 'PecError':
          pecErrors = armed
          return
      }
    },
    clearInjectedFaults: () => {
      nack = null
      timeout = null
      pecErrors = null
    },
    setAlertMask: (register, mask) => {
      alertMask[register] = mask & 0xff
    },
    alertAsserted,
    onAlertChange: (listener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    statusWord,
    statusRegisters: () => ({ ...latched }),
    transactionCount: () => transactions,
  }
}
