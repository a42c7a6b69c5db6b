/**
 * Pure, total. Unknown input in, a validated `RackInput` (policy defaults filled) or a `DecodeError`
 * listing every problem with its path out. Never throws, whatever the input (cycles, proxies, getters).
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import type { Bus, Load, Policy, RackInput, Supply, Switch } from '../model/rack.js'
import { defaultPolicy } from '../model/rack.js'
import type { DecodeError, DecodeIssue } from './decodeError.js'
import { busCodec, loadCodec, policyCodec, supplyCodec, switchCodec } from './rackCodecs.js'
import { readPlainData, unreadable } from './readPlainData.js'

/** Deep enough for `loads[i].buses[j]`, the deepest value the schema reads. */
const schemaDepth = 4

/**
 * Pure. Validates untrusted JSON into a `RackInput` (policy defaults filled), or a `DecodeError` naming every
 * problem by path.
 */
export const decodeRackInput = (u: unknown): E.Either<DecodeError, RackInput> => {
  try {
    return decodeUnsafe(u)
  } catch (thrown) {
    // readPlainData already isolates the input, so this is a last resort against a bug here.
    return E.left({
      _tag: 'DecodeError',
      issues: [{ path: '', message: `could not be decoded: ${String(thrown)}` }],
    })
  }
}

const decodeUnsafe = (u: unknown): E.Either<DecodeError, RackInput> => {
  const plain = readPlainData(u, schemaDepth)
  const issues: DecodeIssue[] = [...plain.issues]
  const report = (path: string, message: string): void => {
    if (isBlocked(path, plain.blockedPaths)) return
    if (issues.some((i) => i.path === path && i.message === message)) return
    issues.push({ path, message })
  }

  const root = plain.value
  if (!isRecord(root)) {
    report('', `must be a rack object with supplies, buses, loads and switches, got ${describeValue(root)}`)
    return E.left({ _tag: 'DecodeError', issues })
  }

  const supplies = decodeEntries(root, 'supplies', supplyCodec, report)
  const buses = decodeEntries(root, 'buses', busCodec, report)
  const loads = decodeEntries(root, 'loads', loadCodec, report)
  const switches = decodeEntries(root, 'switches', switchCodec, report)
  const policy = decodePolicy(root, report)

  // Cross-references are checked on the raw entries, wherever the fields involved are valid ids, even
  // when the rest of the entry is invalid: all issues at once, and one bad supply does not also make
  // each of its switches "unknown".
  const supplyIds = checkUniqueIds(root, 'supplies', report)
  const busIds = checkUniqueIds(root, 'buses', report)
  checkUniqueIds(root, 'loads', report)

  rawEntries(root, 'loads').forEach((load, index) => {
    const named = load['buses']
    if (!Array.isArray(named) || named.length > 2) return // already reported by the codec
    const seen = new Set<string>()
    named.forEach((bus: unknown, j) => {
      if (!isId(bus)) return
      const path = `loads[${index}].buses[${j}]`
      if (seen.has(bus)) report(path, `repeats bus ${quote(bus)}: a load names each bus once`)
      else if (!busIds.has(bus)) report(path, `names unknown bus ${quote(bus)}`)
      seen.add(bus)
    })
  })

  const switchAt = new Map<string, number>()
  rawEntries(root, 'switches').forEach((sw, index) => {
    const supply = sw['supply']
    const bus = sw['bus']
    if (isId(supply) && !supplyIds.has(supply))
      report(`switches[${index}].supply`, `names unknown supply ${quote(supply)}`)
    if (isId(bus) && !busIds.has(bus)) report(`switches[${index}].bus`, `names unknown bus ${quote(bus)}`)
    if (!isId(supply) || !isId(bus)) return
    const key = JSON.stringify([supply, bus])
    const first = switchAt.get(key)
    if (first === undefined) switchAt.set(key, index)
    else
      report(
        `switches[${index}]`,
        `duplicates switches[${first}] (supply ${quote(supply)}, bus ${quote(bus)})`,
      )
  })

  if (issues.length > 0 || policy === undefined) return E.left({ _tag: 'DecodeError', issues })
  return E.right({
    supplies: supplies.decoded.map(({ value }) => toSupply(value)),
    buses: buses.decoded.map(({ value }) => toBus(value)),
    loads: loads.decoded.map(({ value }) => toLoad(value)),
    switches: switches.decoded.map(({ value }) => toSwitch(value)),
    policy,
  })
}

type Report = (path: string, message: string) => void

interface Decoded<A> {
  readonly decoded: readonly { readonly index: number; readonly value: A }[]
}

/** Decodes each entry of `root[key]` on its own, so that every bad entry is reported. */
const decodeEntries = <A>(
  root: Record<string, unknown>,
  key: string,
  codec: t.Decoder<unknown, A>,
  report: Report,
): Decoded<A> => {
  const entries = root[key]
  if (!Array.isArray(entries)) {
    report(
      key,
      entries === undefined
        ? `is missing (must be an array)`
        : `must be an array, got ${describeValue(entries)}`,
    )
    return { decoded: [] }
  }
  const decoded: { index: number; value: A }[] = []
  entries.forEach((entry: unknown, index) => {
    const result = codec.validate(entry, [{ key: `${key}[${index}]`, type: codec, actual: entry }])
    if (E.isRight(result)) decoded.push({ index, value: result.right })
    else for (const error of result.left) reportValidationError(error, report)
  })
  return { decoded }
}

