/**
 * Pure. Bytes in, bytes out: the 16-bit port word of an expander register pair and the frames that
 * write or read it (register address, then port 0/A byte, then port 1/B byte).
 */

/** Frame that writes `word` to the register pair starting at `register`: [register, lo, hi]. */
export const encodePortWrite = (register: number, word: number): Uint8Array =>
  Uint8Array.of(register & 0xff, word & 0xff, (word >>> 8) & 0xff)

/** The 16-bit word of a 2-byte read (port 0/A first). Undefined when the read is not 2 bytes. */
export const decodePortWord = (bytes: Uint8Array): number | undefined => {
  if (bytes.length !== 2) return undefined
  return (bytes[0] as number) | ((bytes[1] as number) << 8)
}

/** Pure. Whether bit `pin` (0-15) of a 16-bit port word is set. */
export const pinBit = (word: number, pin: number): boolean => ((word >>> pin) & 1) === 1

/** Pure. A 16-bit port word with bit `pin` (0-15) set to `level`, other bits unchanged. */
export const withPinBit = (word: number, pin: number, level: boolean): number =>
  (level ? word | (1 << pin) : word & ~(1 << pin)) & 0xffff

/** Pin levels from the input register, undoing the chip's input polarity inversion. */
export const pinLevelsFromInput = (inputWord: number, inputPolarityWord: number): number =>
  (inputWord ^ inputPolarityWord) & 0xffff
