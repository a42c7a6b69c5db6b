/**
 * Test helper (qemu guest only). The busbar-gpio-fixture chip (scripts/kernel/gpio-fixture): a real
 * gpiochip with nested threaded edge interrupts, whose input levels are driven and whose line levels
 * are read back through debugfs, independently of the binding under test.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { findGpioChipByLabel } from '../../src/bindings/linux-gpio/index.js'

const control = (offset: number) => `/sys/kernel/debug/busbar-gpio-fixture/${offset}`

export interface GpioFixture {
  readonly chipPath: string
  /** Drives input `offset` from outside the chip (inputs idle high). */
  drive(offset: number, level: boolean): void
  /** The level the chip has on `offset` now (what the kernel drives, for outputs). */
  levelOf(offset: number): boolean
}

export const openGpioFixture = async (): Promise<GpioFixture> => {
  const chipPath = await findGpioChipByLabel('busbar-gpio-fixture')
  if (chipPath === undefined)
    throw new Error('no gpiochip labelled busbar-gpio-fixture (is the module loaded?)')
  return {
    chipPath,
    drive: (offset, level) => writeFileSync(control(offset), level ? '1' : '0'),
    levelOf: (offset) => readFileSync(control(offset), 'utf8').trim() === '1',
  }
}
