/**
 * Pure. Zero-filled typed arrays carved out of one buffer: a single allocation instead of many, since
 * a typed array of its own (beyond a few dozen bytes) costs far more to make than a view into a shared
 * one, and the search builds dozens of small ones per call.
 */

type Views<N extends readonly number[], T> = { [K in keyof N]: T }

const carve = <T extends Float64Array | Int32Array | Uint8Array>(
  make: (length: number) => T,
  lengths: readonly number[],
): T[] => {
  let total = 0
  for (const n of lengths) total += n
  const all = make(total)
  let at = 0
  return lengths.map((n) => {
    const view = all.subarray(at, at + n) as T
    at += n
    return view
  })
}

export const carveFloat64 = <const N extends readonly number[]>(...lengths: N): Views<N, Float64Array> =>
  carve((n) => new Float64Array(n), lengths) as Views<N, Float64Array>

export const carveInt32 = <const N extends readonly number[]>(...lengths: N): Views<N, Int32Array> =>
  carve((n) => new Int32Array(n), lengths) as Views<N, Int32Array>

export const carveUint8 = <const N extends readonly number[]>(...lengths: N): Views<N, Uint8Array> =>
  carve((n) => new Uint8Array(n), lengths) as Views<N, Uint8Array>
