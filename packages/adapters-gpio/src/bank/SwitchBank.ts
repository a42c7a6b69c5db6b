/**
 * The hardware a wiring describes: the I2C bus segment its expanders sit on and the GPIO lines it uses,
 * as injected interfaces (Linux bindings, the mock, or the simulator).
 */
import type { GpioLines, I2cBus } from '../lines/GpioLines.js'
import type { Wiring } from '../wiring/Wiring.js'

/** A rack's switch hardware: the decoded wiring plus the injected I2C bus and GPIO lines it names. */
export interface SwitchBank {
  readonly wiring: Wiring
  /** Needed when the wiring declares expanders. */
  readonly i2c?: I2cBus
  /** Needed when the wiring uses GPIO lines; must hold every line the wiring names. */
  readonly gpio?: GpioLines
}
