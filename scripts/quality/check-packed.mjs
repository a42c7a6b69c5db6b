#!/usr/bin/env node
// Packs each package as `pnpm publish` would (publishConfig applied, workspace: versions replaced), installs
// the tarballs into a throwaway project, then imports and requires every entry point and calls one function
// of each. Prints one line per check; exits 1 when any check fails. Needs `pnpm build` first.
//
// Usage: node scripts/quality/check-packed.mjs [--json] [--keep]
//   --json  print the results as one JSON object on the last line (for packedImport.test.ts)
//   --keep  keep the temp directory and print its path
//
// Offline by design: third-party dependencies are symlinked from the workspace's own node_modules, so no
// registry is involved; what is tested is exactly the tarball contents plus the pinned dependency versions.
import { execFileSync, spawnSync } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const args = new Set(process.argv.slice(2))

/** Entry points per package, with a smoke call each (`m` is the module; must return a short description). */
const packages = [
  {
    dir: 'core',
    name: '@busbar/core',
    entries: [
      {
        specifier: '@busbar/core',
        smoke: `
          const decoded = m.decodeRackInput(rack)
          if (decoded._tag !== 'Right') throw new Error('decodeRackInput rejected the tiny rack: ' + JSON.stringify(decoded))
          const plan = m.allocate(decoded.right)
          const closed = JSON.stringify(plan.closed)
          if (closed !== '[{"supply":"psu2","bus":"A"}]') throw new Error('allocate: unexpected closed ' + closed)
          const ops = plan.steps.map((s) => s.op + ' ' + s.supply).join(', ')
          if (ops !== 'open psu1, close psu2') throw new Error('allocate: unexpected steps ' + ops)
          return 'allocate(tiny rack) closes psu2 on A after opening failed psu1'`,
      },
      {
        specifier: '@busbar/core/testing',
        smoke: `
          const core = await load('@busbar/core')
          const input = core.decodeRackInput(rack).right
          const violations = m.checkPlan(input, core.allocate(input))
          if (!Array.isArray(violations) || violations.length !== 0) throw new Error('checkPlan: ' + JSON.stringify(violations))
          if (typeof m.smallRackArb().generate !== 'function') throw new Error('smallRackArb is not an arbitrary')
          return 'checkPlan(allocate(tiny rack)) finds no violation; smallRackArb() is an arbitrary'`,
      },
    ],
  },
  {
    dir: 'adapters-pmbus',
    name: '@busbar/adapters-pmbus',
    entries: [
      {
        specifier: '@busbar/adapters-pmbus',
        smoke: `
          const crc = m.pec([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39])
          if (crc !== 0xf4) throw new Error('pec("123456789") = ' + crc + ', CRC-8/SMBUS check value is 0xf4')
          return 'pec("123456789") = 0xf4'`,
      },
      {
        specifier: '@busbar/adapters-pmbus/mock',
        smoke: `
          const bus = m.createVirtualBus('probe')
          if (typeof bus !== 'object' || bus === null) throw new Error('createVirtualBus returned ' + String(bus))
          return 'createVirtualBus() returns a bus'`,
      },
      {
        specifier: '@busbar/adapters-pmbus/bindings/linux',
        binding: true,
        smoke: `
          const error = m.commErrorFromErrno(6, 0x58, 'read')
          if (error._tag !== 'NoAck') throw new Error('commErrorFromErrno(ENXIO) = ' + JSON.stringify(error))
          if (typeof m.openI2cBus !== 'function') throw new Error('openI2cBus missing')
          return 'commErrorFromErrno(ENXIO) is NoAck'`,
      },
    ],
  },
  {
    dir: 'adapters-gpio',
    name: '@busbar/adapters-gpio',
    entries: [
      {
        specifier: '@busbar/adapters-gpio',
        smoke: `
          const wiring = m.decodeWiring({
            expanders: [{ id: 'u1', kind: 'pca9555', address: 32 }],
            switches: [{ supply: 'psu1', bus: 'A', kind: 'relay', polarity: 'activeHigh', output: { expander: 'u1', pin: 3 } }],
          })
          if (wiring._tag !== 'Right') throw new Error('decodeWiring: ' + JSON.stringify(wiring))
          const bad = m.decodeWiring({ switches: [{ supply: 'psu1' }] })
          if (bad._tag !== 'Left') throw new Error('decodeWiring accepted a switch with no bus')
          return 'decodeWiring accepts a one-switch wiring and rejects a broken one'`,
      },
      {
        specifier: '@busbar/adapters-gpio/mock',
        smoke: `
          const clock = m.createVirtualClock(5)
          return 'createVirtualClock(5) returns ' + typeof clock`,
      },
      {
        specifier: '@busbar/adapters-gpio/bindings/linux-gpio',
        binding: true,
        smoke: `
          if (typeof m.requestLines !== 'function') throw new Error('requestLines missing')
          return 'requestLines is a function'`,
      },
    ],
  },
  {
    dir: 'sim',
    name: '@busbar/sim',
    entries: [
      {
        specifier: '@busbar/sim',
        smoke: `
          const decoded = m.decodeScenario(m.defaultScenarioJson)
          if (decoded._tag !== 'Right') throw new Error('decodeScenario(defaultScenarioJson): ' + JSON.stringify(decoded.left))
          const broken = m.decodeScenario({ ...m.defaultScenarioJson, durationDays: -1 })
          if (broken._tag !== 'Left') throw new Error('decodeScenario accepted durationDays -1')
          return 'decodeScenario accepts the default scenario and rejects a negative duration'`,
      },
      {
        specifier: '@busbar/sim/cli',
        smoke: `
          const out = []
          const code = await m.main(['plan', rackFile], { out: (s) => out.push(s), err: (s) => out.push(s) })
          if (code !== 0) throw new Error('busbar plan exited ' + code + ': ' + out.join('\\n'))
          if (!out.join('\\n').includes('psu2')) throw new Error('busbar plan output does not name psu2: ' + out.join('\\n'))
          // Two worker threads: the worker file must be in the tarball and found from both module formats.
          const simOut = []
          const simCode = await m.main(['sim', '--days', '1', '--runs', '2', '--policy', 'static', '--workers', '2', '--json'], { out: (s) => simOut.push(s), err: () => {} })
          if (simCode !== 0) throw new Error('busbar sim exited ' + simCode + ': ' + simOut.join('\\n').slice(0, 300))
          const runs = JSON.parse(simOut.join('\\n')).summaries?.[0]?.runs
          if (runs !== 2) throw new Error('busbar sim --runs 2 reported runs = ' + runs)
          return 'main(["plan", rack.json]) names psu2; main(["sim", 2 runs, 2 workers]) reports 2 runs'`,
      },
    ],
  },
]

