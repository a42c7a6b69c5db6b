/**
 * Pure. The error value of `decodeRackInput`: every problem found, each with where (a path such as
 * `supplies[2].capacityW`) and what (`must be a finite number > 0, got -5`).
 */

export interface DecodeIssue {
  /** Where, in JS accessor syntax from the input's root: `supplies[2].capacityW`, `loads[0].buses[1]`. */
  readonly path: string
  /** What is wrong, phrased to follow the path: `must be a finite number > 0, got -5`. */
  readonly message: string
}

/** Why `decodeRackInput` refused its input: every issue found, each with its path and rule. */
export interface DecodeError {
  readonly _tag: 'DecodeError'
  /** All issues found (shape and value issues first, then cross-references); never empty. */
  readonly issues: readonly DecodeIssue[]
}

/** One line per issue: `supplies[2].capacityW must be a finite number > 0, got -5`. */
export const formatDecodeError = (error: DecodeError): string =>
  error.issues
    .map((issue) => (issue.path === '' ? `input ${issue.message}` : `${issue.path} ${issue.message}`))
    .join('\n')
