/**
 * A virtual PCA9555 / TCA9555 / MCP23017 (IOCON.BANK = 0) register file as an I2C target: power-up
 * values, the register pointer as each chip moves it, input polarity inversion, and injectable faults
 * (NACK, stuck pins). What the pins see from outside comes from an injected `inputLevel`.
 */
import type { ExpanderKind } from '../wiring/Wiring.js'
import { expanderRegisterMap } from '../expander/expanderRegisterMap.js'
import { pinBit } from '../expander/portWord.js'

/**
 * Faults a test injects into a virtual expander (mutable): NACKed writes and reads, output pins stuck at a
 * level.
 */
export interface VirtualExpanderFaults {
  /** NACK the next n writes (Infinity: all). */
  nackWrites: number
  /** NACK the next n reads and write-reads (Infinity: all). */
  nackReads: number
  /** Output pins stuck at a level: they ignore the latch. */
  readonly stuckPins: Map<number, boolean>
}

/** What a virtual I2C target answers to one transaction: a value, or a NACK. */
export type I2cTargetResult<A> =
  { readonly ok: true; readonly value: A } | { readonly ok: false; readonly tag: 'I2cNack' }

/**
 * A virtual I/O expander register file acting as an I2C target, with inspection and fault hooks for tests.
 */
export interface VirtualExpander {
  readonly kind: ExpanderKind
  readonly faults: VirtualExpanderFaults
  /** Level seen from outside on a pin configured as an input; set by whoever wires the board. */
  inputLevel: (pin: number) => boolean
  /** The raw register bytes. */
  register(address: number): number
  /** Set a register byte directly (e.g. to model a controller restart with the chip still configured). */
  preset(address: number, value: number): void
  /** 16-bit pin levels: outputs drive their latch (unless stuck), inputs read `inputLevel`. */
  pinLevels(): number
  pinLevel(pin: number): boolean
  /** I2C target side. */
  write(bytes: Uint8Array): I2cTargetResult<void>
  read(length: number): I2cTargetResult<Uint8Array>
  /** Combined transfer: set the pointer, then read (counts as a read for `nackReads`). */
  writeRead(bytes: Uint8Array, length: number): I2cTargetResult<Uint8Array>
}

/** A virtual PCA9555 / TCA9555 / MCP23017 at its power-up register values. */
export const createVirtualExpander = (kind: ExpanderKind): VirtualExpander => {
  const map = expanderRegisterMap(kind)
  const regs = new Uint8Array(map.lastRegister + 1)
  const setWord = (reg: number, word: number): void => {
    regs[reg] = word & 0xff
    regs[reg + 1] = (word >>> 8) & 0xff
  }
  setWord(map.outputLatch, map.powerUp.outputLatch)
  setWord(map.inputPolarity, map.powerUp.inputPolarity)
  setWord(map.direction, map.powerUp.direction)
  let pointer = 0
  const faults: VirtualExpanderFaults = { nackWrites: 0, nackReads: 0, stuckPins: new Map() }
  const word = (reg: number): number => (regs[reg] ?? 0) | ((regs[reg + 1] ?? 0) << 8)
  const pinLevel = (pin: number): boolean => {
    const isInput = pinBit(word(map.direction), pin)
    if (isInput) return expander.inputLevel(pin)
    const stuck = faults.stuckPins.get(pin)
    return stuck ?? pinBit(word(map.outputLatch), pin)
  }
  const pinLevels = (): number => {
    let levels = 0
    for (let pin = 0; pin < 16; pin++) if (pinLevel(pin)) levels |= 1 << pin
    return levels
  }
  const advance = (): void => {
    pointer = map.pointer === 'pairToggle' ? pointer ^ 1 : pointer >= map.lastRegister ? 0 : pointer + 1
  }
  const readRegister = (reg: number): number => {
    if (reg === map.input || reg === map.input + 1) {
      const levels = pinLevels() ^ word(map.inputPolarity)
      return reg === map.input ? levels & 0xff : (levels >>> 8) & 0xff
    }
    return regs[reg] ?? 0
  }
  const writeRegister = (reg: number, value: number): void => {
    if (reg === map.input || reg === map.input + 1) {
      // PCA9555: the input port is read-only. MCP23017: a write to GPIO writes OLAT.
      if (map.pointer === 'sequential') regs[reg - map.input + map.outputLatch] = value
      return
    }
    regs[reg] = value
  }
  const consume = (counter: 'nackWrites' | 'nackReads'): boolean => {
    if (faults[counter] <= 0) return false
    faults[counter] -= 1
    return true
  }
  const expander: VirtualExpander = {
    kind,
    faults,
    inputLevel: () => true,
    register: (address) => regs[address] ?? 0,
    preset: (address, value) => {
      regs[address] = value & 0xff
    },
    pinLevels,
    pinLevel,
    write: (bytes) => {
      if (consume('nackWrites')) return { ok: false, tag: 'I2cNack' }
      const [reg, ...data] = bytes
      if (reg === undefined) return { ok: true, value: undefined }
      if (reg > map.lastRegister) return { ok: false, tag: 'I2cNack' }
      pointer = reg
      for (const value of data) {
        writeRegister(pointer, value)
        advance()
      }
      return { ok: true, value: undefined }
    },
    read: (length) => {
      if (consume('nackReads')) return { ok: false, tag: 'I2cNack' }
      return { ok: true, value: readBytes(length) }
    },
    writeRead: (bytes, length) => {
      if (consume('nackReads')) return { ok: false, tag: 'I2cNack' }
      const reg = bytes[0]
      if (bytes.length !== 1 || reg === undefined || reg > map.lastRegister)
        return { ok: false, tag: 'I2cNack' }
      pointer = reg
      return { ok: true, value: readBytes(length) }
    },
  }
  const readBytes = (length: number): Uint8Array => {
    const out = new Uint8Array(length)
    for (let i = 0; i < length; i++) {
      out[i] = readRegister(pointer)
      advance()
    }
    return out
  }
  return expander
}
