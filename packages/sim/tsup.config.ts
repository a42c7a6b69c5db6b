import { defineConfig } from 'tsup'

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    cli: 'src/cli/main.ts',
    // Monte Carlo worker thread: runJobs loads ./worker.js next to the bundled CLI.
    worker: 'src/montecarlo/runWorker.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  // import.meta.url in the CommonJS build (runJobs locates the worker with it).
  shims: true,
})
