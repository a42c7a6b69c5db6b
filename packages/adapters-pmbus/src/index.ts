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
export type { CodecError, NotRepresentable } from './codec/CodecError.js'
export { ALERT_RESPONSE_ADDRESS, CAPABILITY_PEC, CAPABILITY_SMBALERT, PmbusCommand } from './codec/commands.js'

// SMBus over the injected transport
export type { I2cTransport } from './smbus/I2cTransport.js'
export { smbusDevice } from './smbus/smbusDevice.js'
export type { SmbusDevice, SmbusDeviceOptions } from './smbus/smbusDevice.js'
export { createPca9548 } from './smbus/pca9548.js'
export type { Pca9548 } from './smbus/pca9548.js'

// SMBALERT#
export type { AlertLine } from './alert/AlertLine.js'
