/** Package entry: explicit export list. */

// Seams
export type { GpioError, GpioLineValue, GpioLines, I2cBus } from './lines/GpioLines.js'

// Wiring
export type {
  ExpanderKind,
  ExpanderWiring,
  FeedbackWiring,
  Polarity,
  SignalRef,
  SwitchWiring,
  Wiring,
} from './wiring/Wiring.js'
export { closedFor, levelFor } from './wiring/Wiring.js'
export type { WiringContext, WiringError, WiringIssue } from './wiring/decodeWiring.js'
export {
  decodeWiring,
  expanderAddressRange,
  expanderPinRange,
  formatWiringError,
} from './wiring/decodeWiring.js'

// Expander register codecs (pure)
export type { ExpanderRegisterMap } from './expander/expanderRegisterMap.js'
export {
  expanderRegisterMap,
  mcp23017Registers,
  pca9555Registers,
  tca9555Registers,
} from './expander/expanderRegisterMap.js'
export {
  decodePortWord,
  encodePortWrite,
  pinBit,
  pinLevelsFromInput,
  withPinBit,
} from './expander/portWord.js'
export type { ExpanderPinUse, ExpanderStartupPlan } from './expander/planExpanderStartup.js'
export { planExpanderStartup } from './expander/planExpanderStartup.js'
export type { ExpanderSnapshot, HardwareFault } from './expander/readExpanderSnapshot.js'
export { readExpanderSnapshot } from './expander/readExpanderSnapshot.js'

// Switch bank (drivers over I2cBus / GpioLines)
export type { SwitchBank } from './bank/SwitchBank.js'
export type { BankSnapshot, SwitchReadback } from './bank/readSwitchBank.js'
export { readSwitchBank, reportedClosed, switchReadbacks, toSwitchStates } from './bank/readSwitchBank.js'
export type { ExpanderStartup, StartupFault, StartupReport } from './bank/startSwitchBank.js'
export { startSwitchBank } from './bank/startSwitchBank.js'

// Plan executor
export type { Clock } from './executor/Clock.js'
export { systemClock } from './executor/Clock.js'
export type { SwitchTiming, SwitchTimingPolicy } from './executor/switchTiming.js'
export { defaultSwitchTiming } from './executor/switchTiming.js'
export type { StepRejection } from './executor/checkStepsAgainstWiring.js'
export { checkStepsAgainstWiring } from './executor/checkStepsAgainstWiring.js'
export type { ExecutePlanDeps } from './executor/executePlan.js'
export { executePlan } from './executor/executePlan.js'
export type { PlanQueue, PlanQueueOptions } from './executor/createPlanQueue.js'
export { createPlanQueue } from './executor/createPlanQueue.js'
