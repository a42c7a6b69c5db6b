/** Pure. The typed error of every encoder: the value cannot be put on the wire in that format. */

export interface NotRepresentable {
  readonly _tag: 'NotRepresentable'
  /** The format asked for: 'LINEAR11', 'LINEAR16', 'DIRECT'. */
  readonly format: string
  readonly value: number
  /** What is wrong, e.g. "LINEAR11 value 4e10 is above 33521664 (1023 × 2^15)". */
  readonly detail: string
}

export type CodecError = NotRepresentable

export const notRepresentable = (format: string, value: number, detail: string): CodecError => ({
  _tag: 'NotRepresentable',
  format,
  value,
  detail,
})
