// Fixtures for the vocabulary tests: a tiny hand-written rack, an arbitrary snapshot with awkward ids, and a
// small reader of the Prometheus text format (independent of the writer: it scans characters, it does not
// reuse the writer's escaping).
import { fc } from '@fast-check/vitest'
import type { AlarmKind } from '../../src/controller/events.js'
import type { Plan } from '../../src/model/plan.js'
import type { RackInput, SupplyState } from '../../src/model/rack.js'
import { rackSnapshot, type RackSnapshot, type SupplySnapshot } from '../../src/vocabulary/rackSnapshot.js'

export const awkwardId = 'psu "north"\\1'

export const tinyInput: RackInput = {
  supplies: [
    { id: 'psu2', capacityW: 2000, state: 'failed' },
    { id: awkwardId, capacityW: 3000, state: 'ok', failureRisk: 0.75 },
  ],
  buses: [{ id: 'A', priority: 1 }],
  loads: [
    { id: 'web', powerW: 1200, priority: 2, buses: ['A'] },
    { id: 'batch\n7', powerW: 900, priority: 0, buses: ['A'] },
  ],
  switches: [
    { supply: 'psu2', bus: 'A', kind: 'fet', closed: true },
    { supply: awkwardId, bus: 'A', kind: 'fet', closed: true },
  ],
  policy: { supplyRedundancy: 1, busRedundancy: true, derate: 0.9, preemptRisk: 0.5 },
}

export const tinyPlan: Plan = {
  closed: [{ supply: awkwardId, bus: 'A' }],
  shed: ['batch\n7'],
  preempted: [],
  steps: [{ op: 'open', supply: 'psu2', bus: 'A', kind: 'fet' }],
  buses: [
    { id: 'A', up: true, loadW: 1200, capacityW: 2700, redundantW: 0, nPlusK: false, survivesLoss: false },
  ],
  feeds: [],
  reasons: [],
  optimal: true,
}

/** One supply's readings with every PMBus quantity present (distinct values, so a swapped field shows). */
export const everyReading = {
  vinV: 229,
  iinA: 4.5,
  pinW: 1030,
  voutV: 12.1,
  ioutA: 83,
  poutW: 1004,
  temperatureC: 41,
  fanRpm: 9800,
}

export const tinySnapshot: RackSnapshot = rackSnapshot('r1', tinyInput, tinyPlan, {
  readings: { [awkwardId]: { vinV: 230.5, poutW: 1200, temperatureC: 44 } },
  inputLoss: ['psu2'],
  alarms: [{ kind: 'redundancyLost', subject: 'A' }],
  plansIssued: 2,
})

const states: readonly SupplyState[] = ['ok', 'warning', 'failed', 'absent']
const alarmKinds: readonly AlarmKind[] = [
  'supplyFailed',
  'predictedFailure',
  'redundancyLost',
  'loadShed',
  'switchFault',
]
const anyId = fc.string({ unit: 'binary', maxLength: 8 })
const reading = fc.option(fc.double(), { nil: undefined })

