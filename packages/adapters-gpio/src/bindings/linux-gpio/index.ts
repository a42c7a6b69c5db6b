/** Subpath entry `@busbar/adapters-gpio/bindings/linux-gpio`: explicit export list. Loads koffi on first use. */
export { requestLines } from './requestLines.js'
export type {
  GpioEdgeEvent,
  LineBias,
  LineDirection,
  LineDrive,
  LineEdges,
  LinuxGpioLines,
  RequestLinesOptions,
} from './requestLines.js'
export { openAlertLine } from './openAlertLine.js'
export type { LinuxAlertLine, OpenAlertLineOptions } from './openAlertLine.js'
export { findGpioChipByLabel, readGpioChipInfo } from './readGpioChipInfo.js'
export type { ChipInfo } from './gpioV2Layout.js'