/** The smallest interesting rack: the failed supply must be swapped for the spare. */
const rack = {
  supplies: [
    { id: 'psu1', capacityW: 1000, state: 'failed' },
    { id: 'psu2', capacityW: 1000, state: 'ok' },
  ],
  buses: [{ id: 'A', priority: 1 }],
  loads: [{ id: 'srv1', powerW: 300, priority: 1, buses: ['A'] }],
  switches: [
    { supply: 'psu1', bus: 'A', kind: 'fet', closed: true },
    { supply: 'psu2', bus: 'A', kind: 'fet', closed: false },
  ],
  policy: { supplyRedundancy: 0, busRedundancy: false, derate: 1, preemptRisk: 0.5 },
}

const results = []
const record = (ok, check, detail) => {
  results.push({ ok, check, detail })
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${check}${detail ? `: ${detail}` : ''}\n`)
}

const work = mkdtempSync(join(tmpdir(), 'busbar-packed-'))
const tarballs = join(work, 'tarballs')
const project = join(work, 'project')
const modules = join(project, 'node_modules')
mkdirSync(tarballs, { recursive: true })
mkdirSync(join(modules, '@busbar'), { recursive: true })
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'packed-probe', private: true }))
writeFileSync(join(project, 'rack.json'), JSON.stringify(rack))

// ---- pack and unpack -------------------------------------------------------------------------------
const linked = new Set()
/** Symlinks a third-party dependency from the workspace (where pnpm installed it for `fromDir`). */
const linkDependency = (dep, fromDir) => {
  if (linked.has(dep) || dep.startsWith('@busbar/')) return
  const candidates = [join(fromDir, 'node_modules', dep), join(repo, 'node_modules', dep)]
  const found = candidates.find((p) => existsSync(p))
  if (found === undefined) {
    record(false, `dependency ${dep}`, `not installed in the workspace (looked in ${candidates.join(', ')})`)
    return
  }
  const target = join(modules, dep)
  mkdirSync(dirname(target), { recursive: true })
  symlinkSync(realpathSync(found), target, 'dir')
  linked.add(dep)
}

/** Every file an exports map points at (conditions flattened), with the condition key order per object. */
const exportTargets = (value, path, out) => {
  if (value === null) return out
  if (typeof value === 'string') {
    out.push({ path, target: value })
    return out
  }
  const keys = Object.keys(value)
  if (keys.includes('types') && keys[0] !== 'types')
    out.push({ path, orderError: `"types" must come first, got ${keys.join(', ')}` })
  for (const [key, inner] of Object.entries(value)) exportTargets(inner, `${path}.${key}`, out)
  return out
}

const manifests = new Map()
for (const pkg of packages) {
  const source = join(repo, 'packages', pkg.dir)
  if (!existsSync(join(source, 'dist', 'index.js'))) {
    record(false, `${pkg.name} build`, `packages/${pkg.dir}/dist/index.js missing: run pnpm build first`)
    continue
  }
  const before = new Set(readdirSync(tarballs))
  const pack = spawnSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: source, encoding: 'utf8' })
  const tarball = readdirSync(tarballs).find((f) => !before.has(f) && f.endsWith('.tgz'))
  if (pack.status !== 0 || tarball === undefined) {
    record(
      false,
      `${pkg.name} pnpm pack`,
      (pack.stderr || pack.stdout).trim().split('\n').slice(-5).join(' | '),
    )
    continue
  }
  const installed = join(modules, ...pkg.name.split('/'))
  mkdirSync(installed, { recursive: true })
  execFileSync('tar', ['xzf', join(tarballs, tarball), '-C', installed, '--strip-components=1'])
  const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'))
  manifests.set(pkg.name, manifest)

  // Manifest checks: what users get must not point at sources or the workspace.
  // Only the resolution fields: scripts may mention the condition (bench runs from sources), harmlessly.
  const text = JSON.stringify([
    manifest.exports,
    manifest.main,
    manifest.module,
    manifest.types,
    manifest.bin,
    manifest.dependencies,
    manifest.peerDependencies,
  ])
  const problems = []
  if (text.includes('@busbar/source'))
    problems.push('the "@busbar/source" condition leaked into the packed exports')
  if (text.includes('workspace:')) problems.push('a workspace: version leaked into the packed dependencies')
  if (manifest.sideEffects !== false) problems.push('sideEffects is not false')
  if (manifest.exports?.['./internal/*'] !== null) problems.push('"./internal/*" is not blocked (null)')
  for (const t of exportTargets(manifest.exports ?? {}, 'exports', [])) {
    if (t.orderError) problems.push(`${t.path}: ${t.orderError}`)
    else if (!existsSync(join(installed, t.target)))
      problems.push(`${t.path} -> ${t.target} is not in the tarball`)
  }
  for (const [bin, file] of Object.entries(manifest.bin ?? {})) {
    const path = join(installed, file)
    if (!existsSync(path)) problems.push(`bin ${bin} -> ${file} is not in the tarball`)
    else if (!readFileSync(path, 'utf8').startsWith('#!/usr/bin/env node'))
      problems.push(`bin ${bin} -> ${file} has no #!/usr/bin/env node line`)
  }
  // The workspace's exports (minus the source condition) and the packed ones must agree: publishConfig.exports
  // is a copy, and a copy can drift.
  const workspaceManifest = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8'))
  const strip = (v) =>
    v === null || typeof v === 'string'
      ? v
      : Object.fromEntries(
          Object.entries(v)
            .filter(([k]) => k !== '@busbar/source')
            .map(([k, x]) => [k, strip(x)]),
        )
  if (JSON.stringify(strip(workspaceManifest.exports)) !== JSON.stringify(manifest.exports))
    problems.push(
      'publishConfig.exports differs from exports without "@busbar/source": update publishConfig.exports',
    )
  // Every public entry point is probed below: a new subpath without a probe is a failure, not a gap.
  for (const key of Object.keys(manifest.exports ?? {})) {
    if (key === './package.json' || manifest.exports[key] === null) continue
    const specifier = key === '.' ? pkg.name : `${pkg.name}/${key.slice(2)}`
    if (!pkg.entries.some((e) => e.specifier === specifier))
      problems.push(`exports "${key}" has no probe in check-packed.mjs`)
  }
  // Nothing but the build, the sources and the docs: scratch files left in src would ship.
  const listed = execFileSync('tar', ['tzf', join(tarballs, tarball)], { encoding: 'utf8' })
    .trim()
    .split('\n')
  const stray = listed.filter(
    (f) =>
      /(\.tmp\.|scratch|\.test\.|\.bench\.)/i.test(f) ||
      !/^package\/(dist\/|src\/|package\.json$|README\.md$|LICENSE|CHANGELOG\.md$)/.test(f),
  )
  if (stray.length > 0) problems.push(`unexpected files in the tarball: ${stray.join(', ')}`)
  const missingDocs = ['README.md', 'LICENSE'].filter(
    (doc) => !listed.some((f) => f.startsWith(`package/${doc}`)),
  )
  if (missingDocs.length > 0)
    process.stdout.write(
      `note ${pkg.name}: no ${missingDocs.join(' or ')} in the tarball (npm shows the README; "license": "${manifest.license}" has no license text)\n`,
    )
  // typedoc documents the same entry points (packages/<dir>/typedoc.json lists them by source file).
  const typedocConfig = join(source, 'typedoc.json')
  if (existsSync(typedocConfig)) {
    const documented = new Set(
      JSON.parse(readFileSync(typedocConfig, 'utf8')).entryPoints.map((e) => `./${e.replace(/^\.\//, '')}`),
    )
    const sources = Object.values(workspaceManifest.exports ?? {}).flatMap((v) =>
      v !== null && typeof v === 'object' && typeof v['@busbar/source'] === 'string'
        ? [v['@busbar/source']]
        : [],
    )
    const undocumented = sources.filter((src) => !documented.has(src))
    if (undocumented.length > 0 || documented.size !== sources.length)
      problems.push(
        `packages/${pkg.dir}/typedoc.json entryPoints ${[...documented].join(', ')} differ from the exported sources ${sources.join(', ')}`,
      )
  }
  record(
    problems.length === 0,
    `${pkg.name} tarball manifest`,
    problems.length === 0 ? tarball : problems.join('; '),
  )

  for (const dep of [
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
  ])
    linkDependency(dep, source)
}

