#!/usr/bin/env node
// Lists the exports of every entry point whose doc comment has no summary line: runs typedoc to JSON (no HTML)
// and walks the modules' top-level reflections. Informational: prints the list, always exits 0 unless typedoc
// itself fails. `pnpm docs:coverage`.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'busbar-undocumented-'))
const json = join(work, 'api.json')
const run = spawnSync(
  join(repo, 'node_modules/.bin/typedoc'),
  ['--json', json, '--out', join(work, 'html'), '--treatWarningsAsErrors', 'false', '--logLevel', 'Error'],
  { cwd: repo, encoding: 'utf8' },
)
if (run.status !== 0) {
  process.stderr.write(run.stdout + run.stderr)
  process.exit(1)
}
const kinds = new Map([
  [8, 'enum'],
  [32, 'variable'],
  [64, 'function'],
  [128, 'class'],
  [256, 'interface'],
  [2097152, 'type'],
])
const hasSummary = (comment) => (comment?.summary ?? []).some((part) => part.text.trim() !== '')
const documented = (r) => hasSummary(r.comment) || (r.signatures ?? []).some((s) => hasSummary(s.comment))
const missing = new Map()
const walk = (node, path) => {
  for (const child of node.children ?? []) {
    if (child.kind === 1 || child.kind === 2 || child.kind === 4) walk(child, [...path, child.name])
    else if (kinds.has(child.kind) && !documented(child)) {
      const key = path.join('/')
      missing.set(key, [...(missing.get(key) ?? []), child.name])
    }
  }
}
walk(JSON.parse(readFileSync(json, 'utf8')), [])
rmSync(work, { recursive: true, force: true })
let total = 0
for (const [module, names] of missing) {
  total += names.length
  process.stdout.write(`${module} (${names.length}): ${names.sort().join(', ')}\n`)
}
process.stdout.write(`${total} exported declarations without a summary line\n`)
