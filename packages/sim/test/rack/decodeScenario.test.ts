import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import { decodeScenario } from '../../src/rack/decodeScenario.js'
import { defaultScenario, defaultScenarioJson } from '../../src/rack/defaultScenario.js'

const messages = (u: unknown): string[] => {
  const r = decodeScenario(u)
  return E.isLeft(r) ? r.left.issues.map((i) => i.message) : []
}

const clone = (): any => JSON.parse(JSON.stringify(defaultScenarioJson))

describe('decodeScenario', () => {
  test('the example file is the embedded default scenario', () => {
    const file = JSON.parse(
      readFileSync(new URL('../../examples/default-rack.json', import.meta.url), 'utf8'),
    )
    const decoded = decodeScenario(file)
    expect(E.isRight(decoded)).toBe(true)
    expect(E.isRight(decoded) && decoded.right).toEqual(defaultScenario())
  })

  test('every example scenario decodes', () => {
    for (const name of [
      'default-rack.json',
      'one-failure.json',
      'predicted-failure.json',
      'feed-loss.json',
    ]) {
      const file = JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8'))
      const decoded = decodeScenario(file)
      expect(E.isLeft(decoded) ? decoded.left.issues : [], name).toEqual([])
    }
  })

  test('defaults are filled', () => {
    const s = defaultScenario()
    expect(s.durationMs).toBe(365 * 86_400_000)
    expect(s.servers[0]?.holdUpMs).toBe(10)
    expect(s.policy.preemptRisk).toBe(0.5)
  })

  test('structural errors name the path', () => {
    const j = clone()
    j.supplies[2].capacityW = 'big'
    delete j.servers[1].peakW
    expect(messages(j)).toEqual([
      'supplies[2].capacityW must be number, got "big"',
      'servers[1].peakW must be number, got missing',
    ])
  })

  test('semantic errors name the path and the problem', () => {
    const j = clone()
    j.supplies[2].capacityW = 0
    j.supplies[3].feed = 'feedZ'
    j.switches[1].closed = true
    j.servers[0].buses = ['A', 'C']
    j.policy.derate = 1.5
    expect(messages(j)).toEqual([
      'supplies[2].capacityW must be > 0, got 0',
      'supplies[3].feed names unknown feed "feedZ"',
      'switches[1].closed closes a second switch of supply "psu1" (a supply never bridges two buses)',
      'servers[0].buses[1] names unknown bus "C"',
      'policy.derate must be in (0, 1], got 1.5',
    ])
  })

  test('duplicate ids and bad scripted faults are reported', () => {
    const j = clone()
    j.buses.push({ id: 'A', priority: 0 })
    j.scripted = [
      { kind: 'supplyFail', atHours: 1, supply: 'nope' },
      { kind: 'switchFault', atHours: 1, supply: 'psu1', bus: 'C', mode: 'welded' },
    ]
    expect(messages(j)).toEqual([
      'buses[2].id duplicates "A"',
      'scripted[0].supply names unknown supply "nope"',
      'scripted[1] names no existing switch psu1->C',
    ])
  })

  test('not an object at all', () => {
    expect(messages(42)[0]).toMatch(/^\(root\) must be/)
  })
})
