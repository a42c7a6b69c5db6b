/**
 * Pure state, explicit seed. A small fast seeded PRNG (sfc32, seeded through splitmix32) with the
 * distributions the simulator needs. No Math.random anywhere in the simulator: same seed, same run.
 */

export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextU32(): number
  /** Uniform in [0, 1). */
  next(): number
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number
  /** Exponential with the given mean. */
  exponential(mean: number): number
  /** Standard normal scaled: mean + sd * N(0,1). */
  normal(mean: number, sd: number): number
  /** Weibull with shape k and scale lambda (wear-out lifetimes). */
  weibull(shape: number, scale: number): number
  /** Integer in [0, n). */
  int(n: number): number
  /** An independent stream derived from this seed and a label (e.g. 'faults', 'load:srv3'). */
  fork(label: string): Rng
}

const splitmix32 = (seed: number): (() => number) => {
  let s = seed >>> 0
  return () => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0
    return (z ^ (z >>> 16)) >>> 0
  }
}

/** FNV-1a over UTF-16 code units: a stable hash for fork labels. */
const hashLabel = (label: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** Creates the seeded PRNG (sfc32 via splitmix32): the same seed gives the same run. */
export const createRng = (seed: number): Rng => {
  const mix = splitmix32(seed)
  let a = mix()
  let b = mix()
  let c = mix()
  let d = mix()
  const nextU32 = (): number => {
    // sfc32 (Chris Doty-Humphrey's Small Fast Counting generator).
    const t = (((a + b) >>> 0) + d) >>> 0
    d = (d + 1) >>> 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) >>> 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) >>> 0
    return t
  }
  for (let i = 0; i < 12; i++) nextU32()
  const next = (): number => nextU32() / 4294967296
  // Never 0, so logs are finite.
  const nextOpen = (): number => (nextU32() + 0.5) / 4294967296
  let spareNormal: number | undefined
  const rng: Rng = {
    nextU32,
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    exponential: (mean) => -mean * Math.log(nextOpen()),
    normal: (mean, sd) => {
      if (spareNormal !== undefined) {
        const z = spareNormal
        spareNormal = undefined
        return mean + sd * z
      }
      const u = nextOpen()
      const v = next()
      const r = Math.sqrt(-2 * Math.log(u))
      spareNormal = r * Math.sin(2 * Math.PI * v)
      return mean + sd * r * Math.cos(2 * Math.PI * v)
    },
    weibull: (shape, scale) => scale * Math.pow(-Math.log(nextOpen()), 1 / shape),
    int: (n) => Math.floor(next() * n),
    fork: (label) => createRng((seed ^ hashLabel(label) ^ Math.imul(hashLabel(label), 0x27d4eb2d)) >>> 0),
  }
  return rng
}
