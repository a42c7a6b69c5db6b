/**
 * Pure. The io-ts codecs of one rack entry each (supply, bus, load, switch, policy), with the spec's
 * value rules. Codec names are phrased as what a value "must be", so that an io-ts error turns into a
 * readable message with no further lookup. Cross-references (unknown or duplicate ids) are checked
 * in `decodeRackInput`, which sees the whole rack.
 */
import * as t from 'io-ts'
import type { SupplyState, SwitchKind } from '../model/rack.js'

/** A codec that checks one value against a guard; its name is the description used in messages. */
const leaf = <A>(description: string, guard: (u: unknown) => u is A): t.Type<A, A, unknown> =>
  new t.Type<A, A, unknown>(
    description,
    guard,
    (u, c) => (guard(u) ? t.success(u) : t.failure(u, c)),
    t.identity,
  )

const isFiniteNumber = (u: unknown): u is number => typeof u === 'number' && Number.isFinite(u)

export const idCodec = leaf('a non-empty string', (u): u is string => typeof u === 'string' && u.length > 0)
export const positiveWattsCodec = leaf('a finite number > 0', (u): u is number => isFiniteNumber(u) && u > 0)
export const nonNegativeWattsCodec = leaf(
  'a finite number >= 0',
  (u): u is number => isFiniteNumber(u) && u >= 0,
)
export const unitIntervalCodec = leaf(
  'a number in [0, 1]',
  (u): u is number => isFiniteNumber(u) && u >= 0 && u <= 1,
)
export const derateCodec = leaf(
  'a number in (0, 1]',
  (u): u is number => isFiniteNumber(u) && u > 0 && u <= 1,
)
export const priorityCodec = leaf('an integer', (u): u is number => Number.isSafeInteger(u))
export const redundancyCodec = leaf(
  'a non-negative integer',
  (u): u is number => Number.isSafeInteger(u) && (u as number) >= 0,
)
export const booleanCodec = leaf('a boolean', (u): u is boolean => typeof u === 'boolean')

const supplyStates: readonly SupplyState[] = ['ok', 'warning', 'failed', 'absent']
const switchKinds: readonly SwitchKind[] = ['fet', 'relay', 'breaker']
export const supplyStateCodec = leaf(
  `one of ${supplyStates.map((s) => `"${s}"`).join(', ')}`,
  (u): u is SupplyState => typeof u === 'string' && (supplyStates as readonly string[]).includes(u),
)
export const switchKindCodec = leaf(
  `one of ${switchKinds.map((k) => `"${k}"`).join(', ')}`,
  (u): u is SwitchKind => typeof u === 'string' && (switchKinds as readonly string[]).includes(u),
)

/** One bus or two; each a non-empty string. Repeats and unknown ids are cross-checks. */
const busIdsArray = t.readonlyArray(idCodec, 'an array of bus ids')
export const loadBusesCodec = new t.Type<readonly string[], readonly string[], unknown>(
  'an array of one or two bus ids',
  (u): u is readonly string[] => busIdsArray.is(u) && u.length >= 1 && u.length <= 2,
  (u, c) => {
    const ids = busIdsArray.validate(u, c)
    if (ids._tag === 'Left') return ids
    const count = ids.right.length
    return count >= 1 && count <= 2 ? ids : t.failure(u, c, `must name one or two buses, got ${count}`)
  },
  t.identity,
)

const objectOf = <R extends t.Props, O extends t.Props>(name: string, required: R, optional: O) =>
  t.exact(t.intersection([t.type(required), t.partial(optional)]), name)

export const supplyCodec = objectOf(
  'a supply object',
  { id: idCodec, capacityW: positiveWattsCodec, state: supplyStateCodec },
  { failureRisk: unitIntervalCodec, feed: idCodec },
)

export const busCodec = objectOf(
  'a bus object',
  { id: idCodec, priority: priorityCodec },
  { maxW: nonNegativeWattsCodec },
)

export const loadCodec = objectOf(
  'a load object',
  { id: idCodec, powerW: nonNegativeWattsCodec, priority: priorityCodec, buses: loadBusesCodec },
  {},
)

export const switchCodec = objectOf(
  'a switch object',
  { supply: idCodec, bus: idCodec, kind: switchKindCodec, closed: booleanCodec },
  {},
)

/** Every field optional: missing ones take `defaultPolicy`'s value. */
export const policyCodec = objectOf(
  'a policy object',
  {},
  {
    supplyRedundancy: redundancyCodec,
    busRedundancy: booleanCodec,
    derate: derateCodec,
    preemptRisk: unitIntervalCodec,
  },
)