/** Snapshots with any ids (quotes, backslashes, line feeds, astral characters), any readings. */
export const rackSnapshotArb: fc.Arbitrary<RackSnapshot> = fc
  .record({
    rack: anyId,
    busIds: fc.uniqueArray(anyId, { maxLength: 3 }),
    supplyIds: fc.uniqueArray(anyId, { maxLength: 6 }),
    derate: fc.double({ min: 0.5, max: 1, noNaN: true }),
  })
  .chain(({ rack, busIds, supplyIds, derate }) =>
    fc.record({
      rack: fc.constant(rack),
      supplyRedundancy: fc.nat(2),
      supplies: fc.tuple(
        ...supplyIds.map((id) =>
          fc
            .record({
              id: fc.constant(id),
              capacityW: fc.integer({ min: 1, max: 5000 }),
              state: fc.constantFrom(...states),
              bus:
                busIds.length === 0
                  ? fc.constant(undefined)
                  : fc.option(fc.constantFrom(...busIds), { nil: undefined }),
              failureRisk: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
              atRisk: fc.boolean(),
              inputLoss: fc.boolean(),
              readings: fc.record({
                vinV: reading,
                iinA: reading,
                pinW: reading,
                voutV: reading,
                ioutA: reading,
                poutW: reading,
                temperatureC: reading,
                fanRpm: reading,
              }),
            })
            .map((s): SupplySnapshot => ({
              ...s,
              usableW: s.capacityW * derate,
              readings: Object.fromEntries(Object.entries(s.readings).filter(([, v]) => v !== undefined)),
            })),
        ),
      ),
      buses: fc.tuple(
        ...busIds.map((id) =>
          fc.record({
            id: fc.constant(id),
            up: fc.boolean(),
            loadW: fc.nat(9000),
            capacityW: fc.nat(9000),
            redundantW: fc.nat(9000),
            nPlusK: fc.boolean(),
            survivesLoss: fc.boolean(),
          }),
        ),
      ),
      shed: fc.uniqueArray(anyId, { maxLength: 3 }),
      alarms: fc.array(fc.record({ kind: fc.constantFrom(...alarmKinds), subject: anyId }), { maxLength: 3 }),
      plansIssued: fc.nat(),
    }),
  )
  .map((s): RackSnapshot => {
    const byId = <T extends { readonly id: string }>(a: T, b: T): number =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0
    return { ...s, supplies: [...s.supplies].sort(byId), buses: [...s.buses].sort(byId) }
  })

export interface ParsedSample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: string
  /** The family of the last TYPE line before the sample. */
  readonly family: string | undefined
}

export interface ParsedFamily {
  readonly name: string
  readonly type: string | undefined
  readonly helpCount: number
  readonly typeCount: number
}

/** Read the text format character by character, as Prometheus' parser does. Throws on malformed lines. */
export const parseExposition = (
  text: string,
): { families: ParsedFamily[]; samples: ParsedSample[]; lines: string[] } => {
  const lines = text.split('\n')
  const families = new Map<
    string,
    { name: string; type: string | undefined; helpCount: number; typeCount: number }
  >()
  const family = (name: string) => {
    const found = families.get(name) ?? { name, type: undefined, helpCount: 0, typeCount: 0 }
    families.set(name, found)
    return found
  }
  const samples: ParsedSample[] = []
  let current: string | undefined
  for (const line of lines) {
    if (line === '') continue
    const help = /^# HELP (\S+) /.exec(line)
    const type = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (help?.[1] !== undefined) {
      family(help[1]).helpCount++
      continue
    }
    if (type?.[1] !== undefined) {
      const f = family(type[1])
      f.typeCount++
      f.type = type[2]
      current = type[1]
      continue
    }
    let i = 0
    while (i < line.length && line[i] !== '{' && line[i] !== ' ') i++
    const name = line.slice(0, i)
    const labels: Record<string, string> = {}
    if (line[i] === '{') {
      i++
      while (line[i] !== '}') {
        const eq = line.indexOf('=', i)
        const labelName = line.slice(i, eq)
        if (line[eq + 1] !== '"') throw new Error(`label ${labelName} value not quoted: ${line}`)
        let j = eq + 2
        let value = ''
        while (line[j] !== '"') {
          if (j >= line.length) throw new Error(`unterminated label value: ${line}`)
          if (line[j] === '\\') {
            const next = line[j + 1]
            if (next === 'n') value += '\n'
            else if (next === '\\' || next === '"') value += next
            else throw new Error(`bad escape \\${next}: ${line}`)
            j += 2
          } else value += line[j++]
        }
        labels[labelName] = value
        i = j + 1
        if (line[i] === ',') i++
      }
      i++
    }
    if (line[i] !== ' ') throw new Error(`no space before the value: ${line}`)
    samples.push({ name, labels, value: line.slice(i + 1), family: current })
  }
  return { families: [...families.values()], samples, lines }
}
