/** Subpath entry: explicit export list. */
export {
  commErrorArb,
  commErrorOf,
  controllerEventArb,
  eventSequenceArb,
  readFailedEvent,
  sampleWithFlags,
  statusFlagNames,
  statusFlagsArb,
  statusWithFlags,
  supplyReadingsArb,
  telemetryEvent,
  typicalFlagProfiles,
} from './eventArbitraries.js'
export type { EventRack } from './eventArbitraries.js'

// Checking plans against the allocation spec (spec)
export { checkPlan } from './checkPlan.js'
export type { PlanRule, Violation } from './checkPlan.js'
export {
  compareServiceVectors,
  currentClosed,
  disturbanceOf,
  firstDifferingLevel,
  flattenServiceVector,
  isAtRisk,
  isUnavailable,
  judgeConfiguration,
  redundantCapacityW,
  usableW,
} from './judgeConfiguration.js'
export type {
  AdmissibilityRule,
  BusJudgement,
  Configuration,
  ConfigurationJudgement,
  FeedJudgement,
  RuleBreach,
  ServiceVector,
} from './judgeConfiguration.js'
export {
  largeRackArb,
  rackInputArb,
  realisticRackArb,
  shuffledRackArb,
  smallRackArb,
} from './rackArbitraries.js'
export type { RackArbOptions } from './rackArbitraries.js'
