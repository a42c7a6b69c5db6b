import { describe, expect } from 'vitest'
import { test, fc } from '@fast-check/vitest'
import { createEventQueue } from '../../src/engine/createEventQueue.js'

describe('createEventQueue', () => {
  test.prop([fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 200 })], { numRuns: 200 })(
    'pops in time order, ties in insertion order, and the clock follows',
    (times) => {
      const q = createEventQueue<number>()
      times.forEach((t, i) => q.schedule(t, i))
      const popped: { atMs: number; event: number }[] = []
      for (let e = q.pop(); e !== undefined; e = q.pop()) {
        popped.push(e)
        expect(q.now()).toBe(e.atMs)
      }
      const expected = times
        .map((t, i) => ({ atMs: t, event: i }))
        .sort((a, b) => a.atMs - b.atMs || a.event - b.event)
      expect(popped).toEqual(expected)
    },
  )

  test.prop(
    [
      fc.array(fc.integer({ min: 0, max: 100 }), { minLength: 1, maxLength: 100 }),
      fc.array(fc.nat(), { maxLength: 50 }),
    ],
    { numRuns: 200 },
  )('cancelled events never pop; size counts only pending ones', (times, cancelPicks) => {
    const q = createEventQueue<number>()
    const handles = times.map((t, i) => q.schedule(t, i))
    const cancelled = new Set(cancelPicks.map((p) => p % handles.length))
    for (const i of cancelled) q.cancel(handles[i]!)
    expect(q.size()).toBe(times.length - cancelled.size)
    const seen: number[] = []
    for (let e = q.pop(); e !== undefined; e = q.pop()) seen.push(e.event)
    expect(seen.sort((a, b) => a - b)).toEqual(times.map((_, i) => i).filter((i) => !cancelled.has(i)))
    expect(q.size()).toBe(0)
  })

  test('an event scheduled in the past runs now, never moving the clock back', () => {
    const q = createEventQueue<string>()
    q.schedule(10, 'a')
    q.pop()
    q.schedule(5, 'late')
    const e = q.pop()
    expect(e?.atMs).toBe(10)
    expect(q.now()).toBe(10)
  })
})
