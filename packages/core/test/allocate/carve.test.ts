import { fc, test } from '@fast-check/vitest'
import { describe, expect } from 'vitest'
import { carveFloat64, carveInt32, carveUint8 } from '../../src/allocate/carve.js'

describe('carve', () => {
  test.prop([fc.array(fc.nat({ max: 40 }), { maxLength: 8 })])(
    'gives zero-filled views of the requested lengths that do not overlap',
    (lengths) => {
      for (const views of [carveFloat64(...lengths), carveInt32(...lengths), carveUint8(...lengths)]) {
        expect(views.map((v) => v.length)).toEqual(lengths)
        for (const v of views) expect(Array.from(v).every((x) => x === 0)).toBe(true)
        // Mark each view with its index + 1; every view must still read only its own mark.
        views.forEach((v, i) => v.fill(i + 1))
        views.forEach((v, i) => expect(Array.from(v).every((x) => x === i + 1)).toBe(true))
      }
    },
  )
})
