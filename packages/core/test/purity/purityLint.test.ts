import { describe, expect, test } from 'vitest'
import { ESLint } from 'eslint'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'

// The repo's own eslint.config.mjs must reject every impurity in @busbar/core. Each snippet is linted as if
// it were a file of packages/core/src (an existing path, so the type-aware parser accepts it).
const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url))
const coreFile = `${repoRoot}packages/core/src/model/rack.ts`
const simFile = `${repoRoot}packages/sim/src/cli/main.ts`
const eslint = new ESLint({ cwd: repoRoot })

const rulesHit = async (code: string, filePath = coreFile): Promise<string[]> => {
  const [result] = await eslint.lintText(code, { filePath })
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message)
}

describe('core purity lint', () => {
  test('the files linted as core exist', () => {
    expect(existsSync(coreFile)).toBe(true)
    expect(existsSync(simFile)).toBe(true)
  })

  test.each([
    ['Date.now()', 'export const t = Date.now()\n', 'no-restricted-properties'],
    ['new Date()', 'export const t = new Date()\n', 'no-restricted-syntax'],
    ['Math.random()', 'export const r = Math.random()\n', 'no-restricted-properties'],
    ['setTimeout', 'export const h = setTimeout(() => undefined, 1)\n', 'no-restricted-globals'],
    ['process', 'export const e = process.env\n', 'no-restricted-globals'],
    [
      'node:fs',
      "import { readFileSync } from 'node:fs'\nexport const f = readFileSync\n",
      'no-restricted-imports',
    ],
    [
      'an adapter',
      "import { pec } from '@busbar/adapters-pmbus'\nexport const p = pec\n",
      'no-restricted-imports',
    ],
    ['the simulator', "export * from '@busbar/sim'\n", 'no-restricted-imports'],
  ])('rejects %s in core', async (_name, code, rule) => {
    expect(await rulesHit(code)).toContain(rule)
  })

  test('pure code passes, and the same impurity outside core is allowed', async () => {
    expect(await rulesHit('export const double = (x: number): number => 2 * x\n')).toEqual([])
    expect(await rulesHit('export const t = Date.now()\n', simFile)).toEqual([])
  })

  test('a floating promise is an error everywhere (an unawaited hardware result goes unreported)', async () => {
    const code = 'const write = async (): Promise<number> => 1\nexport const go = (): void => { write() }\n'
    expect(await rulesHit(code, simFile)).toContain('@typescript-eslint/no-floating-promises')
  })
})