// ---- probes ------------------------------------------------------------------------------------------
// Guard: any attempt to load koffi (require, createRequire, or ESM import) throws, naming who asked.
writeFileSync(
  join(work, 'guard.cjs'),
  `
const Module = require('node:module')
const original = Module._load
Module._load = function (request, parent, isMain) {
  if (request === 'koffi' || request.startsWith('koffi/')) throw new Error('koffi loaded by ' + (parent && parent.filename))
  return original.call(this, request, parent, isMain)
}
`,
)
writeFileSync(
  join(work, 'guard-hooks.mjs'),
  `
export async function resolve(specifier, context, next) {
  if (specifier === 'koffi' || specifier.startsWith('koffi/')) throw new Error('koffi imported by ' + context.parentURL)
  return next(specifier, context)
}
`,
)
writeFileSync(
  join(work, 'guard.mjs'),
  `import { register } from 'node:module'\nregister(${JSON.stringify(new URL('guard-hooks.mjs', `file://${work}/`).href)})\n`,
)

const probeBody = (style, entry) => `
const rack = ${JSON.stringify(rack)}
const rackFile = ${JSON.stringify(join(project, 'rack.json'))}
const m = await load(${JSON.stringify(entry.specifier)})
const detail = await (async () => {${entry.smoke}
})()
const koffi = Object.keys(req.cache).filter((k) => k.includes('/koffi/'))
if (koffi.length > 0) throw new Error('koffi was loaded on import: ' + koffi[0])
console.log(detail)
`
const probeFile = (style, entry) => {
  const file = join(
    project,
    `probe-${results.length}-${Math.random().toString(36).slice(2)}.${style === 'import' ? 'mjs' : 'cjs'}`,
  )
  const prelude =
    style === 'import'
      ? `import { createRequire } from 'node:module'\nconst req = createRequire(import.meta.url)\nconst load = (s) => import(s)\n`
      : `const req = require;\nconst load = async (s) => require(s);\n`
  const body = probeBody(style, entry)
  writeFileSync(
    file,
    style === 'import'
      ? prelude + body
      : `${prelude};(async () => {${body}})().catch((e) => { console.error(e && e.stack || e); process.exit(1) })\n`,
  )
  return file
}

