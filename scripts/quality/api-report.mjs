#!/usr/bin/env node
// API reports: runs api-extractor on the built .d.ts of every public entry point of every package (the entry
// points are read from each package.json `exports`, so a new subpath gets a report without a new config), and
// compares with the committed report in api-reports/<package>[-<subpath>].api.md.
//
// Usage: node scripts/quality/api-report.mjs          check: exits 1 when any public surface differs from its
//                                                     committed report (api-extractor's non-local mode)
//        node scripts/quality/api-report.mjs --update  rewrite the reports (`pnpm api:update`)
// Needs `pnpm build` first (api-extractor reads dist/*.d.ts).
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor'

const repo = fileURLToPath(new URL('../../', import.meta.url))
const update = process.argv.includes('--update')
const packages = ['core', 'adapters-pmbus', 'adapters-gpio', 'sim']
const reportFolder = join(repo, 'api-reports')
const tempFolder = join(repo, 'node_modules', '.cache', 'api-reports')
mkdirSync(reportFolder, { recursive: true })
mkdirSync(tempFolder, { recursive: true })

/** Messages that would only be noise here: release tags (@public/@beta) and TSDoc syntax in others' comments. */
const quiet = { logLevel: 'none' }
const messages = {
  compilerMessageReporting: { default: { logLevel: 'warning' } },
  extractorMessageReporting: {
    default: { logLevel: 'warning' },
    'ae-missing-release-tag': quiet,
    // A type used by the public surface but not exported: listed in the report (reviewable), not fatal.
    'ae-forgotten-export': { logLevel: 'none', addToApiReportFile: true },
    'ae-unresolved-link': quiet,
    'ae-internal-missing-underscore': quiet,
    // Missing doc comments are listed by typedoc's validation (pnpm docs), not failed on here.
    'ae-undocumented': quiet,
  },
  tsdocMessageReporting: { default: quiet },
}

const entryPoints = (dir) => {
  const manifest = JSON.parse(readFileSync(join(repo, 'packages', dir, 'package.json'), 'utf8'))
  return Object.entries(manifest.exports ?? {})
    .filter(([key, value]) => key !== './package.json' && value !== null)
    .map(([key, value]) => ({
      key,
      types: value.import?.types,
      report: key === '.' ? dir : `${dir}-${key.slice(2).replaceAll('/', '-')}`,
    }))
}

let failures = 0
for (const dir of packages) {
  const projectFolder = join(repo, 'packages', dir)
  for (const entry of entryPoints(dir)) {
    const label = `${entry.report} (${entry.key})`
    const dts = entry.types === undefined ? undefined : join(projectFolder, entry.types)
    if (dts === undefined || !existsSync(dts)) {
      process.stdout.write(
        `FAIL ${label}: ${entry.types ?? 'no import.types condition'} missing: run pnpm build first\n`,
      )
      failures++
      continue
    }
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder,
        mainEntryPointFilePath: dts,
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              target: 'ES2022',
              lib: ['ES2022'],
              module: 'NodeNext',
              moduleResolution: 'NodeNext',
              strict: true,
              skipLibCheck: true,
              types: ['node'],
            },
            files: [dts],
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: entry.report,
          reportFolder,
          reportTempFolder: tempFolder,
          includeForgottenExports: false,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages,
      },
      configObjectFullPath: join(projectFolder, 'api-extractor.json'),
      packageJsonFullPath: join(projectFolder, 'package.json'),
    })
    const lines = []
    const result = Extractor.invoke(config, {
      localBuild: update,
      showVerboseMessages: false,
      messageCallback: (message) => {
        if (message.logLevel === 'warning' || message.logLevel === 'error')
          lines.push(`  ${message.logLevel}: ${message.text}`)
        message.handled = true
      },
    })
    const ok = result.succeeded
    if (!ok) failures++
    const state = update
      ? result.apiReportChanged
        ? 'updated'
        : 'unchanged'
      : result.apiReportChanged
        ? 'CHANGED without a report update (pnpm api:update, then review and commit)'
        : 'matches'
    process.stdout.write(
      `${ok ? 'ok  ' : 'FAIL'} ${label}: ${state}, ${result.errorCount} errors, ${result.warningCount} warnings\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`,
    )
  }
}
process.stdout.write(
  failures === 0 ? 'api reports: all entry points ok\n' : `api reports: ${failures} entry point(s) failed\n`,
)
process.exit(failures === 0 ? 0 : 1)
