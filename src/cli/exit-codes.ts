/**
 * Exit codes of the `airlock` command. Scripts may rely on them.
 *
 * | code | meaning |
 * |---|---|
 * | 0 | success; `check`: allowed |
 * | 1 | `check`: denied; `test`: a case failed; `validate`: invalid; `audit verify`: chain broken; `approval`, `ticket`, `delegation`: refused or invalid |
 * | 2 | usage error: unknown flag, missing or malformed argument |
 * | 3 | configuration error: a file failed to load |
 * | 4 | `check`: held for approval |
 * | 5 | runtime error: store unreachable, unexpected failure |
 */
export const ExitCode = {
  OK: 0,
  FAILED: 1,
  USAGE: 2,
  CONFIG: 3,
  HELD: 4,
  RUNTIME: 5,
} as const

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode]
