/** Pure. Typed codec errors: a value an encoder cannot put on the wire, a format a decoder cannot read. */

export interface NotRepresentable {
  readonly _tag: 'NotRepresentable'
  /** The format asked for: 'LINEAR11', 'LINEAR16', 'DIRECT'. */
  readonly format: string
  readonly value: number
  /** What is wrong, e.g. "LINEAR11 value 4e10 is above 33521664 (1023 × 2^15)". */
  readonly detail: string
}

/** A decoder was asked for a format it cannot decode without more data (e.g. VID tables). */
export interface UnsupportedFormat {
  readonly _tag: 'UnsupportedFormat'
  readonly format: string
  readonly detail: string
}

/** Why a PMBus value could not be encoded (`NotRepresentable`) or decoded (`UnsupportedFormat`). */
export type CodecError = NotRepresentable | UnsupportedFormat

export const notRepresentable = (format: string, value: number, detail: string): CodecError => ({
  _tag: 'NotRepresentable',
  format,
  value,
  detail,
})
