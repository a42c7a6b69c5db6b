/**
 * @busbar/core: pure and deterministic. Supply status, bus load and priorities in; a target switch
 * matrix, a safe switching sequence and controller commands out. No I/O, no clock, no randomness.
 * Explicit export list: everything public is named here.
 */

// Rack model and plan (the contract of ../spec/allocation.md)
export type {
  Bus,
  Load,
  Policy,
  RackInput,
  Supply,
  SupplyState,
  Switch,
  SwitchKind,
  SwitchRef,
} from './model/rack.js'
export { defaultPolicy } from './model/rack.js'
export type { BusReport, FeedReport, Plan, Reason, ServiceGain, SwitchStep } from './model/plan.js'

// Allocator (the contract of ../spec/allocation.md)
export { allocate } from './allocate/allocate.js'
export { planSwitchSteps } from './allocate/planSwitchSteps.js'

// Decoding untrusted input into the rack model (every issue named by its path)
export { decodeRackInput } from './decode/decodeRackInput.js'
export type { DecodeError, DecodeIssue } from './decode/decodeError.js'
export { formatDecodeError } from './decode/decodeError.js'

// Telemetry vocabulary shared with the adapters
export type {
  CommError,
  StatusCmlFlags,
  StatusFans12Flags,
  StatusInputFlags,
  StatusIoutFlags,
  StatusRegisters,
  StatusTemperatureFlags,
  StatusVoutFlags,
  StatusWordFlags,
  SupplyReadings,
  TelemetrySample,
} from './telemetry/telemetry.js'
export { noStatusFlags } from './telemetry/telemetry.js'

// Controller vocabulary
export type {
  Alarm,
  AlarmKind,
  ControllerCommand,
  ControllerEvent,
  PlanExecutionResult,
  SwitchFault,
  SwitchState,
} from './controller/events.js'

// Controller: supply health (status severity table, deglitch)
export type {
  StatusClassification,
  StatusDetailRegister,
  StatusSeverity,
  StatusSeverityRow,
} from './controller/statusSeverity.js'
export { classifyStatus, isFlagSet, statusSeverityTable } from './controller/statusSeverity.js'
export type {
  DeglitchPolicy,
  HealthAssessment,
  HealthCause,
  HealthObservation,
  SupplyHealth,
} from './controller/assessHealth.js'
export { assessHealth, defaultDeglitchPolicy, initialSupplyHealth } from './controller/assessHealth.js'
// Controller: predictive failure analysis
export type {
  EwStats,
  EwTrend,
  FailurePrediction,
  PredictionPolicy,
  PredictorState,
  SignalName,
  SignalPolicy,
  SignalTrack,
  ThermalBaseline,
} from './controller/predictFailure.js'
export type { PredictionContext, RiskBand } from './controller/predictFailure.js'
export {
  commonModeResidualC,
  currentPrediction,
  isOffSample,
  defaultPredictionPolicy,
  initialPredictorState,
  observeForPrediction,
  observeRepeated,
  predictFailure,
  repeatedObservationsWithinRisk,
  signalNames,
} from './controller/predictFailure.js'
// Controller: round-robin polling
export type { PollPolicy, PollRead, PollState } from './controller/pollSchedule.js'
export { alertReads, defaultPollPolicy, initialPollState, pollSchedule } from './controller/pollSchedule.js'
// Controller: configuration and the control step
export type {
  ControllerConfig,
  ControllerConfigError,
  ControllerPolicies,
  ReallocationPolicy,
  ResolvedControllerConfig,
} from './controller/controllerConfig.js'
export {
  defaultReallocationPolicy,
  formatControllerConfigError,
  resolveControllerConfig,
} from './controller/controllerConfig.js'
export type {
  ActiveAlarm,
  ControllerState,
  PlanInFlight,
  PlanKind,
  QuarantinedSwitch,
  StepResult,
  SupplyRisk,
} from './controller/step.js'
export {
  allocationInput,
  expectedClosed,
  initialControllerState,
  overloadedBuses,
  routinePlanEarliestMs,
  statusBitsKey,
  step,
  unsafeClosedSupplies,
} from './controller/step.js'

// Telemetry export vocabulary: a rack snapshot mapped to Redfish PowerSubsystem JSON and Prometheus text
export type { RackSnapshot, RackSnapshotExtras, SupplySnapshot } from './vocabulary/rackSnapshot.js'
export { rackSnapshot } from './vocabulary/rackSnapshot.js'
export type { ControllerSnapshotOptions } from './vocabulary/snapshotFromController.js'
export { snapshotFromController } from './vocabulary/snapshotFromController.js'
export type {
  RedfishHealth,
  RedfishLink,
  RedfishOptions,
  RedfishPowerResources,
  RedfishPowerSubsystem,
  RedfishPowerSupply,
  RedfishPowerSupplyCollection,
  RedfishPowerSupplyMetrics,
  RedfishReading,
  RedfishRedundantGroup,
  RedfishState,
  RedfishStatus,
} from './vocabulary/toRedfish.js'
export { toRedfish } from './vocabulary/toRedfish.js'
export {
  escapeLabelValue,
  labelNamePattern,
  metricNamePattern,
  prometheusContentType,
  toPrometheus,
  unescapeLabelValue,
} from './vocabulary/toPrometheus.js'
