/** Package entry: explicit export list. */

// Pure codecs
export { decodeLinear11, encodeLinear11 } from './codec/linear11.js'
export type { Linear11Options } from './codec/linear11.js'
export { decodeLinear16, encodeLinear16 } from './codec/linear16.js'
export { decodeDirect, encodeDirect } from './codec/direct.js'
export type { DirectCoefficients } from './codec/direct.js'
export { parseVoutMode } from './codec/voutMode.js'
export type { VoutDataFormat, VoutMode } from './codec/voutMode.js'
export { pec } from './codec/pec.js'
export { decodeStatusWord, encodeStatusWord } from './codec/decodeStatusWord.js'
export {
  decodeStatusCml,
  decodeStatusFans12,
  decodeStatusInput,
  decodeStatusIout,
  decodeStatusTemperature,
  decodeStatusVout,
  encodeStatusCml,
  encodeStatusFans12,
  encodeStatusInput,
  encodeStatusIout,
  encodeStatusTemperature,
  encodeStatusVout,
} from './codec/decodeStatusDetail.js'
export { decodeHalf, decodeVout } from './codec/decodeVout.js'
export type { CodecError, NotRepresentable, UnsupportedFormat } from './codec/CodecError.js'
export {
  ALERT_RESPONSE_ADDRESS,
  CAPABILITY_PEC,
  CAPABILITY_SMBALERT,
  PmbusCommand,
} from './codec/commands.js'

// SMBus over the injected transport
export type { I2cTransport } from './smbus/I2cTransport.js'
export { smbusDevice } from './smbus/smbusDevice.js'
export type { SmbusDevice, SmbusDeviceOptions } from './smbus/smbusDevice.js'
export { createPca9548, createPca9548Group } from './smbus/pca9548.js'
export type { Pca9548, Pca9548Group } from './smbus/pca9548.js'

// Supply reader
export { identifySupply } from './supply/identifySupply.js'
export type { IdentifyOptions, SupplyIdentity } from './supply/identifySupply.js'
export { readStatus } from './supply/readStatus.js'
export type { StatusScope } from './supply/readStatus.js'
export { readReadings } from './supply/readReadings.js'
export { readSupply } from './supply/readSupply.js'
export type { ReadMode } from './supply/readSupply.js'
export { clearSupplyFaults } from './supply/clearSupplyFaults.js'
export type { ClearFaultsResult } from './supply/clearSupplyFaults.js'
export { allDetailRegisters, allReadings } from './supply/SupplyProfile.js'
export type { DetailRegister, ReadingName, SupplyProfile } from './supply/SupplyProfile.js'
export { createSupplyBus } from './supply/createSupplyBus.js'
export type { BusSegment, SupplyBinding, SupplyBus } from './supply/createSupplyBus.js'

// Polling and SMBALERT#
export { createPollRunner } from './poll/createPollRunner.js'
export type { PollRunner, PollRunnerOptions } from './poll/createPollRunner.js'
export type { AlertLine } from './alert/AlertLine.js'
export { createAlertHandler } from './alert/createAlertHandler.js'
export type { AlertHandler, AlertHandlerOptions } from './alert/createAlertHandler.js'
