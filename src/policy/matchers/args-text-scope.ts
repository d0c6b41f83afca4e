/**
 * Flattened arguments computed once per policy evaluation, however many
 * `args_pattern` rules look at them.
 *
 * @module
 */
import { flattenArgs } from './args-text.js'

const UNSET: unique symbol = Symbol('unset')

// Evaluation is synchronous, so one slot suffices; nested evaluations reset
// it on entry and exit and the identity check keeps them apart.
let depth = 0
let memoArgs: unknown = UNSET
let memoText: string | null = null

/** Starts an evaluation: text flattened from now on is reused until {@link closeArgsTextScope}. */
export function openArgsTextScope(): void {
  depth++
  memoArgs = UNSET
}

/** Ends the evaluation started by the matching {@link openArgsTextScope}. */
export function closeArgsTextScope(): void {
  depth = Math.max(0, depth - 1)
  memoArgs = UNSET
  memoText = null
}

/**
 * {@link flattenArgs}, memoised for the current evaluation.
 *
 * @remarks Outside an evaluation scope nothing is kept, so arguments changed
 * between two separate evaluations are always flattened afresh.
 */
export function flattenArgsOnce(args: unknown): string | null {
  if (depth === 0) return flattenArgs(args)
  if (args !== memoArgs) {
    memoText = flattenArgs(args)
    memoArgs = args
  }
  return memoText
}
