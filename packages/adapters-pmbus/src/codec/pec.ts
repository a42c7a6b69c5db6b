/**
 * Pure. SMBus Packet Error Code: CRC-8, polynomial x^8 + x^2 + x + 1 (0x07), initial value 0, no
 * reflection, over every byte on the wire including the address bytes (address << 1 | R/W).
 */
const table: Uint8Array = (() => {
  const t = new Uint8Array(256)
  for (let i = 0; i < 256; i++) {
    let crc = i
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff
    t[i] = crc
  }
  return t
})()

/** Pure. SMBus Packet Error Code (CRC-8, polynomial 0x07) of `bytes`, continuing from `initial`. */
export const pec = (bytes: ArrayLike<number>, initial = 0): number => {
  let crc = initial & 0xff
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ (bytes[i] ?? 0)) & 0xff] ?? 0
  return crc
}
