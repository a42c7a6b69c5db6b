/**
 * Pure. The one rounding rule every encoder uses: round to nearest, ties away from zero.
 * Chosen because it is symmetric (encode(-x) = -encode(x)) unlike Math.round, and matches what
 * most vendor tools print; the Linux kernel's DIV_ROUND_CLOSEST also rounds ties away from zero.
 */
export const roundHalfAwayFromZero = (x: number): number => {
  const r = Math.sign(x) * Math.round(Math.abs(x))
  // Math.sign(-0.2) * 0 is -0; normalise so callers never see -0 on the wire.
  return r === 0 ? 0 : r
}

/** Guard for decoder inputs: a programming error (not a hardware fault), so it throws. */
export const assertUint = (name: string, raw: number, bits: number): void => {
  const max = 2 ** bits - 1
  if (!Number.isInteger(raw) || raw < 0 || raw > max) {
    throw new RangeError(
      `${name}: raw must be an integer in 0..0x${max.toString(16).toUpperCase()}, got ${raw}`,
    )
  }
}
