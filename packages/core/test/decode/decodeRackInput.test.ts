import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { decodeRackInput, defaultPolicy, formatDecodeError } from '@busbar/core'
import type { DecodeIssue } from '@busbar/core'
import { rackInputArb, realisticRackArb } from '@busbar/core/testing'

/** The spec's example rack, plus a second bus so the dual-corded load is valid. */
const validRack = () => ({
  supplies: [
    { id: 'psu1', capacityW: 3000, state: 'ok', failureRisk: 0.1 },
    { id: 'psu2', capacityW: 800, state: 'warning' },
  ],
  buses: [
    { id: 'A', priority: 1, maxW: 20000 },
    { id: 'B', priority: 0 },
  ],
  loads: [{ id: 'srv1', powerW: 800, priority: 2, buses: ['A', 'B'] }],
  switches: [
    { supply: 'psu1', bus: 'A', kind: 'fet', closed: true },
    { supply: 'psu2', bus: 'B', kind: 'relay', closed: false },
  ],
  policy: { supplyRedundancy: 1, busRedundancy: true, derate: 1, preemptRisk: 0.5 },
})

const issuesOf = (u: unknown): readonly DecodeIssue[] => {
  const result = decodeRackInput(u)
  return E.isLeft(result) ? result.left.issues : []
}

/** Applies `edit` to a fresh valid rack (as loose JSON) and returns it. */
const edited = (edit: (rack: any) => void): unknown => {
  const rack = validRack()
  edit(rack)
  return rack
}

describe('decodeRackInput accepts valid racks', () => {
  it('decodes the spec example exactly', () => {
    const result = decodeRackInput(validRack())
    expect(result).toEqual(E.right(validRack()))
  })

  it('fills a missing policy, and each missing policy field, from defaultPolicy', () => {
    expect(decodeRackInput(edited((r) => delete r.policy))).toEqual(
      E.right({ ...validRack(), policy: defaultPolicy }),
    )
    const partial = decodeRackInput(edited((r) => (r.policy = { supplyRedundancy: 2 })))
    expect(E.isRight(partial) && partial.right.policy).toEqual({ ...defaultPolicy, supplyRedundancy: 2 })
    const empty = decodeRackInput(edited((r) => (r.policy = {})))
    expect(E.isRight(empty) && empty.right.policy).toEqual(defaultPolicy)
  })

  it('drops unknown fields and returns fresh plain objects', () => {
    const input = edited((r) => {
      r.extra = 1
      r.supplies[0].vendor = 'x'
    })
    const result = decodeRackInput(input)
    expect(result).toEqual(E.right(validRack()))
    if (E.isRight(result)) expect(result.right.supplies[0]).not.toBe((input as any).supplies[0])
  })

  it('accepts edge values: powerW 0, failureRisk 0 and 1, derate 1, k = 0, negative priorities, empty arrays', () => {
    const result = decodeRackInput(
      edited((r) => {
        r.loads[0].powerW = 0
        r.supplies[0].failureRisk = 1
        r.supplies[1].failureRisk = 0
        r.buses[1].priority = -3
        r.policy = { supplyRedundancy: 0, derate: 1, preemptRisk: 0 }
      }),
    )
    expect(E.isRight(result)).toBe(true)
    expect(decodeRackInput({ supplies: [], buses: [], loads: [], switches: [] })).toEqual(
      E.right({ supplies: [], buses: [], loads: [], switches: [], policy: defaultPolicy }),
    )
  })
})

describe('decodeRackInput: AC feeds', () => {
  it("keeps a supply's feed, and adds none where it names none", () => {
    const result = decodeRackInput(edited((r) => (r.supplies[0].feed = 'pdu-A/1')))
    if (E.isLeft(result)) throw new Error(JSON.stringify(result.left))
    expect(result.right.supplies[0]).toEqual({
      id: 'psu1',
      capacityW: 3000,
      state: 'ok',
      failureRisk: 0.1,
      feed: 'pdu-A/1',
    })
    expect(Object.keys(result.right.supplies[1] ?? {})).not.toContain('feed')
  })
})

