// Contract: importing the package root, or even the bindings subpath, never loads koffi; the first
// requestLines does. Checked in a fresh Node process (tsx runs the TypeScript sources), by looking for
// koffi's native module in the CommonJS cache.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const repo = fileURLToPath(new URL('../../../../', import.meta.url))
const source = (path: string) => fileURLToPath(new URL(`../../src/${path}`, import.meta.url))

const koffiLoadedAfter = (entries: readonly string[], thenCall?: string): string[] => {
  const dir = mkdtempSync(join(tmpdir(), 'busbar-lazy-'))
  const script = join(dir, 'probe.mjs')
  writeFileSync(
    script,
    [
      "import { createRequire } from 'node:module'",
      'const require = createRequire(import.meta.url)',
      'let last',
      'for (const entry of process.argv.slice(2)) last = await import(entry)',
      thenCall ? `await last.${thenCall}()` : '',
      "console.log(JSON.stringify(Object.keys(require.cache).filter((k) => k.includes('koffi'))))",
    ].join('\n'),
  )
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--conditions=@busbar/source', script, ...entries],
    { cwd: repo, encoding: 'utf8' },
  )
  return JSON.parse(out.trim().split('\n').at(-1)!) as string[]
}

test('the package root and the bindings subpath load without koffi; loading libc loads it', () => {
  expect(koffiLoadedAfter([source('index.ts'), source('bindings/linux-gpio/index.ts')])).toEqual([])
  expect(koffiLoadedAfter([source('bindings/linux-gpio/libc.ts')], 'loadGpioLibc').length).toBeGreaterThan(0)
}, 60_000)
