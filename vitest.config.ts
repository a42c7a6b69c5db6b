import { defineConfig } from 'vitest/config'

// Tests run against each package's src (the "@busbar/source" export condition), so no build is
// needed first. Node tests resolve through ssr.resolve, not resolve.conditions.
const packages = ['core', 'adapters-pmbus', 'adapters-gpio', 'sim'] as const

export default defineConfig({
  ssr: { resolve: { conditions: ['@busbar/source'] } },
  resolve: { conditions: ['@busbar/source'] },
  test: {
    testTimeout: 60_000,
    projects: packages.map((name) => ({
      extends: true,
      test: {
        name,
        root: `packages/${name}`,
        include: ['test/**/*.test.ts'],
        exclude: ['test/**/*.kernel.test.ts'],
      },
    })),
  },
})
