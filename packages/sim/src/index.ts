/** Package entry: explicit export list. */

// Scenario: the rack, its faults and its control wiring
export type {
  AlertMode,
  BusSpec,
  CommFaultSpec,
  ControlSpec,
  CoolingKind,
  CoolingSpec,
  FeedSpec,
  LoadProfile,
  Scenario,
  ScriptedFault,
  ServerSpec,
  SupplySpec,
  SwitchFaultSpec,
  SwitchSpec,
} from './rack/Scenario.js'
export type { ScenarioError, ScenarioIssue } from './rack/decodeScenario.js'
export { decodeScenario, formatScenarioError } from './rack/decodeScenario.js'
export { defaultScenario, defaultScenarioJson } from './rack/defaultScenario.js'

// Deterministic engine
export type { Rng } from './engine/createRng.js'
export { createRng } from './engine/createRng.js'
export type { EventQueue } from './engine/createEventQueue.js'
export { createEventQueue } from './engine/createEventQueue.js'

// The physical rack and its electrical outcome
export type {
  BusSample,
  FailureCause,
  RackWorld,
  WorldMetrics,
  WorldNote,
  WorldOptions,
} from './rack/createRackWorld.js'
export { createRackWorld } from './rack/createRackWorld.js'
export type { BusOutcome, ElectricalOutcome } from './rack/evaluateBuses.js'
export { evaluateBuses } from './rack/evaluateBuses.js'

// Closed loop, policies, Monte Carlo, report
export type { ClosedLoopOptions } from './loop/runClosedLoop.js'
export { runClosedLoop } from './loop/runClosedLoop.js'
export type { PolicyName, PolicyResult, PredictionOutcome } from './policy/PolicyResult.js'
export { policyNames } from './policy/PolicyResult.js'
export type { RunOptions } from './policy/runPolicy.js'
export { runPolicy } from './policy/runPolicy.js'
export type { Estimate, PolicySummary } from './policy/summarise.js'
export { estimate, summarise } from './policy/summarise.js'
export type { JobOutcome, RunJobsOptions } from './montecarlo/runJobs.js'
export { runJobs } from './montecarlo/runJobs.js'
export type { SimJob } from './montecarlo/SimJob.js'
export type { ReportInput } from './report/renderReport.js'
export { renderReport } from './report/renderReport.js'