describe('decodeRackInput names what is wrong and where', () => {
  // [what, edit, path, message pattern]
  const cases: readonly [string, (rack: any) => void, string, RegExp][] = [
    [
      'capacityW zero',
      (r) => (r.supplies[1].capacityW = 0),
      'supplies[1].capacityW',
      /must be a finite number > 0, got 0/,
    ],
    ['capacityW negative', (r) => (r.supplies[0].capacityW = -5), 'supplies[0].capacityW', /> 0, got -5/],
    [
      'capacityW infinite',
      (r) => (r.supplies[0].capacityW = Infinity),
      'supplies[0].capacityW',
      /got Infinity/,
    ],
    ['capacityW NaN', (r) => (r.supplies[0].capacityW = NaN), 'supplies[0].capacityW', /got NaN/],
    ['capacityW as string', (r) => (r.supplies[0].capacityW = '3000'), 'supplies[0].capacityW', /got "3000"/],
    ['capacityW missing', (r) => delete r.supplies[0].capacityW, 'supplies[0].capacityW', /is missing/],
    [
      'failureRisk above 1',
      (r) => (r.supplies[0].failureRisk = 1.5),
      'supplies[0].failureRisk',
      /in \[0, 1\], got 1.5/,
    ],
    [
      'failureRisk negative',
      (r) => (r.supplies[0].failureRisk = -0.1),
      'supplies[0].failureRisk',
      /in \[0, 1\]/,
    ],
    ['failureRisk null', (r) => (r.supplies[0].failureRisk = null), 'supplies[0].failureRisk', /got null/],
    [
      'state unknown',
      (r) => (r.supplies[1].state = 'dead'),
      'supplies[1].state',
      /one of "ok", "warning", "failed", "absent", got "dead"/,
    ],
    ['empty supply id', (r) => (r.supplies[0].id = ''), 'supplies[0].id', /non-empty string/],
    [
      'empty feed',
      (r) => (r.supplies[1].feed = ''),
      'supplies[1].feed',
      /must be a non-empty string, got ""/,
    ],
    [
      'feed as number',
      (r) => (r.supplies[0].feed = 2),
      'supplies[0].feed',
      /must be a non-empty string, got 2/,
    ],
    [
      'feed null',
      (r) => (r.supplies[1].feed = null),
      'supplies[1].feed',
      /must be a non-empty string, got null/,
    ],
    ['supply not an object', (r) => (r.supplies[1] = 7), 'supplies[1]', /must be a supply object, got 7/],
    [
      'bus priority fractional',
      (r) => (r.buses[0].priority = 1.5),
      'buses[0].priority',
      /must be an integer, got 1.5/,
    ],
    [
      'bus priority infinite',
      (r) => (r.buses[0].priority = -Infinity),
      'buses[0].priority',
      /must be an integer/,
    ],
    ['bus maxW negative', (r) => (r.buses[0].maxW = -1), 'buses[0].maxW', />= 0, got -1/],
    ['load powerW negative', (r) => (r.loads[0].powerW = -1), 'loads[0].powerW', />= 0, got -1/],
    ['load priority fractional', (r) => (r.loads[0].priority = 0.5), 'loads[0].priority', /integer/],
    ['load with no bus', (r) => (r.loads[0].buses = []), 'loads[0].buses', /one or two buses, got 0/],
    [
      'load with three buses',
      (r) => (r.loads[0].buses = ['A', 'B', 'A']),
      'loads[0].buses',
      /one or two buses, got 3/,
    ],
    ['load buses not an array', (r) => (r.loads[0].buses = 'A'), 'loads[0].buses', /got "A"/],
    [
      'load names a bus twice',
      (r) => (r.loads[0].buses = ['B', 'B']),
      'loads[0].buses[1]',
      /repeats bus "B"/,
    ],
    [
      'load names an unknown bus',
      (r) => (r.loads[0].buses = ['A', 'C']),
      'loads[0].buses[1]',
      /unknown bus "C"/,
    ],
    [
      'switch kind unknown',
      (r) => (r.switches[0].kind = 'wire'),
      'switches[0].kind',
      /one of "fet", "relay", "breaker", got "wire"/,
    ],
    [
      'switch closed missing',
      (r) => delete r.switches[1].closed,
      'switches[1].closed',
      /is missing \(must be a boolean\)/,
    ],
    [
      'switch names unknown supply',
      (r) => (r.switches[1].supply = 'psu9'),
      'switches[1].supply',
      /unknown supply "psu9"/,
    ],
    ['switch names unknown bus', (r) => (r.switches[1].bus = 'Z'), 'switches[1].bus', /unknown bus "Z"/],
    [
      'duplicate switch',
      (r) => r.switches.push({ supply: 'psu1', bus: 'A', kind: 'breaker', closed: false }),
      'switches[2]',
      /duplicates switches\[0\]/,
    ],
    [
      'duplicate supply id',
      (r) => (r.supplies[1].id = 'psu1'),
      'supplies[1].id',
      /duplicates supplies\[0\]\.id "psu1"/,
    ],
    [
      'duplicate bus id',
      (r) => r.buses.push({ id: 'A', priority: 3 }),
      'buses[2].id',
      /duplicates buses\[0\]\.id "A"/,
    ],
    [
      'duplicate load id',
      (r) => r.loads.push({ id: 'srv1', powerW: 1, priority: 0, buses: ['A'] }),
      'loads[1].id',
      /duplicates loads\[0\]\.id/,
    ],
    ['supplies missing', (r) => delete r.supplies, 'supplies', /is missing \(must be an array\)/],
    ['buses not an array', (r) => (r.buses = {}), 'buses', /must be an array, got an object/],
    [
      'policy k negative',
      (r) => (r.policy.supplyRedundancy = -1),
      'policy.supplyRedundancy',
      /non-negative integer, got -1/,
    ],
    [
      'policy k fractional',
      (r) => (r.policy.supplyRedundancy = 1.5),
      'policy.supplyRedundancy',
      /non-negative integer/,
    ],
    ['policy derate zero', (r) => (r.policy.derate = 0), 'policy.derate', /in \(0, 1\], got 0/],
    ['policy derate above 1', (r) => (r.policy.derate = 1.1), 'policy.derate', /in \(0, 1\]/],
    [
      'policy preemptRisk above 1',
      (r) => (r.policy.preemptRisk = 2),
      'policy.preemptRisk',
      /in \[0, 1\], got 2/,
    ],
    [
      'policy busRedundancy not boolean',
      (r) => (r.policy.busRedundancy = 'yes'),
      'policy.busRedundancy',
      /boolean/,
    ],
    ['policy not an object', (r) => (r.policy = 3), 'policy', /must be a policy object, got 3/],
  ]

  it.each(cases)('%s', (_what, edit, path, message) => {
    const issues = issuesOf(edited(edit))
    expect(issues.length).toBeGreaterThan(0)
    const hit = issues.find((issue) => issue.path === path)
    expect(hit, JSON.stringify(issues)).toBeDefined()
    expect(hit?.message).toMatch(message)
  })

  it('reports every issue, not just the first', () => {
    const issues = issuesOf(
      edited((r) => {
        r.supplies[0].capacityW = -1
        r.supplies[1].state = 'x'
        r.buses[1].priority = 0.5
        r.loads[0].buses = ['A', 'Q']
        r.switches[1].supply = 'nope'
        r.policy.derate = 2
      }),
    )
    expect(issues.map((i) => i.path).sort()).toEqual(
      [
        'buses[1].priority',
        'loads[0].buses[1]',
        'policy.derate',
        'supplies[0].capacityW',
        'supplies[1].state',
        'switches[1].supply',
      ].sort(),
    )
  })

  it('does not report a switch as naming an unknown supply when that supply is present but invalid', () => {
    const issues = issuesOf(edited((r) => (r.supplies[0].capacityW = 0)))
    expect(issues.map((i) => i.path)).toEqual(['supplies[0].capacityW'])
  })

  it('formats one line per issue, path first', () => {
    const result = decodeRackInput(edited((r) => ((r.supplies[1].capacityW = -5), (r.buses[0].maxW = NaN))))
    expect(E.isLeft(result)).toBe(true)
    if (E.isLeft(result))
      expect(formatDecodeError(result.left)).toBe(
        'supplies[1].capacityW must be a finite number > 0, got -5\nbuses[0].maxW must be a finite number >= 0, got NaN',
      )
  })

  it('rejects a non-object input with a clear message', () => {
    for (const input of [null, undefined, 3, 'rack', [], () => 1]) {
      const issues = issuesOf(input)
      expect(issues).toHaveLength(1)
      expect(issues[0]?.path).toBe('')
      expect(issues[0]?.message).toMatch(/must be a rack object/)
    }
  })
})