const runNode = (nodeArgs) =>
  spawnSync(process.execPath, nodeArgs, { cwd: project, encoding: 'utf8', timeout: 60_000 })
const guardArgs = ['--require', join(work, 'guard.cjs'), '--import', join(work, 'guard.mjs')]

// The guard must itself work, or the "never loads koffi" checks below would prove nothing.
if (linked.has('koffi')) {
  for (const style of ['import', 'require']) {
    const file = join(project, `guard-selftest.${style === 'import' ? 'mjs' : 'cjs'}`)
    writeFileSync(file, style === 'import' ? `await import('koffi')\n` : `require('koffi')\n`)
    const run = runNode([...guardArgs, file])
    record(
      run.status !== 0 && /koffi (imported|loaded) by/.test(run.stderr),
      `koffi guard self-test (${style})`,
      run.status !== 0 ? 'guard refuses koffi' : 'guard let koffi load',
    )
  }
}

for (const pkg of packages) {
  if (!manifests.has(pkg.name)) continue
  for (const entry of pkg.entries) {
    for (const style of ['import', 'require']) {
      // Roots and ./mock run under the guard; bindings may load koffi lazily, but not on import (checked in
      // the probe through the module cache).
      const run = runNode([...(entry.binding ? [] : guardArgs), probeFile(style, entry)])
      const output =
        run.status === 0
          ? run.stdout.trim().split('\n').at(-1)
          : (run.stderr || run.stdout || String(run.error)).trim().split('\n').slice(0, 4).join(' | ')
      record(
        run.status === 0,
        `${style} ${entry.specifier}${entry.binding ? '' : ' (koffi guarded)'}`,
        output,
      )
    }
  }
}

// The bin as a user's shell would run it.
const sim = manifests.get('@busbar/sim')
if (sim?.bin?.busbar) {
  const run = runNode([
    ...guardArgs,
    join(modules, '@busbar', 'sim', sim.bin.busbar),
    'plan',
    join(project, 'rack.json'),
  ])
  record(
    run.status === 0 && run.stdout.includes('psu2'),
    'bin busbar plan rack.json (koffi guarded)',
    run.status === 0
      ? run.stdout.trim().split('\n')[0]
      : (run.stderr || run.stdout).trim().split('\n').slice(0, 3).join(' | '),
  )
}

const failed = results.filter((r) => !r.ok).length
process.stdout.write(`${results.length - failed} passed, ${failed} failed\n`)
if (args.has('--keep')) process.stdout.write(`kept ${work}\n`)
else rmSync(work, { recursive: true, force: true })
if (args.has('--json')) process.stdout.write(`${JSON.stringify({ results })}\n`)
process.exit(failed === 0 ? 0 : 1)
