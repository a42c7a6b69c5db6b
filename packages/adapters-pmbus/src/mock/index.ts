/** Subpath entry: explicit export list. */
export { scriptedTransport } from './scriptedTransport.js'
export type { ScriptedStep, ScriptedTransport } from './scriptedTransport.js'
export { createVirtualBus } from './virtualBus.js'
export type { VirtualBus, VirtualI2cDevice } from './virtualBus.js'
export { createVirtualPca9548 } from './virtualPca9548.js'
export type { VirtualPca9548 } from './virtualPca9548.js'
export { createVirtualSupply, supplyConditions } from './virtualSupply.js'
export type {
  InjectedFault,
  StatusRegisterName,
  SupplyCondition,
  VirtualSupply,
  VirtualSupplyOptions,
} from './virtualSupply.js'
export { createVirtualAlertLine } from './virtualAlertLine.js'
export type { AlertSource, VirtualAlertLine } from './virtualAlertLine.js'
