// Prints the CI closing line "N passed, M failed" summed over vitest JSON reports given as arguments.
// A missing or unreadable report is a failure, not a silent zero.
import { readFileSync } from 'node:fs'

let passed = 0
let failed = 0
for (const file of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'))
    passed += report.numPassedTests
    failed += report.numFailedTests + (report.numRuntimeErrors ?? 0)
    if (report.numTotalTestSuites > 0 && report.numTotalTests === 0) failed += 1
  } catch (error) {
    console.error(`ci-summary: cannot read ${file}: ${error.message}`)
    failed += 1
  }
}
console.log(`${passed} passed, ${failed} failed`)
process.exitCode = failed > 0 ? 1 : 0
