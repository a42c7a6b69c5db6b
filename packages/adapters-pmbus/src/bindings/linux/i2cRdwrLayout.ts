/**
 * Pure. Byte layout of the I2C_RDWR ioctl argument (linux/i2c.h, linux/i2c-dev.h) on 64-bit Linux:
 *   struct i2c_msg { __u16 addr; __u16 flags; __u16 len; __u8 *buf; }          16 bytes, buf at 8
 *   struct i2c_rdwr_ioctl_data { struct i2c_msg *msgs; __u32 nmsgs; }           16 bytes, nmsgs at 8
 * Native byte order is little-endian on every 64-bit target koffi ships for Linux (x64, arm64, riscv64).
 */
export const I2C_RDWR = 0x0707
export const I2C_M_RD = 0x0001
/** The kernel refuses an I2C_RDWR with more messages than this (I2C_RDWR_IOCTL_MAX_MSGS). */
export const I2C_RDWR_MAX_MESSAGES = 42
/** The kernel refuses a message longer than this (8192 bytes, i2c-dev's limit). */
export const I2C_MESSAGE_MAX_LENGTH = 8192
export const I2C_MSG_SIZE = 16
export const I2C_RDWR_DATA_SIZE = 16

export interface I2cMessage {
  /** 7-bit address. */
  readonly address: number
  readonly read: boolean
  readonly length: number
  /** Where the message's data lives in native memory. */
  readonly bufferAddress: bigint
}

/** The `struct i2c_msg[]` array for `messages`. */
export const encodeI2cMessages = (messages: readonly I2cMessage[]): Uint8Array => {
  const bytes = new Uint8Array(messages.length * I2C_MSG_SIZE)
  const view = new DataView(bytes.buffer)
  messages.forEach((message, index) => {
    const at = index * I2C_MSG_SIZE
    view.setUint16(at, message.address, true)
    view.setUint16(at + 2, message.read ? I2C_M_RD : 0, true)
    view.setUint16(at + 4, message.length, true)
    view.setBigUint64(at + 8, message.bufferAddress, true)
  })
  return bytes
}

/** Reads a `struct i2c_msg[]` back (used by tests to check the layout against the header's offsets). */
export const decodeI2cMessages = (bytes: Uint8Array): I2cMessage[] => {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const messages: I2cMessage[] = []
  for (let at = 0; at + I2C_MSG_SIZE <= bytes.byteLength; at += I2C_MSG_SIZE) {
    messages.push({
      address: view.getUint16(at, true),
      read: (view.getUint16(at + 2, true) & I2C_M_RD) !== 0,
      length: view.getUint16(at + 4, true),
      bufferAddress: view.getBigUint64(at + 8, true),
    })
  }
  return messages
}

/** The `struct i2c_rdwr_ioctl_data` pointing at `count` messages stored at `messagesAddress`. */
export const encodeRdwrIoctlData = (messagesAddress: bigint, count: number): Uint8Array => {
  const bytes = new Uint8Array(I2C_RDWR_DATA_SIZE)
  const view = new DataView(bytes.buffer)
  view.setBigUint64(0, messagesAddress, true)
  view.setUint32(8, count, true)
  return bytes
}
