/**
 * Pure. Register addresses and power-up values of the supported 16-bit I/O expanders. Each register is a
 * pair (port 0/A at `reg`, port 1/B at `reg + 1`); pin n is bit n of the 16-bit word lo | hi << 8.
 *
 * Sources: /work/shared/reference/domain.md "I2C multiplexer and I/O expanders" (PCA9555/TCA9555 input
 * 0x00/0x01, output 0x02/0x03 power-up 0xFF, polarity 0x04/0x05, configuration 0x06/0x07 1 = input
 * power-up 0xFF; MCP23017 with IOCON.BANK = 0: IODIRA/B 0x00/0x01, GPIOA/B 0x12/0x13, OLATA/B 0x14/0x15).
 * Not in domain.md, from the MCP23017 datasheet (DS20001952) register map, cross-checked against several
 * open-source drivers: IPOLA/B 0x02/0x03 (power-up 0x00), IODIR power-up 0xFF, OLAT power-up 0x00.
 */
import type { ExpanderKind } from '../wiring/Wiring.js'

/** Register addresses, power-up values and register-pointer behaviour of one 16-bit I/O expander kind. */
export interface ExpanderRegisterMap {
  readonly kind: ExpanderKind
  /** Pin levels as seen at the pins, for inputs and outputs alike (after input polarity inversion). */
  readonly input: number
  /** Output latch: the level an output pin drives. */
  readonly outputLatch: number
  /** Input polarity inversion (1 = the input register reads the pin inverted). */
  readonly inputPolarity: number
  /** Direction: 1 = input, 0 = output, on all three kinds. */
  readonly direction: number
  readonly powerUp: {
    readonly outputLatch: number
    readonly inputPolarity: number
    readonly direction: number
  }
  /**
   * How a multi-byte access moves the register pointer. PCA9555/TCA9555 toggle within the pair
   * (0x02 -> 0x03 -> 0x02); MCP23017 (IOCON.BANK = 0, SEQOP = 0) increments through the map.
   * Both make a 2-byte access at the pair's first register touch port 0/A then port 1/B.
   */
  readonly pointer: 'pairToggle' | 'sequential'
  /** Highest register address. */
  readonly lastRegister: number
}

const pca9555Map = (kind: 'pca9555' | 'tca9555'): ExpanderRegisterMap => ({
  kind,
  input: 0x00,
  outputLatch: 0x02,
  inputPolarity: 0x04,
  direction: 0x06,
  powerUp: { outputLatch: 0xffff, inputPolarity: 0x0000, direction: 0xffff },
  pointer: 'pairToggle',
  lastRegister: 0x07,
})

/** Register map of NXP's PCA9555 (input 0x00, output 0x02, polarity 0x04, configuration 0x06). */
export const pca9555Registers: ExpanderRegisterMap = pca9555Map('pca9555')
/** TI's TCA9555 is register-compatible with NXP's PCA9555. */
export const tca9555Registers: ExpanderRegisterMap = pca9555Map('tca9555')

/** Register map of Microchip's MCP23017 with IOCON.BANK = 0 (IODIR 0x00, IPOL 0x02, GPIO 0x12, OLAT 0x14). */
export const mcp23017Registers: ExpanderRegisterMap = {
  kind: 'mcp23017',
  input: 0x12,
  outputLatch: 0x14,
  inputPolarity: 0x02,
  direction: 0x00,
  powerUp: { outputLatch: 0x0000, inputPolarity: 0x0000, direction: 0xffff },
  pointer: 'sequential',
  lastRegister: 0x15,
}

/** Pure. The register map of an expander kind. */
export const expanderRegisterMap = (kind: ExpanderKind): ExpanderRegisterMap =>
  kind === 'mcp23017' ? mcp23017Registers : kind === 'tca9555' ? tca9555Registers : pca9555Registers
