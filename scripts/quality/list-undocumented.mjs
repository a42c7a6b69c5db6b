#!/usr/bin/env node
// Lists the exports of every entry point whose doc comment has no summary line, as `file:symbol` grouped by
// file: runs typedoc to JSON (no HTML; type errors are typecheck's business, so they are skipped here) and walks
// the modules' top-level reflections. `pnpm docs:coverage` prints the list and exits 0; with `--check` it exits
// 1 when any export lacks a summary (run-quality.sh). Exit 2 when typedoc itself fails.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const check = process.argv.includes('--check')
const repo = fileURLToPath(new URL('../../', import.meta.url))
const work = mkdtempSync(join(tmpdir(), 'busbar-undocumented-'))
const json = join(work, 'api.json')

// The root config with source tracking switched on (to name each export's file) and absolute paths, since the
// options file lives in a temporary directory.
const root = JSON.parse(readFileSync(join(repo, 'typedoc.json'), 'utf8'))
const sourceOptions = { disableSources: false, sourceLinkTemplate: '{path}#{line}' }
const options = {
  ...root,
  ...sourceOptions,
  entryPoints: root.entryPoints.map((entry) => join(repo, entry)),
  readme: join(repo, root.readme),
  packageOptions: {
    ...root.packageOptions,
    ...sourceOptions,
    tsconfig: join(repo, 'tsconfig.json'),
    skipErrorChecking: true,
  },
}
const optionsFile = join(work, 'typedoc.json')
writeFileSync(optionsFile, JSON.stringify(options))

const run = spawnSync(
  join(repo, 'node_modules/.bin/typedoc'),
  [
    '--options',
    optionsFile,
    '--json',
    json,
    '--out',
    join(work, 'html'),
    '--treatWarningsAsErrors',
    'false',
    '--logLevel',
    'Error',
  ],
  { cwd: repo, encoding: 'utf8' },
)
if (run.status !== 0) {
  process.stderr.write(run.stdout + run.stderr)
  rmSync(work, { recursive: true, force: true })
  process.exit(2)
}
const kinds = new Set([8, 32, 64, 128, 256, 2097152]) // enum, variable, function, class, interface, type alias
const hasSummary = (comment) => (comment?.summary ?? []).some((part) => part.text.trim() !== '')
const documented = (r) => hasSummary(r.comment) || (r.signatures ?? []).some((s) => hasSummary(s.comment))

// Module paths look like `@busbar/adapters-gpio/mock`; typedoc's source file names are relative to the
// package's src directory.
const sourcePath = (modulePath, reflection) => {
  const packageDir = modulePath[0].replace(/^@busbar\//, 'packages/')
  const file = reflection.sources?.[0]?.fileName
  return file === undefined ? `${modulePath.join('/')} (no source)` : `${packageDir}/src/${file}`
}
const missing = new Map() // file -> symbols (a symbol re-exported by two entry points is listed once)
const walk = (node, path) => {
  for (const child of node.children ?? []) {
    if (child.kind === 1 || child.kind === 2 || child.kind === 4) walk(child, [...path, child.name])
    else if (kinds.has(child.kind) && !documented(child)) {
      const file = sourcePath(path, child)
      missing.set(file, new Set([...(missing.get(file) ?? []), child.name]))
    }
  }
}
walk(JSON.parse(readFileSync(json, 'utf8')), [])
rmSync(work, { recursive: true, force: true })
let total = 0
for (const file of [...missing.keys()].sort()) {
  for (const name of [...missing.get(file)].sort()) {
    total += 1
    process.stdout.write(`${file}:${name}\n`)
  }
}
process.stdout.write(`${total} exported declarations without a summary line\n`)
if (check && total > 0) process.exit(1)
