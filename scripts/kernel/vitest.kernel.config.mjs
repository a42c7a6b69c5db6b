// Vitest config for the *.kernel.test.ts files, run only inside the qemu guest by guest-run.sh.
// Plain .mjs loaded with --configLoader runner, because the guest sees the repo read-only and the
// default loader writes a bundled copy of the config next to it.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  ssr: { resolve: { conditions: ['@busbar/source'] } },
  resolve: { conditions: ['@busbar/source'] },
  cacheDir: '/tmp/busbar-vitest-cache',
  test: {
    include: ['packages/*/test/bindings/**/*.kernel.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One process, files in sequence: the tests share kernel devices (i2c-stub RAM, the fake CP2112).
    pool: 'forks',
    fileParallelism: false,
    cache: false,
  },
})
