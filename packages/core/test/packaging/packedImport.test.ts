// Contract: what `pnpm publish` would ship works for users. Runs scripts/quality/check-packed.mjs, which
// packs all four packages, installs the tarballs into a throwaway project and imports and requires every
// entry point (roots and ./mock with koffi forbidden). Needs the dist build: CI builds before testing; locally
// the test is skipped (reported as skipped) when a dist is missing, unless CI is set.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const repo = fileURLToPath(new URL('../../../../', import.meta.url))
const packages = ['core', 'adapters-pmbus', 'adapters-gpio', 'sim'] as const
const built = packages.every((name) => existsSync(`${repo}packages/${name}/dist/index.js`))

interface CheckResult {
  readonly ok: boolean
  readonly check: string
  readonly detail: string
}

test.skipIf(!built && process.env['CI'] !== 'true')(
  'packed tarballs import, require and run in a fresh project',
  () => {
    const run = spawnSync(process.execPath, ['scripts/quality/check-packed.mjs', '--json'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 170_000,
    })
    const last = run.stdout.trim().split('\n').at(-1) ?? ''
    expect(last.startsWith('{'), `check-packed printed no JSON:\n${run.stdout}\n${run.stderr}`).toBe(true)
    const { results } = JSON.parse(last) as { results: CheckResult[] }
    const failures = results.filter((r) => !r.ok).map((r) => `${r.check}: ${r.detail}`)
    expect(failures).toEqual([])
    expect(run.status).toBe(0)
    // Every package's manifest was checked and both module systems were exercised for every root.
    for (const name of packages) {
      const pkg = `@busbar/${name}`
      expect(
        results.some((r) => r.check === `${pkg} tarball manifest`),
        `${pkg} manifest`,
      ).toBe(true)
      expect(
        results.some((r) => r.check.startsWith(`import ${pkg} `) || r.check === `import ${pkg}`),
        `import ${pkg}`,
      ).toBe(true)
      expect(
        results.some((r) => r.check.startsWith(`require ${pkg} `) || r.check === `require ${pkg}`),
        `require ${pkg}`,
      ).toBe(true)
    }
    expect(results.filter((r) => r.check.startsWith('koffi guard self-test')).length).toBe(2)
  },
  180_000,
)
