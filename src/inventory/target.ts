/** Deployment stage of a target. */
export type Environment = 'dev' | 'staging' | 'prod'
/** How much harm touching a target can do. */
export type Sensitivity = 'public' | 'internal' | 'restricted' | 'critical'

export const ENVIRONMENTS: readonly Environment[] = ['dev', 'staging', 'prod']
export const SENSITIVITIES: readonly Sensitivity[] = ['public', 'internal', 'restricted', 'critical']

/** A thing an action can be aimed at, from the inventory. */
export interface Target {
  readonly id: string
  readonly type: string
  readonly environment: Environment
  readonly sensitivity: Sensitivity
  readonly owner: string
  readonly labels: Readonly<Record<string, string>>
}