describe('decodeRackInput never throws', () => {
  it('on cyclic input', () => {
    const rack: any = edited(() => undefined)
    rack.self = rack
    rack.supplies.push(rack)
    rack.loads[0].buses = ['A', rack]
    const issues = issuesOf(rack)
    // The rack itself, as a supply, is an object with none of a supply's fields.
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: 'supplies[2].capacityW', message: 'is missing (must be a finite number > 0)' },
        { path: 'loads[0].buses[1]', message: 'must be a non-empty string, got an object' },
      ]),
    )
  })

  it('on throwing getters, throwing and revoked proxies', () => {
    const throwingGetter = edited((r) =>
      Object.defineProperty(r.supplies[0], 'capacityW', {
        enumerable: true,
        get() {
          throw new Error('sensor gone')
        },
      }),
    )
    expect(issuesOf(throwingGetter)).toEqual([
      { path: 'supplies[0].capacityW', message: 'could not be read: sensor gone' },
    ])

    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('get')
        },
        ownKeys() {
          throw new Error('keys')
        },
      },
    )
    expect(issuesOf(hostile)).toEqual([
      { path: '', message: expect.stringMatching(/^could not be read: (get|keys)$/) },
    ])

    const revocable = Proxy.revocable([], {})
    revocable.revoke()
    expect(issuesOf(edited((r) => (r.buses = revocable.proxy)))[0]?.path).toBe('buses')
    expect(() => decodeRackInput(revocable.proxy)).not.toThrow()
  })

  it('reads every property once, so a getter cannot change a value after it was checked', () => {
    let reads = 0
    const input = edited((r) =>
      Object.defineProperty(r.supplies[0], 'capacityW', {
        enumerable: true,
        get() {
          reads += 1
          return reads === 1 ? 3000 : -1
        },
      }),
    )
    const result = decodeRackInput(input)
    expect(reads).toBe(1)
    expect(E.isRight(result) && result.right.supplies[0]?.capacityW).toBe(3000)
  })

  it('on an absurdly long sparse array', () => {
    const huge: unknown[] = []
    huge.length = 2 ** 32 - 1
    expect(issuesOf(edited((r) => (r.loads = huge)))[0]?.message).toMatch(/at most 1000000 entries/)
  })

  it('keeps __proto__ as a plain key, with no prototype pollution', () => {
    const input = JSON.parse('{"supplies":[],"buses":[],"loads":[],"switches":[],"__proto__":{"polluted":1}}')
    expect(E.isRight(decodeRackInput(input))).toBe(true)
    expect(({} as any).polluted).toBeUndefined()
    const idProto = JSON.parse(
      '{"supplies":[{"id":"__proto__","capacityW":1,"state":"ok"}],"buses":[{"id":"constructor","priority":0}],"loads":[],"switches":[{"supply":"__proto__","bus":"constructor","kind":"fet","closed":true}]}',
    )
    expect(E.isRight(decodeRackInput(idProto))).toBe(true)
  })

  test.prop(
    [
      fc.anything({
        withBigInt: true,
        withDate: true,
        withMap: true,
        withSet: true,
        withTypedArray: true,
        withNullPrototype: true,
      }),
    ],
    {
      numRuns: 300,
    },
  )('on arbitrary values, returning Left with at least one issue or Right', (u) => {
    const result = decodeRackInput(u)
    if (E.isLeft(result)) expect(result.left.issues.length).toBeGreaterThan(0)
  })

  const looseRack = fc.record({
    supplies: fc.array(
      fc.record(
        {
          id: fc.constantFrom('a', 'b', ''),
          capacityW: fc.oneof(fc.double(), fc.string()),
          state: fc.string(),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    buses: fc.array(
      fc.record(
        { id: fc.constantFrom('A', 'B'), priority: fc.oneof(fc.integer(), fc.double()), maxW: fc.double() },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    loads: fc.array(
      fc.record(
        {
          id: fc.string(),
          powerW: fc.double(),
          priority: fc.integer(),
          buses: fc.array(fc.constantFrom('A', 'B', 'C', 7)),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 3 },
    ),
    switches: fc.array(
      fc.record(
        {
          supply: fc.constantFrom('a', 'b', 'z'),
          bus: fc.constantFrom('A', 'B', 'Z'),
          kind: fc.constantFrom('fet', 'relay', 'breaker', 'x'),
          closed: fc.anything(),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 4 },
    ),
    policy: fc.option(
      fc.record(
        {
          supplyRedundancy: fc.integer({ min: -2, max: 3 }),
          derate: fc.double(),
          preemptRisk: fc.double(),
          busRedundancy: fc.boolean(),
        },
        { requiredKeys: [] },
      ),
      { nil: undefined },
    ),
  })

  test.prop([looseRack], { numRuns: 300 })(
    'on near-valid racks: every issue has a path inside the input and a message',
    (u) => {
      const result = decodeRackInput(u)
      if (E.isRight(result)) return
      for (const issue of result.left.issues) {
        expect(issue.message.length).toBeGreaterThan(0)
        expect(issue.path).toMatch(/^(supplies|buses|loads|switches|policy)(\[\d+\])?(\.\w+(\[\d+\])?)?$/)
      }
    },
  )
})

describe('decodeRackInput and the rack arbitraries agree', () => {
  test.prop([fc.oneof(rackInputArb(), realisticRackArb())], { numRuns: 200 })(
    'every generated rack decodes to itself, through JSON too',
    (rack) => {
      expect(decodeRackInput(rack)).toEqual(E.right(rack))
      expect(decodeRackInput(JSON.parse(JSON.stringify(rack)))).toEqual(E.right(rack))
    },
  )
})

/** Fields that can be broken, with a value each rule rejects. */
const breakable = {
  supplies: {
    capacityW: [0, -1, NaN, Infinity, '800'],
    state: ['dead', 1, null],
    failureRisk: [-0.1, 1.5, NaN, '0.2'],
    id: ['', 7],
  },
  buses: { priority: [0.5, NaN, -Infinity, '1'], maxW: [-1, NaN, Infinity], id: ['', null] },
  loads: {
    powerW: [-0.25, NaN, Infinity],
    priority: [1.5, '2'],
    buses: [[], ['A', 'B', 'C'], 'A'],
    id: [''],
  },
  switches: { kind: ['wire', 0], closed: [1, 'true', null], supply: ['nope', ''], bus: ['nope', ''] },
} as const

describe('decodeRackInput names the broken field, wherever it is', () => {
  test.prop(
    [
      rackInputArb({ minLoads: 1 }).chain((rack) =>
        fc
          .constantFrom(...(Object.keys(breakable) as (keyof typeof breakable)[]))
          .chain((kind) =>
            fc.tuple(
              fc.constant(rack),
              fc.constant(kind),
              fc.nat(),
              fc.constantFrom(
                ...Object.entries(breakable[kind]).flatMap(([field, values]) =>
                  (values as readonly unknown[]).map((v) => [field, v] as const),
                ),
              ),
            ),
          ),
      ),
    ],
    { numRuns: 300 },
  )('one bad value gives an issue at its path', ([rack, kind, pick, [field, value]]) => {
    const entries = rack[kind] as readonly object[]
    fc.pre(entries.length > 0)
    const index = pick % entries.length
    const broken = { ...rack, [kind]: entries.map((e, i) => (i === index ? { ...e, [field]: value } : e)) }
    const result = decodeRackInput(broken)
    expect(E.isLeft(result)).toBe(true)
    if (E.isLeft(result))
      expect(result.left.issues.map((i) => i.path)).toContainEqual(
        expect.stringMatching(new RegExp(`^${kind}\\[${index}\\]\\.${field}`)),
      )
  })
})
