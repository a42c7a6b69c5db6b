/**
 * Pure. Byte layout of the GPIO character device v2 ioctls (linux/gpio.h uapi; checked against gcc's
 * sizeof/offsetof on x86-64). Every field is naturally aligned, so the layout is the same on all
 * 64-bit Linux targets; multi-byte fields are little-endian (the native order of those targets).
 *   struct gpio_v2_line_request   592 bytes: offsets[64] @0, consumer[32] @256, config @288,
 *                                            num_lines @560, event_buffer_size @564, fd @588
 *   struct gpio_v2_line_config    272 bytes: flags @0, num_attrs @8, attrs[10] @32 (24 bytes each:
 *                                            attr.id @0, attr.{flags|values|debounce} @8, mask @16)
 *   struct gpio_v2_line_values     16 bytes: bits @0, mask @8 (bit i = the i-th requested line)
 *   struct gpio_v2_line_event      48 bytes: timestamp_ns @0, id @8, offset @12, seqno @16, line_seqno @20
 *   struct gpiochip_info           68 bytes: name[32] @0, label[32] @32, lines @64
 */
export const GPIO_V2_LINES_MAX = 64
export const GPIO_MAX_NAME_SIZE = 32
export const GPIO_V2_LINE_NUM_ATTRS_MAX = 10

export const LINE_REQUEST_SIZE = 592
export const LINE_VALUES_SIZE = 16
export const LINE_EVENT_SIZE = 48
export const CHIP_INFO_SIZE = 68

// _IOWR(0xB4, nr, size) = 3 << 30 | size << 16 | 0xB4 << 8 | nr ; _IOR uses 2 << 30.
export const GPIO_GET_CHIPINFO_IOCTL = 0x8044b401
export const GPIO_V2_GET_LINE_IOCTL = 0xc250b407
export const GPIO_V2_LINE_GET_VALUES_IOCTL = 0xc010b40e
export const GPIO_V2_LINE_SET_VALUES_IOCTL = 0xc010b40f

export const lineFlag = {
  activeLow: 1n << 1n,
  input: 1n << 2n,
  output: 1n << 3n,
  edgeRising: 1n << 4n,
  edgeFalling: 1n << 5n,
  openDrain: 1n << 6n,
  openSource: 1n << 7n,
  biasPullUp: 1n << 8n,
  biasPullDown: 1n << 9n,
  biasDisabled: 1n << 10n,
} as const

export const LINE_ATTR_ID_OUTPUT_VALUES = 2
export const LINE_EVENT_RISING_EDGE = 1
export const LINE_EVENT_FALLING_EDGE = 2

export interface LineRequestLayout {
  readonly offsets: readonly number[]
  readonly consumer: string
  readonly flags: bigint
  /** Initial levels of output lines, by index in `offsets`; omitted for inputs. */
  readonly outputValues?: readonly boolean[]
  /** 0 lets the kernel choose (16 events per line). */
  readonly eventBufferSize: number
}

const bitsOf = (values: readonly boolean[]): bigint =>
  values.reduce((bits, value, index) => (value ? bits | (1n << BigInt(index)) : bits), 0n)

const maskOf = (count: number): bigint => (count >= 64 ? (1n << 64n) - 1n : (1n << BigInt(count)) - 1n)

/** The struct gpio_v2_line_request to pass to GPIO_V2_GET_LINE_IOCTL (fd is filled in by the kernel). */
export const encodeLineRequest = (request: LineRequestLayout): Uint8Array => {
  const bytes = new Uint8Array(LINE_REQUEST_SIZE)
  const view = new DataView(bytes.buffer)
  request.offsets.forEach((offset, index) => view.setUint32(index * 4, offset, true))
  const consumer = new TextEncoder().encode(request.consumer).slice(0, GPIO_MAX_NAME_SIZE - 1)
  bytes.set(consumer, 256)
  const config = 288
  view.setBigUint64(config, request.flags, true)
  if (request.outputValues !== undefined) {
    view.setUint32(config + 8, 1, true)
    const attr = config + 32
    view.setUint32(attr, LINE_ATTR_ID_OUTPUT_VALUES, true)
    view.setBigUint64(attr + 8, bitsOf(request.outputValues), true)
    view.setBigUint64(attr + 16, maskOf(request.offsets.length), true)
  }
  view.setUint32(560, request.offsets.length, true)
  view.setUint32(564, request.eventBufferSize, true)
  return bytes
}

/** The line-request fd the kernel wrote back into the request. */
export const decodeLineRequestFd = (bytes: Uint8Array): number =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(588, true)

/** struct gpio_v2_line_values for the lines at `indexes` (positions in the request) set to `values`. */
export const encodeLineValues = (
  entries: readonly { readonly index: number; readonly value: boolean }[],
): Uint8Array => {
  const bytes = new Uint8Array(LINE_VALUES_SIZE)
  const view = new DataView(bytes.buffer)
  let bits = 0n
  let mask = 0n
  for (const { index, value } of entries) {
    mask |= 1n << BigInt(index)
    if (value) bits |= 1n << BigInt(index)
  }
  view.setBigUint64(0, bits, true)
  view.setBigUint64(8, mask, true)
  return bytes
}

/** The level of request line `index` in a struct gpio_v2_line_values the kernel filled in. */
export const lineValueAt = (bytes: Uint8Array, index: number): boolean => {
  const bits = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true)
  return ((bits >> BigInt(index)) & 1n) === 1n
}

export interface LineEvent {
  readonly timestampNs: bigint
  readonly edge: 'rising' | 'falling'
  readonly offset: number
  readonly seqno: number
  readonly lineSeqno: number
}

/** The whole struct gpio_v2_line_event records in `bytes` (a read of the line-request fd). */
export const decodeLineEvents = (bytes: Uint8Array): LineEvent[] => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const events: LineEvent[] = []
  for (let at = 0; at + LINE_EVENT_SIZE <= bytes.byteLength; at += LINE_EVENT_SIZE) {
    const id = view.getUint32(at + 8, true)
    events.push({
      timestampNs: view.getBigUint64(at, true),
      edge: id === LINE_EVENT_FALLING_EDGE ? 'falling' : 'rising',
      offset: view.getUint32(at + 12, true),
      seqno: view.getUint32(at + 16, true),
      lineSeqno: view.getUint32(at + 20, true),
    })
  }
  return events
}

/**
 * A GPIO chip as the kernel describes it (gpiochip_info): device name (gpiochip0), chip label and line count.
 */
export interface ChipInfo {
  readonly name: string
  readonly label: string
  readonly lines: number
}

const cString = (bytes: Uint8Array): string => {
  const end = bytes.indexOf(0)
  return new TextDecoder().decode(end < 0 ? bytes : bytes.subarray(0, end))
}

export const decodeChipInfo = (bytes: Uint8Array): ChipInfo => ({
  name: cString(bytes.subarray(0, 32)),
  label: cString(bytes.subarray(32, 64)),
  lines: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(64, true),
})
