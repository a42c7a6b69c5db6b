import { defineConfig } from 'vitest/config'

// Vitest for the Stryker run (stryker.config.mjs): core's tests only, against core's src through the
// "@busbar/source" condition, as vitest.config.ts does. Left out, because they do not exercise core's src
// behaviour or would run for minutes per mutant:
// - allocate.properties.test.ts: the beyond-exact-range allocate properties (192 supplies x 16 buses x
//   400 loads, medium racks); every allocate mutant would rerun them. Allocate keeps its unit, example,
//   reference and search tests in the mutation run.
// - bench/ (HiGHS reference), packaging/ (needs a build and packs tarballs), purity/ (runs ESLint).
export default defineConfig({
  ssr: { resolve: { conditions: ['@busbar/source'] } },
  resolve: { conditions: ['@busbar/source'] },
  test: {
    testTimeout: 60_000,
    root: 'packages/core',
    include: ['test/**/*.test.ts'],
    exclude: [
      'test/**/*.kernel.test.ts',
      'test/allocate/allocate.properties.test.ts',
      'test/bench/**',
      'test/packaging/**',
      'test/purity/**',
    ],
  },
})
