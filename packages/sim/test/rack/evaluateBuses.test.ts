import { describe, expect, test } from 'vitest'
import { evaluateBuses } from '../../src/rack/evaluateBuses.js'

const buses = [{ id: 'A' }, { id: 'B' }]

describe('evaluateBuses', () => {
  test('a bus whose capacity covers its load is live; N+1 needs the load covered without its largest supply', () => {
    const out = evaluateBuses(
      buses,
      [
        { id: 'p1', deliverW: 3000, closedTo: ['A'] },
        { id: 'p2', deliverW: 2000, closedTo: ['A'] },
        { id: 'p3', deliverW: 2000, closedTo: ['B'] },
      ],
      [
        { id: 's1', buses: ['A'], demandW: 1500 },
        { id: 's2', buses: ['B'], demandW: 1500 },
      ],
      1,
    )
    expect(out.buses.map((b) => [b.id, b.live, b.capacityW, b.loadW, b.nPlusK])).toEqual([
      ['A', true, 5000, 1500, true],
      ['B', true, 2000, 1500, false],
    ])
  })

  test('dual-corded servers split evenly; when one bus collapses they move and may collapse the other', () => {
    const supplies = [
      { id: 'p1', deliverW: 1000, closedTo: ['A'] },
      { id: 'p2', deliverW: 1500, closedTo: ['B'] },
    ]
    // 2 x 1200 W dual-corded: 1200 per bus. A (1000) collapses, B then carries 2400 > 1500 and collapses too.
    const both = evaluateBuses(
      buses,
      supplies,
      [
        { id: 'd1', buses: ['A', 'B'], demandW: 1200 },
        { id: 'd2', buses: ['A', 'B'], demandW: 1200 },
      ],
      1,
    )
    expect(both.buses.map((b) => b.live)).toEqual([false, false])
    expect(both.powered.size).toBe(0)
    // One 1200 W dual-corded + one 300 W on A: A carries 900 < 1000, B 600: both live.
    const ok = evaluateBuses(
      buses,
      supplies,
      [
        { id: 'd1', buses: ['A', 'B'], demandW: 1200 },
        { id: 'a1', buses: ['A'], demandW: 300 },
      ],
      1,
    )
    expect(ok.buses.map((b) => [b.live, b.loadW])).toEqual([
      [true, 900],
      [true, 600],
    ])
  })

  test('a bus over its rating collapses; a supply closed to two buses is reported as a bridge', () => {
    const out = evaluateBuses(
      [{ id: 'A', maxW: 1000 }, { id: 'B' }],
      [{ id: 'p1', deliverW: 5000, closedTo: ['A', 'B'] }],
      [{ id: 's', buses: ['A'], demandW: 1100 }],
      1,
    )
    expect(out.buses[0]?.live).toBe(false)
    expect(out.bridged).toEqual(['p1'])
  })
})