const decodePolicy = (root: Record<string, unknown>, report: Report): Policy | undefined => {
  const given = root['policy']
  if (given === undefined) return defaultPolicy
  const result = policyCodec.validate(given, [{ key: 'policy', type: policyCodec, actual: given }])
  if (E.isLeft(result)) {
    for (const error of result.left) reportValidationError(error, report)
    return undefined
  }
  const p = result.right
  return {
    supplyRedundancy: p.supplyRedundancy ?? defaultPolicy.supplyRedundancy,
    busRedundancy: p.busRedundancy ?? defaultPolicy.busRedundancy,
    derate: p.derate ?? defaultPolicy.derate,
    preemptRisk: p.preemptRisk ?? defaultPolicy.preemptRisk,
  }
}

/** Reports every repeat of an id within one kind; returns the set of ids present. */
const checkUniqueIds = (root: Record<string, unknown>, key: string, report: Report): ReadonlySet<string> => {
  const firstAt = new Map<string, number>()
  rawEntries(root, key).forEach((entry, index) => {
    const id = entry['id']
    if (!isId(id)) return
    const first = firstAt.get(id)
    if (first === undefined) firstAt.set(id, index)
    else report(`${key}[${index}].id`, `duplicates ${key}[${first}].id ${quote(id)}: ids must be unique`)
  })
  return new Set(firstAt.keys())
}

// Plain objects out: only the model's fields, optional ones omitted when absent.
const toSupply = (s: Supply): Supply => ({
  id: s.id,
  capacityW: s.capacityW,
  state: s.state,
  ...(s.failureRisk === undefined ? {} : { failureRisk: s.failureRisk }),
  ...(s.feed === undefined ? {} : { feed: s.feed }),
})
const toBus = (b: Bus): Bus =>
  b.maxW === undefined ? { id: b.id, priority: b.priority } : { id: b.id, priority: b.priority, maxW: b.maxW }
const toLoad = (l: Load): Load => ({ id: l.id, powerW: l.powerW, priority: l.priority, buses: [...l.buses] })
const toSwitch = (s: Switch): Switch => ({ supply: s.supply, bus: s.bus, kind: s.kind, closed: s.closed })

const reportValidationError = (error: t.ValidationError, report: Report): void => {
  const last = error.context[error.context.length - 1]
  const expected = last?.type.name ?? 'valid'
  if (error.value === unreadable) return
  const message =
    error.message ??
    (error.value === undefined
      ? `is missing (must be ${expected})`
      : `must be ${expected}, got ${describeValue(error.value)}`)
  report(pathOf(error.context), message)
}

type Tagged = { readonly _tag?: string; readonly type?: unknown }

/** io-ts context to `supplies[2].capacityW`: array indexes in brackets, intersection members skipped. */
const pathOf = (context: t.Context): string => {
  let path = ''
  context.forEach((entry, i) => {
    if (i === 0) {
      path = entry.key
      return
    }
    let parent = context[i - 1]?.type as Tagged | undefined
    while (
      parent !== undefined &&
      (parent._tag === 'ExactType' || parent._tag === 'ReadonlyType' || parent._tag === 'RefinementType')
    )
      parent = parent.type as Tagged | undefined
    if (parent?._tag === 'IntersectionType') return
    path += /^(0|[1-9][0-9]*)$/.test(entry.key) ? `[${entry.key}]` : path === '' ? entry.key : `.${entry.key}`
  })
  return path
}

/** The entries of `root[key]` as records; non-records (reported by the codecs) as empty ones. */
const rawEntries = (root: Record<string, unknown>, key: string): readonly Record<string, unknown>[] => {
  const entries = root[key]
  if (!Array.isArray(entries)) return []
  return entries.map((entry: unknown) => (isRecord(entry) ? entry : {}))
}

const isId = (u: unknown): u is string => typeof u === 'string' && u.length > 0

const isBlocked = (path: string, blocked: ReadonlySet<string>): boolean => {
  for (const b of blocked)
    if (b === '' || path === b || path.startsWith(`${b}.`) || path.startsWith(`${b}[`)) return true
  return false
}

const isRecord = (u: unknown): u is Record<string, unknown> =>
  typeof u === 'object' &&
  u !== null &&
  !Array.isArray(u) &&
  Object.prototype.toString.call(u) === '[object Object]'

const quote = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s)

/** A short, safe rendering of any value for a message (never reads into objects). */
export const describeValue = (u: unknown): string => {
  switch (typeof u) {
    case 'number':
      return Object.is(u, -0) ? '-0' : String(u)
    case 'string':
      return quote(u)
    case 'boolean':
      return String(u)
    case 'bigint':
      return `${u.toString()}n (a bigint)`
    case 'undefined':
      return 'undefined'
    case 'symbol':
      return 'a symbol'
    case 'function':
      return 'a function'
    default:
      try {
        return u === null ? 'null' : Array.isArray(u) ? 'an array' : 'an object'
      } catch {
        return 'an object'
      }
  }
}
