// Lint: purity of @busbar/core (no I/O, no clock, no randomness, no adapters) plus type-aware rules.
import tseslint from 'typescript-eslint'
import eslintConfigPrettier from 'eslint-config-prettier/flat'

const coreFiles = ['packages/core/src/**/*.ts']

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      'docs/**',
      '.kernel-cache/**',
      '**/*.tmp.ts',
      '**/_scratch*',
    ],
  },
  {
    files: ['packages/*/src/**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // A promise left unawaited in a controller or executor is an unreported hardware result.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true },
      ],
    },
  },
  {
    // Core is pure and deterministic: time and seeds are inputs.
    files: coreFiles,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*'], message: '@busbar/core is pure: no Node built-ins.' },
            {
              group: ['@busbar/adapters-*', '@busbar/sim', '@busbar/sim/*'],
              message: '@busbar/core may not depend on adapters or the simulator.',
            },
          ],
          paths: [
            'fs',
            'path',
            'os',
            'child_process',
            'worker_threads',
            'crypto',
            'timers',
            'process',
            'perf_hooks',
          ].map((name) => ({
            name,
            message: '@busbar/core is pure: no Node built-ins.',
          })),
        },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'process',
          'setTimeout',
          'setInterval',
          'setImmediate',
          'clearTimeout',
          'clearInterval',
          'queueMicrotask',
          'performance',
          'require',
        ].map((name) => ({
          name,
          message: '@busbar/core is pure: time, scheduling and the environment are inputs.',
        })),
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: '@busbar/core has no clock: take time as an input.' },
        {
          object: 'Math',
          property: 'random',
          message: '@busbar/core has no randomness: take a seed as an input.',
        },
        { object: 'performance', property: 'now', message: '@busbar/core has no clock.' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date']",
          message: '@busbar/core has no clock: take time as an input.',
        },
      ],
    },
  },
  // Formatting belongs to Prettier (`pnpm format:check`); turn off any stylistic rule that would fight it.
  eslintConfigPrettier,
)
