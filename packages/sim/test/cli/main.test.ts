import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { main } from '../../src/cli/main.js'

const run = async (args: string[]) => {
  const out: string[] = []
  const err: string[] = []
  const code = await main(args, { out: (s) => out.push(s), err: (s) => err.push(s) })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

const examples = new URL('../../examples/', import.meta.url).pathname

describe('busbar CLI', () => {
  test('sim on a hand-checked scenario prints the comparison table and the latency comparison', async () => {
    const r = await run(['sim', '--scenario', join(examples, 'one-failure.json'), '--workers', '0'])
    expect(r.err).toBe('')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/static\s+reactive\s+predictive/)
    expect(r.out).toMatch(/hours without N\+1 on bus A\s+3\.0\s+0\.0\s+0\.0/)
    // 3 = open the failed psu1, move psu3 onto A. The example already draws each bus from both feeds, so
    // the feed-aware controller has nothing to move at start-up.
    expect(r.out).toMatch(/switch operations\s+0\.0\s+3\.0\s+3\.0/)
    expect(r.out).toContain('fault-to-switch latency (reactive)')
  })

  test('--json gives machine-readable summaries; --runs gives confidence intervals', async () => {
    const r = await run([
      'sim',
      '--scenario',
      join(examples, 'one-failure.json'),
      '--policy',
      'static,reactive',
      '--runs',
      '2',
      '--json',
      '--workers',
      '0',
    ])
    expect(r.code).toBe(0)
    const json = JSON.parse(r.out)
    expect(json.seeds).toEqual([1, 2])
    expect(json.summaries.map((s: { policy: string }) => s.policy)).toEqual(['static', 'reactive'])
    expect(json.summaries[1].switchOperations).toEqual({ mean: 3, ci95: 0, n: 2 })
  })

  test('a bad scenario is rejected with the path of every problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'busbar-cli-'))
    const file = join(dir, 'bad.json')
    const j = JSON.parse(readFileSync(join(examples, 'one-failure.json'), 'utf8'))
    j.supplies[2].capacityW = -5
    j.servers[0].buses = ['Z']
    writeFileSync(file, JSON.stringify(j))
    const r = await run(['sim', '--scenario', file])
    expect(r.code).toBe(2)
    expect(r.err).toContain('supplies[2].capacityW must be > 0, got -5')
    expect(r.err).toContain('servers[0].buses[0] names unknown bus "Z"')
  })

  test('bad options are named', async () => {
    expect((await run(['sim', '--runs', 'many'])).err).toContain('--runs must be an integer >= 1, got "many"')
    expect((await run(['sim', '--policy', 'clever'])).err).toContain('unknown policy "clever"')
    expect((await run(['frobnicate'])).code).toBe(2)
  })

  test('plan decodes a rack and prints the plan with its reasons', async () => {
    const r = await run(['plan', join(examples, 'plan-one-failed.json')])
    expect(r.code).toBe(0)
    expect(r.out).toContain('open  psu1 -> A (fet)')
    expect(r.out).toContain('psu1 is failed: disconnected from bus A')
    const bad = await run(['plan', join(examples, 'one-failure.json')])
    expect(bad.code).toBe(2)
    expect(bad.err).toMatch(/loads/)
  })
})
