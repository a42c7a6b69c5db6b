/** Subpath entry: explicit export list. */
export type { VirtualClock } from './createVirtualClock.js'
export { createVirtualClock } from './createVirtualClock.js'
export type { I2cTargetResult, VirtualExpander, VirtualExpanderFaults } from './createVirtualExpander.js'
export { createVirtualExpander } from './createVirtualExpander.js'
export type { I2cTarget, VirtualI2cBus, VirtualI2cError } from './createVirtualI2cBus.js'
export { createVirtualI2cBus } from './createVirtualI2cBus.js'
export type { MockGpioFaults, MockGpioLines, MockGpioLinesOptions } from './createMockGpioLines.js'
export { createMockGpioLines } from './createMockGpioLines.js'
export type {
  Bridge,
  PhysicalEvent,
  VirtualSwitchFaults,
  VirtualSwitchRig,
  VirtualSwitchRigOptions,
} from './createVirtualSwitchRig.js'
export { createVirtualSwitchRig } from './createVirtualSwitchRig.js'
export type { ScriptedI2cBus, ScriptedI2cCall } from './createScriptedI2cBus.js'
export { createScriptedI2cBus } from './createScriptedI2cBus.js'
