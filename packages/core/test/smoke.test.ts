import { describe, expect, it } from 'vitest'
import { defaultPolicy } from '@busbar/core'

describe('package entry', () => {
  it('exposes the spec defaults for policy', () => {
    expect(defaultPolicy).toEqual({ supplyRedundancy: 1, busRedundancy: true, derate: 1, preemptRisk: 0.5 })
  })
})
