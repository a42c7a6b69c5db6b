// Mutation testing of @busbar/core (Stryker + vitest): `pnpm test:mutation`, optionally one area at a time:
//   pnpm test:mutation --mutate 'packages/core/src/controller/**/*.ts'
// Each area keeps its own incremental file and HTML report (named after the --mutate glob), so rerunning
// an area only retests mutants whose code or covering tests changed. Not part of .ci/run.

/** The `--mutate` glob given on the command line, if any. */
const mutateArgument = (() => {
  const at = process.argv.findIndex((arg) => arg === '--mutate' || arg === '-m')
  if (at >= 0) return process.argv[at + 1]
  return process.argv.find((arg) => arg.startsWith('--mutate='))?.slice('--mutate='.length)
})()

/** `packages/core/src/controller/**\/*.ts` -> `controller`; a comma list joins its names with `+`; no glob -> `core`. */
const globName = (glob) =>
  glob
    .replace(/^!?packages\/core\/src\/?/, '')
    .replace(/(\*\*\/)?\*\.ts$|\.ts$/, '')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
const reportName =
  mutateArgument === undefined
    ? 'core'
    : mutateArgument.split(',').map(globName).filter(Boolean).join('+') || 'core'

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts' },
  plugins: ['@stryker-mutator/vitest-runner'],
  // TypeScript source is mutated directly (vitest transpiles it); barrels have nothing to mutate.
  mutate: ['packages/core/src/**/*.ts', '!packages/core/src/**/index.ts'],
  // Only core and the root configs go into the sandbox.
  ignorePatterns: [
    'packages/adapters-*',
    'packages/sim',
    'packages/*/dist',
    'docs',
    'api-reports',
    '.kernel-cache',
    'reports',
  ],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: `reports/mutation/${reportName}.incremental.json`,
  // Two shared cores: one or two test processes at most.
  concurrency: 2,
  timeoutMS: 10_000,
  reporters: ['clear-text', 'html', 'progress-append-only'],
  htmlReporter: { fileName: `reports/mutation/${reportName}.html` },
  clearTextReporter: { allowEmojis: false, reportTests: false, reportMutants: false, reportScoreTable: true },
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
}
