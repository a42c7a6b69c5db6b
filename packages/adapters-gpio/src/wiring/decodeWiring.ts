/**
 * Pure. Unknown JSON in, a validated `Wiring` out, or a `WiringError` whose every issue names the entry
 * (`switches[3].output.pin 17 is out of range 0-15 for pca9555`).
 *
 * JSON shape (numbers may also be written as "0x20"-style strings for addresses):
 * { "expanders": [{ "id": "u1", "kind": "pca9555", "address": 32 }],
 *   "switches": [{ "supply": "psu1", "bus": "A", "kind": "relay", "polarity": "activeHigh",
 *                  "output": { "expander": "u1", "pin": 3 }            // or { "gpioLine": 12 }
 *                  "feedback": { "input": { "expander": "u1", "pin": 11 }, "polarity": "activeLow" } }] }
 */
import * as t from 'io-ts'
import type { Either } from 'fp-ts/lib/Either.js'
import { isLeft, left, right } from 'fp-ts/lib/Either.js'
import type { SwitchKind } from '@busbar/core'
import type {
  ExpanderKind,
  ExpanderWiring,
  FeedbackWiring,
  Polarity,
  SignalRef,
  SwitchWiring,
  Wiring,
} from './Wiring.js'
import { compareSwitchRefs, signalKey, switchKey } from './Wiring.js'

/** One problem with a wiring: where it is (`switches[3].output.pin`) and the whole sentence. */
export interface WiringIssue {
  /** Where, e.g. `switches[3].output.pin`. */
  readonly path: string
  /** The whole sentence, starting with the path. */
  readonly message: string
}

/** Why a wiring was refused: every issue found, not just the first. */
export interface WiringError {
  readonly _tag: 'WiringError'
  readonly issues: readonly WiringIssue[]
}

/** The rack's ids, when known: switches naming anything else are errors. */
export interface WiringContext {
  readonly supplies?: readonly string[]
  readonly buses?: readonly string[]
}

/** Pure. The error's issues, one sentence a line. */
export const formatWiringError = (error: WiringError): string =>
  error.issues.map((issue) => issue.message).join('\n')

const expanderKinds: readonly ExpanderKind[] = ['pca9555', 'tca9555', 'mcp23017']
const switchKinds: readonly SwitchKind[] = ['fet', 'relay', 'breaker']
const polarities: readonly Polarity[] = ['activeHigh', 'activeLow']

/** Expander addresses: A2..A0 strapped, base 0x20 (PCA9555/TCA9555 and MCP23017 alike). */
export const expanderAddressRange = { min: 0x20, max: 0x27 } as const
/** Valid expander pin numbers: 0-7 are port 0/A, 8-15 port 1/B. */
export const expanderPinRange = { min: 0, max: 15 } as const

const hex = (n: number): string => `0x${n.toString(16).padStart(2, '0')}`
const show = (u: unknown): string => {
  if (u === undefined) return 'missing'
  const json = JSON.stringify(u)
  return json === undefined ? String(u) : json.length > 60 ? `${json.slice(0, 57)}...` : json
}
const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' && u !== null && !Array.isArray(u)

/** Unknown fields are errors: a misspelt "feedbak" must not silently drop a switch's feedback. */
const unknownFields = (raw: Record<string, unknown>, known: readonly string[]): string[] =>
  Object.keys(raw).filter((key) => !known.includes(key))

/** Shape only; everything semantic is checked below with the entry's path in the message. */
const rawShape = t.type({
  expanders: t.union([t.array(t.unknown), t.undefined]),
  switches: t.array(t.unknown),
})

/**
 * Pure. Validates wiring JSON (optionally against the rack's supply and bus ids) into a `Wiring`, or every
 * issue found.
 */
