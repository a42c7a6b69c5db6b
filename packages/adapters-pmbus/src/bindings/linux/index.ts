/** Subpath entry `@busbar/adapters-pmbus/bindings/linux`: explicit export list. Loads koffi on first open. */
export { openI2cBus } from './openI2cBus.js'
export type { I2cBusMode, LinuxI2cBus, OpenI2cBusOptions } from './openI2cBus.js'
export { commErrorFromErrno } from './commErrorFromErrno.js'
