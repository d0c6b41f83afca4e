import { describe, expect, it } from 'vitest'
import type { Target } from './target.js'
import { targetTypeMismatch } from './target-type-mismatch.js'

const testApp: Target = {
  id: 'dev/test-app',
  type: 'k8s-deployment',
  environment: 'dev',
  sensitivity: 'public',
  owner: 'dev-team',
  labels: {},
}

describe('targetTypeMismatch', () => {
  it('explains why an action cannot be aimed at a target of another type', () => {
    expect(targetTypeMismatch({ name: 'drain-node', target_types: ['k8s-node'] }, testApp)).toBe(
      "Action 'drain-node' cannot target 'dev/test-app' of type k8s-deployment (expects k8s-node)",
    )
  })

  it('lists every accepted type', () => {
    expect(targetTypeMismatch({ name: 'delete-pod', target_types: ['k8s-pod', 'k8s-job'] }, testApp)).toBe(
      "Action 'delete-pod' cannot target 'dev/test-app' of type k8s-deployment (expects k8s-pod or k8s-job)",
    )
  })

  it('accepts a target of a declared type', () => {
    expect(
      targetTypeMismatch({ name: 'restart', target_types: ['k8s-pod', 'k8s-deployment'] }, testApp),
    ).toBeNull()
  })

  it('leaves unknown targets and untyped actions alone', () => {
    expect(targetTypeMismatch({ name: 'drain-node', target_types: ['k8s-node'] }, undefined)).toBeNull()
    expect(targetTypeMismatch({ name: 'send_email', target_types: [] }, testApp)).toBeNull()
  })
})