export const decodeWiring = (u: unknown, context: WiringContext = {}): Either<WiringError, Wiring> => {
  const issues: WiringIssue[] = []
  const issue = (path: string, text: string): void => {
    issues.push({ path, message: `${path} ${text}` })
  }
  const shape = rawShape.decode(u)
  if (isLeft(shape)) {
    if (!isRecord(u))
      issue('wiring', `must be an object with "switches" (and optional "expanders"), got ${show(u)}`)
    else {
      if (!Array.isArray(u['switches'])) issue('switches', `must be an array, got ${show(u['switches'])}`)
      if (u['expanders'] !== undefined && !Array.isArray(u['expanders']))
        issue('expanders', `must be an array when given, got ${show(u['expanders'])}`)
    }
    return left({ _tag: 'WiringError', issues })
  }
  const checkFields = (raw: Record<string, unknown>, path: string, known: readonly string[]): void => {
    for (const key of unknownFields(raw, known))
      issue(path === '' ? key : `${path}.${key}`, `is not a known field (${known.join(', ')})`)
  }
  if (isRecord(u)) checkFields(u, '', ['expanders', 'switches'])

  const expanders: ExpanderWiring[] = []
  const expanderIndexById = new Map<string, number>()
  const expanderIndexByAddress = new Map<number, number>()
  ;(shape.right.expanders ?? []).forEach((raw, i) => {
    const path = `expanders[${i}]`
    if (!isRecord(raw)) return issue(path, `must be an object, got ${show(raw)}`)
    checkFields(raw, path, ['id', 'kind', 'address'])
    const id = raw['id']
    const kind = raw['kind']
    const address = parseAddress(raw['address'])
    let ok = true
    if (typeof id !== 'string' || id === '') {
      issue(`${path}.id`, `must be a non-empty string, got ${show(id)}`)
      ok = false
    } else if (expanderIndexById.has(id)) {
      issue(`${path}.id`, `"${id}" is already used by expanders[${expanderIndexById.get(id)}]`)
      ok = false
    }
    if (typeof kind !== 'string' || !(expanderKinds as readonly string[]).includes(kind)) {
      issue(`${path}.kind`, `must be one of ${expanderKinds.join(' | ')}, got ${show(kind)}`)
      ok = false
    }
    if (address === undefined) {
      issue(
        `${path}.address`,
        `must be an integer I2C address (e.g. 32 or "0x20"), got ${show(raw['address'])}`,
      )
      ok = false
    } else if (address < expanderAddressRange.min || address > expanderAddressRange.max) {
      issue(
        `${path}.address`,
        `${hex(address)} is out of range ${hex(expanderAddressRange.min)}-${hex(expanderAddressRange.max)}`,
      )
      ok = false
    } else if (expanderIndexByAddress.has(address)) {
      issue(
        `${path}.address`,
        `${hex(address)} is already used by expanders[${expanderIndexByAddress.get(address)}]`,
      )
      ok = false
    }
    // Register the id even when another field is bad, so switches naming it do not also report "unknown".
    if (typeof id === 'string' && id !== '' && !expanderIndexById.has(id)) expanderIndexById.set(id, i)
    if (address !== undefined && !expanderIndexByAddress.has(address)) expanderIndexByAddress.set(address, i)
    if (ok) expanders.push({ id: id as string, kind: kind as ExpanderKind, address: address as number })
  })
  const expanderById = new Map(expanders.map((e) => [e.id, e]))

  const switches: SwitchWiring[] = []
  const switchIndexByKey = new Map<string, number>()
  /** Which entry already uses a signal, and how. */
  const signalUse = new Map<string, { readonly index: number; readonly as: 'output' | 'feedback input' }>()
  const knownSupplies = context.supplies === undefined ? undefined : new Set(context.supplies)
  const knownBuses = context.buses === undefined ? undefined : new Set(context.buses)

  const parseSignal = (raw: unknown, path: string): SignalRef | undefined => {
    if (!isRecord(raw)) {
      issue(path, `must be { "expander": id, "pin": 0-15 } or { "gpioLine": offset }, got ${show(raw)}`)
      return undefined
    }
    checkFields(raw, path, 'gpioLine' in raw ? ['gpioLine'] : ['expander', 'pin'])
    if ('gpioLine' in raw) {
      const offset = raw['gpioLine']
      if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
        issue(`${path}.gpioLine`, `must be a non-negative integer line offset, got ${show(offset)}`)
        return undefined
      }
      if ('expander' in raw || 'pin' in raw) return undefined
      return { _tag: 'GpioLine', offset }
    }
    const expanderId = raw['expander']
    const pin = raw['pin']
    if (typeof expanderId !== 'string') {
      issue(`${path}.expander`, `must be a declared expander id (or use "gpioLine"), got ${show(expanderId)}`)
      return undefined
    }
    const expander = expanderById.get(expanderId)
    if (expander === undefined) {
      // A declared-but-invalid expander already has its own issue; only report truly unknown ids.
      if (!expanderIndexById.has(expanderId))
        issue(`${path}.expander`, `"${expanderId}" is not a declared expander`)
      return undefined
    }
    if (typeof pin !== 'number' || !Number.isInteger(pin)) {
      issue(`${path}.pin`, `must be an integer 0-15, got ${show(pin)}`)
      return undefined
    }
    if (pin < expanderPinRange.min || pin > expanderPinRange.max) {
      issue(
        `${path}.pin`,
        `${pin} is out of range ${expanderPinRange.min}-${expanderPinRange.max} for ${expander.kind}`,
      )
      return undefined
    }
    return { _tag: 'ExpanderPin', expander: expanderId, pin }
  }

  const claimSignal = (
    signal: SignalRef,
    path: string,
    index: number,
    as: 'output' | 'feedback input',
  ): boolean => {
    const key = signalKey(signal)
    const previous = signalUse.get(key)
    if (previous !== undefined) {
      const whose = previous.index === index ? 'this switch' : `switches[${previous.index}]`
      issue(path, `${key} is already the ${previous.as} of ${whose}`)
      return false
    }
    signalUse.set(key, { index, as })
    return true
  }

  shape.right.switches.forEach((raw, i) => {
    const path = `switches[${i}]`
    if (!isRecord(raw)) return issue(path, `must be an object, got ${show(raw)}`)
    checkFields(raw, path, ['supply', 'bus', 'kind', 'polarity', 'output', 'feedback'])
    const { supply, bus, kind, polarity } = raw
    let ok = true
    if (typeof supply !== 'string' || supply === '') {
      issue(`${path}.supply`, `must be a non-empty string, got ${show(supply)}`)
      ok = false
    } else if (knownSupplies !== undefined && !knownSupplies.has(supply)) {
      issue(`${path}.supply`, `"${supply}" is not a supply of the rack`)
      ok = false
    }
    if (typeof bus !== 'string' || bus === '') {
      issue(`${path}.bus`, `must be a non-empty string, got ${show(bus)}`)
      ok = false
    } else if (knownBuses !== undefined && !knownBuses.has(bus)) {
      issue(`${path}.bus`, `"${bus}" is not a bus of the rack`)
      ok = false
    }
    if (typeof supply === 'string' && typeof bus === 'string') {
      const key = switchKey({ supply, bus })
      const previous = switchIndexByKey.get(key)
      if (previous !== undefined) {
        issue(path, `(${supply}, ${bus}) is already wired by switches[${previous}]`)
        ok = false
      } else switchIndexByKey.set(key, i)
    }
    if (typeof kind !== 'string' || !(switchKinds as readonly string[]).includes(kind)) {
      issue(`${path}.kind`, `must be one of ${switchKinds.join(' | ')}, got ${show(kind)}`)
      ok = false
    }
    if (typeof polarity !== 'string' || !(polarities as readonly string[]).includes(polarity)) {
      issue(`${path}.polarity`, `must be activeHigh | activeLow, got ${show(polarity)}`)
      ok = false
    }
    const output = parseSignal(raw['output'], `${path}.output`)
    if (output === undefined || !claimSignal(output, `${path}.output`, i, 'output')) ok = false

    let feedback: FeedbackWiring | undefined
    const rawFeedback = raw['feedback']
    if (rawFeedback !== undefined) {
      const fpath = `${path}.feedback`
      if (!isRecord(rawFeedback)) {
        issue(
          fpath,
          `must be { "input": signal, "polarity": activeHigh | activeLow } when given, got ${show(rawFeedback)}`,
        )
        ok = false
      } else {
        checkFields(rawFeedback, fpath, ['input', 'polarity'])
        const input = parseSignal(rawFeedback['input'], `${fpath}.input`)
        const fpolarity = rawFeedback['polarity']
        if (typeof fpolarity !== 'string' || !(polarities as readonly string[]).includes(fpolarity)) {
          issue(`${fpath}.polarity`, `must be activeHigh | activeLow, got ${show(fpolarity)}`)
          ok = false
        }
        if (input === undefined || !claimSignal(input, `${fpath}.input`, i, 'feedback input')) ok = false
        else if (ok) feedback = { input, polarity: fpolarity as Polarity }
      }
    }
    if (!ok || output === undefined) return
    switches.push({
      supply: supply as string,
      bus: bus as string,
      kind: kind as SwitchKind,
      output,
      polarity: polarity as Polarity,
      ...(feedback === undefined ? {} : { feedback }),
    })
  })

  if (issues.length > 0) return left({ _tag: 'WiringError', issues })
  return right({ expanders, switches: [...switches].sort(compareSwitchRefs) })
}

const parseAddress = (u: unknown): number | undefined => {
  if (typeof u === 'number') return Number.isInteger(u) ? u : undefined
  if (typeof u === 'string' && /^0x[0-9a-f]{1,2}$/i.test(u)) return Number.parseInt(u.slice(2), 16)
  return undefined
}
