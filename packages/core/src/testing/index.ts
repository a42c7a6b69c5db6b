/** Subpath entry: explicit export list. */
export {
  commErrorArb,
  commErrorOf,
  readFailedEvent,
  sampleWithFlags,
  statusFlagNames,
  statusFlagsArb,
  statusWithFlags,
  supplyReadingsArb,
  telemetryEvent,
} from './eventArbitraries.js'
