import { describe, expect, it } from 'vitest'
import type { SupplyState } from '../../src/model/rack.js'
import type { AlarmKind } from '../../src/controller/events.js'
import type { CommError } from '../../src/telemetry/telemetry.js'
import {
  assessHealth,
  defaultDeglitchPolicy,
  initialSupplyHealth,
  streakCap,
  type DeglitchPolicy,
  type SupplyHealth,
} from '../../src/controller/assessHealth.js'
import { commErrorOf, sampleWithFlags } from '../../src/testing/eventArbitraries.js'
import { noStatusFlags } from '../../src/telemetry/telemetry.js'

/** One poll: the flags read, or a failed read named by its CommError tag. */
type Poll = readonly string[] | CommError['_tag']

interface Trace {
  readonly states: SupplyState[]
  readonly raised: AlarmKind[][]
  /** Per poll, the detail text of each raised alarm. */
  readonly details: string[][]
  readonly cleared: AlarmKind[][]
  readonly last: SupplyHealth
}

const run = (
  polls: readonly Poll[],
  policy: DeglitchPolicy = defaultDeglitchPolicy,
  start: SupplyState = 'ok',
): Trace => {
  let h = initialSupplyHealth('psu1', start)
  const states: SupplyState[] = []
  const raised: AlarmKind[][] = []
  const details: string[][] = []
  const cleared: AlarmKind[][] = []
  polls.forEach((p, i) => {
    const atMs = 1000 * (i + 1)
    const r =
      typeof p === 'string'
        ? assessHealth(h, { _tag: 'ReadFailed', atMs, error: commErrorOf(p as CommError['_tag']) }, policy)
        : assessHealth(h, { _tag: 'Sample', sample: sampleWithFlags('psu1', atMs, p as string[]) }, policy)
    h = r.health
    states.push(h.state)
    raised.push(r.raised.map((a) => a.kind))
    details.push(r.raised.map((a) => a.detail))
    cleared.push([...r.cleared])
  })
  return { states, raised, details, cleared, last: h }
}

const times = <const T>(n: number, x: T): T[] => Array.from({ length: n }, () => x)
const clean: string[] = []
const ot = ['temperature.otFault']
const pg = ['word.powerGoodNegated']
const off = ['word.off']
const warn = ['temperature.otWarning']
const inputLost = ['word.vinUv', 'input.vinUvFault', 'word.powerGoodNegated', 'word.off']
const sag = ['input.vinUvFault'] // latched: output held

describe('assessHealth: deglitch table', () => {
  const rows: { name: string; polls: Poll[]; states: SupplyState[] }[] = [
    {
      name: 'a fault counts after 3 consecutive polls',
      polls: times(4, ot),
      states: ['ok', 'ok', 'failed', 'failed'],
    },
    {
      name: 'a fault interrupted by a clean poll never counts',
      polls: [ot, ot, clean, ot, ot, clean],
      states: times(6, 'ok'),
    },
    {
      name: 'POWER_GOOD# counts after 5 polls',
      polls: times(6, pg),
      states: ['ok', 'ok', 'ok', 'ok', 'failed', 'failed'],
    },
    { name: 'OFF counts after 5 polls', polls: times(5, off), states: ['ok', 'ok', 'ok', 'ok', 'failed'] },
    {
      name: 'POWER_GOOD# glitch of 4 polls is ignored',
      polls: [...times(4, pg), clean],
      states: times(5, 'ok'),
    },
    {
      name: 'a warning bit held 3 polls is a warning',
      polls: times(3, warn),
      states: ['ok', 'ok', 'warning'],
    },
    {
      name: '3 NoAck in a row: comm fault, warning (not yet absent)',
      polls: ['NoAck', 'NoAck', 'NoAck'],
      states: ['ok', 'ok', 'warning'],
    },
    {
      name: '60 NoAck in a row: absent',
      polls: times(60, 'NoAck'),
      states: [...times(2, 'ok'), ...times(57, 'warning'), 'absent'],
    },
    {
      name: '59 NoAck then an answer: never absent',
      polls: [...times(59, 'NoAck'), clean],
      states: [...times(2, 'ok'), ...times(58, 'warning')],
    },
    {
      name: '3 PEC errors in a row: comm fault, warning',
      polls: ['PecMismatch', 'PecMismatch', 'PecMismatch'],
      states: ['ok', 'ok', 'warning'],
    },
    {
      name: '3 timeouts in a row: comm fault, warning',
      polls: ['Timeout', 'Timeout', 'Timeout'],
      states: ['ok', 'ok', 'warning'],
    },
    {
      name: 'NoAck mixed with a timeout is a comm fault, not absent',
      polls: ['NoAck', 'Timeout', 'NoAck'],
      states: ['ok', 'ok', 'warning'],
    },
    {
      name: 'two failed reads then a good one: nothing',
      polls: ['NoAck', 'NoAck', clean, 'NoAck', 'NoAck'],
      states: times(5, 'ok'),
    },
    {
      name: 'sustained input loss fails after 3 polls',
      polls: times(3, inputLost),
      states: ['ok', 'ok', 'failed'],
    },
    {
      name: 'a momentary (latched) input sag does not change the state',
      polls: [sag, clean, clean],
      states: times(3, 'ok'),
    },
    {
      name: 'recovery from failed takes 3 clean polls',
      polls: [...times(3, ot), clean, clean, clean],
      states: ['ok', 'ok', 'failed', 'failed', 'failed', 'ok'],
    },
    {
      name: 'recovery from warning takes 3 quiet polls',
      polls: [...times(3, warn), clean, clean, clean],
      states: ['ok', 'ok', 'warning', 'warning', 'warning', 'ok'],
    },
    {
      name: 'from failed, clean polls with a warning bit recover to warning only',
      polls: [...times(3, ot), ...times(4, warn)],
      states: ['ok', 'ok', 'failed', 'failed', 'failed', 'warning', 'warning'],
    },
    {
      name: 'an absent supply that answers with POWER_GOOD# stays out until clean',
      polls: [...times(60, 'NoAck'), pg, pg, clean, clean, clean],
      states: [
        ...times(2, 'ok'),
        ...times(57, 'warning'),
        'absent',
        'absent',
        'absent',
        'absent',
        'absent',
        'ok',
      ],
    },
    {
      name: 'an absent supply that keeps POWER_GOOD# becomes failed',
      polls: [...times(60, 'NoAck'), ...times(5, pg)],
      states: [
        ...times(2, 'ok'),
        ...times(57, 'warning'),
        'absent',
        'absent',
        'absent',
        'absent',
        'absent',
        'failed',
      ],
    },
    {
      name: 'failed reads never improve a failed supply',
      polls: [...times(3, ot), 'PecMismatch', 'PecMismatch', 'PecMismatch', 'PecMismatch'],
      states: ['ok', 'ok', 'failed', 'failed', 'failed', 'failed', 'failed'],
    },
    {
      name: 'a failed supply that stops answering is absent',
      polls: [...times(3, ot), ...times(60, 'NoAck')],
      states: ['ok', 'ok', ...times(60, 'failed'), 'absent'],
    },
  ]
  it.each(rows)('$name', ({ polls, states }) => {
    expect(run(polls).states).toEqual(states)
  })

  it('each count is policy data', () => {
    const strict: DeglitchPolicy = {
      faultPolls: 1,
      powerGoodPolls: 2,
      commFaultReads: 1,
      absentReads: 1,
      inputLossMemoryPolls: 1,
      recoverPolls: 1,
    }
    expect(run([ot, clean], strict).states).toEqual(['failed', 'ok'])
    expect(run([pg, pg], strict).states).toEqual(['ok', 'failed'])
    expect(run(['Timeout'], strict).states).toEqual(['warning'])
    expect(run(['NoAck'], strict).states).toEqual(['absent'])
  })
})

describe('assessHealth: one alarm per event', () => {
  it('a held fault raises supplyFailed once and clears it on recovery', () => {
    const t = run([...times(10, ot), ...times(3, clean)])
    expect(t.raised.flat()).toEqual(['supplyFailed'])
    expect(t.raised[2]).toEqual(['supplyFailed'])
    expect(t.cleared.flat()).toEqual(['supplyFailed'])
    expect(t.cleared[12]).toEqual(['supplyFailed'])
  })

  it('silence raises commFault first, then supplyAbsent once (commFault cleared: absent supersedes it)', () => {
    const t = run(times(80, 'NoAck'))
    expect(t.raised.flat()).toEqual(['commFault', 'supplyAbsent'])
    expect(t.raised[2]).toEqual(['commFault'])
    expect(t.raised[59]).toEqual(['supplyAbsent'])
    expect(t.cleared.flat()).toEqual(['commFault'])
  })

  it('a comm fault clears at the first good read; the warning state takes recoverPolls', () => {
    const t = run(['PecMismatch', 'PecMismatch', 'PecMismatch', 'PecMismatch', clean, clean, clean])
    expect(t.raised.flat()).toEqual(['commFault'])
    expect(t.cleared[4]).toEqual(['commFault'])
    expect(t.states).toEqual(['ok', 'ok', 'warning', 'warning', 'warning', 'warning', 'ok'])
  })

  it('a momentary input loss is one inputLoss alarm, remembered 6 polls after the last sighting', () => {
    const t = run([sag, clean, sag, ...times(6, clean)])
    expect(t.raised.flat()).toEqual(['inputLoss'])
    expect(t.raised[0]).toEqual(['inputLoss'])
    expect(t.cleared.flat()).toEqual(['inputLoss'])
    // last sighting at poll index 2; memory 6 -> expires on the 6th successful poll after it
    expect(t.cleared[8]).toEqual(['inputLoss'])
    expect(t.states.every((s) => s === 'ok')).toBe(true)
  })

  it('sustained input loss is blamed on the input: inputLoss, never supplyFailed', () => {
    const t = run([...times(8, inputLost)])
    expect(t.raised.flat()).not.toContain('supplyFailed')
    expect(t.last.state).toBe('failed')
    expect(t.last.cause).toBe('inputLoss')
  })

  it('input loss is raised as "output held", then once more as "output down" when the supply fails from it', () => {
    const t = run([...times(8, inputLost)])
    expect(t.raised.flat()).toEqual(['inputLoss', 'inputLoss'])
    expect(t.raised[0]).toEqual(['inputLoss'])
    expect(t.details[0]?.[0]).toContain('output held')
    expect(t.raised[2]).toEqual(['inputLoss']) // faultPolls (3): the poll where the state becomes failed
    expect(t.details[2]?.[0]).toMatch(/^sustained input loss, output down: /)
    expect(t.cleared.flat()).toEqual([])
  })

  it('POWER_GOOD# after the input fault bit stopped is still blamed on the input while remembered', () => {
    // Input flag once, then output down without any input bit: counts with faultPolls (3), as inputLoss.
    const t = run([inputLost, pg, pg])
    expect(t.states).toEqual(['ok', 'ok', 'failed'])
    expect(t.raised.flat()).toEqual(['inputLoss', 'inputLoss'])
    expect(t.details[2]?.[0]).toContain('output down')
  })

  it('POWER_GOOD# long after the input loss is forgotten is the supply failing', () => {
    const t = run([sag, ...times(6, clean), ...times(5, pg)])
    expect(t.last.state).toBe('failed')
    expect(t.last.cause).toBe('powerNotGood')
    expect(t.raised.flat()).toEqual(['inputLoss', 'supplyFailed'])
  })

  it('a warning raises supplyWarning once and upgrading to failed swaps the alarm', () => {
    const t = run([...times(5, warn), ...times(3, ot)])
    expect(t.raised.flat()).toEqual(['supplyWarning', 'supplyFailed'])
    expect(t.cleared.flat()).toEqual(['supplyWarning'])
  })

  it('a failed supply with broken comms keeps supplyFailed and adds commFault', () => {
    const t = run([...times(3, ot), 'Timeout', 'Timeout', 'Timeout'])
    expect(t.last.alarms).toEqual(['commFault', 'supplyFailed'])
  })
})

describe('assessHealth: CLEAR_FAULTS only after a complete snapshot', () => {
  const h = initialSupplyHealth('psu1')
  it('clears when bits are set and every summary bit has its detail register', () => {
    const r = assessHealth(h, { _tag: 'Sample', sample: sampleWithFlags('psu1', 1, ot) })
    expect(r.clearFaults).toBe(true)
    expect(r.needDetail).toBe(false)
  })
  it('asks for detail and does not clear when a summary bit lacks its register', () => {
    const r = assessHealth(h, {
      _tag: 'Sample',
      sample: {
        supply: 'psu1',
        atMs: 1,
        readings: {},
        status: { word: { ...noStatusFlags, temperature: true } },
      },
    })
    expect(r.clearFaults).toBe(false)
    expect(r.needDetail).toBe(true)
  })
  it('does nothing for a clear status', () => {
    const r = assessHealth(h, { _tag: 'Sample', sample: sampleWithFlags('psu1', 1, []) })
    expect(r.clearFaults).toBe(false)
    expect(r.needDetail).toBe(false)
  })
  it('never clears after a failed read', () => {
    const r = assessHealth(h, { _tag: 'ReadFailed', atMs: 1, error: commErrorOf('PecMismatch') })
    expect(r.clearFaults).toBe(false)
  })
})

describe('assessHealth: bounded record', () => {
  it('has the same shape and bounded counters after 20k polls', () => {
    const t = run(times(20_000, ot))
    expect(t.last.faultStreak).toBeLessThanOrEqual(1_000_000)
    expect(JSON.stringify(t.last).length).toBeLessThan(600)
  })
})

describe('assessHealth: alarm records name the supply, the time and the cause', () => {
  /** Every raised alarm of a run, whole. */
  const alarmsOf = (polls: readonly Poll[]) => {
    let h = initialSupplyHealth('psu7')
    return polls.flatMap((p, i) => {
      const atMs = 500 * (i + 1)
      const r =
        typeof p === 'string'
          ? assessHealth(h, { _tag: 'ReadFailed', atMs, error: commErrorOf(p as CommError['_tag']) })
          : assessHealth(h, { _tag: 'Sample', sample: sampleWithFlags('psu7', atMs, p as string[]) })
      h = r.health
      return r.raised
    })
  }

  it('supplyFailed lists the failure flags', () => {
    expect(alarmsOf(times(3, [...ot, 'fans12.fan1Fault']))).toEqual([
      {
        kind: 'supplyFailed',
        subject: 'psu7',
        atMs: 1500,
        detail: 'failed: temperature.otFault, fans12.fan1Fault',
      },
    ])
  })

  it('supplyWarning lists the warning flags', () => {
    expect(alarmsOf(times(3, warn))).toEqual([
      { kind: 'supplyWarning', subject: 'psu7', atMs: 1500, detail: 'warning: temperature.otWarning' },
    ])
  })

  it('commFault counts the failed reads and names the last error', () => {
    expect(alarmsOf(['Timeout', 'Timeout', 'PecMismatch'])).toEqual([
      { kind: 'commFault', subject: 'psu7', atMs: 1500, detail: '3 failed reads in a row (PecMismatch)' },
    ])
  })

  it('supplyAbsent says nothing answers', () => {
    const absent = alarmsOf(times(60, 'NoAck')).filter((a) => a.kind === 'supplyAbsent')
    expect(absent).toEqual([
      { kind: 'supplyAbsent', subject: 'psu7', atMs: 30_000, detail: 'no response at its address (NoAck)' },
    ])
  })

  it('a latched input loss says the output held', () => {
    expect(alarmsOf([sag])).toEqual([
      {
        kind: 'inputLoss',
        subject: 'psu7',
        atMs: 500,
        detail: 'input loss (latched or momentary), output held',
      },
    ])
  })
})

describe('assessHealth: records and policies', () => {
  it('a fresh record carries the believed state with a matching cause', () => {
    expect(initialSupplyHealth('p', 'ok')).toMatchObject({ state: 'ok', cause: 'none', causeDetail: [] })
    expect(initialSupplyHealth('p', 'warning')).toMatchObject({
      state: 'warning',
      cause: 'warningFlags',
      causeDetail: ['initial state'],
    })
    expect(initialSupplyHealth('p', 'failed')).toMatchObject({ state: 'failed', cause: 'faultFlags' })
    expect(initialSupplyHealth('p', 'absent')).toMatchObject({ state: 'absent', cause: 'noResponse' })
    expect(initialSupplyHealth('p')).toEqual({
      supply: 'p',
      state: 'ok',
      cause: 'none',
      causeDetail: [],
      faultStreak: 0,
      powerStreak: 0,
      inputStreak: 0,
      warningStreak: 0,
      noAckStreak: 0,
      failedReadStreak: 0,
      cleanStreak: 0,
      quietStreak: 0,
      inputLossMemory: 0,
      alarms: [],
    })
  })

  it('a supply believed failed or absent at start: its alarm comes with the first poll, recovery takes recoverPolls', () => {
    for (const [start, kind] of [
      ['failed', 'supplyFailed'],
      ['absent', 'supplyAbsent'],
    ] as const) {
      const t = run(times(3, clean), defaultDeglitchPolicy, start)
      expect(t.states).toEqual([start, start, 'ok'])
      expect(t.raised).toEqual([[kind], [], []])
      expect(t.cleared).toEqual([[], [], [kind]])
    }
    const first = assessHealth(initialSupplyHealth('psu1', 'failed'), {
      _tag: 'Sample',
      sample: sampleWithFlags('psu1', 1, clean),
    })
    expect(first.raised.map((a) => a.detail)).toEqual(['failed: initial state'])
  })

  it('a failed supply that goes silent becomes absent at once, and back to failed when it answers with faults', () => {
    const t = run([...times(3, ot), ...times(60, 'NoAck'), ot])
    expect(t.states[62]).toBe('absent')
    expect(t.states[63]).toBe('failed')
    expect(t.last.cause).toBe('faultFlags')
  })

  it('classifies with the table it is given', () => {
    // A product that treats fan 1 speed override (info by default) as a failure.
    const table = [{ flag: 'fans12.fan1SpeedOverride', severity: 'failed' as const }]
    let h = initialSupplyHealth('psu1')
    for (let i = 1; i <= 3; i++) {
      const sample = sampleWithFlags('psu1', i, ['fans12.fan1SpeedOverride'])
      h = assessHealth(h, { _tag: 'Sample', sample }, defaultDeglitchPolicy, table).health
    }
    expect(h.state).toBe('failed')
    expect(h.causeDetail).toEqual(['fans12.fan1SpeedOverride'])
    const byDefault = run(times(3, ['fans12.fan1SpeedOverride']))
    expect(byDefault.states).toEqual(['ok', 'ok', 'ok'])
  })

  it('streak counters saturate at streakCap', () => {
    let h: SupplyHealth = {
      ...initialSupplyHealth('psu1'),
      faultStreak: streakCap,
      cleanStreak: streakCap - 1,
    }
    h = assessHealth(h, { _tag: 'Sample', sample: sampleWithFlags('psu1', 1, ot) }).health
    expect(h.faultStreak).toBe(streakCap)
    h = { ...h, cleanStreak: streakCap - 1 }
    h = assessHealth(h, { _tag: 'Sample', sample: sampleWithFlags('psu1', 2, clean) }).health
    expect(h.cleanStreak).toBe(streakCap)
    expect(h.faultStreak).toBe(0)
  })
})

describe('assessHealth: failed reads keep the cause truthful', () => {
  it('a comm-fault warning names the latest error; a failed supply keeps its fault flags as cause', () => {
    const comm = run(['PecMismatch', 'PecMismatch', 'PecMismatch', 'Timeout'])
    expect(comm.last).toMatchObject({ state: 'warning', cause: 'commFault', causeDetail: ['Timeout'] })
    const failed = run([...times(3, ot), 'Timeout', 'Timeout', 'Timeout', 'BusError'])
    expect(failed.last).toMatchObject({
      state: 'failed',
      cause: 'faultFlags',
      causeDetail: ['temperature.otFault'],
      failedReadStreak: 4,
    })
  })

  it('a warning supply (flags) that stops answering stays a flag warning, with the commFault alarm added', () => {
    const t = run([...times(3, warn), 'NoAck', 'NoAck', 'NoAck'])
    expect(t.last).toMatchObject({ state: 'warning', cause: 'warningFlags', noAckStreak: 3 })
    expect(t.last.alarms).toEqual(['commFault', 'supplyWarning'])
  })

  it('only consecutive NoAcks count toward absent: another error restarts the NoAck count', () => {
    const t = run([...times(59, 'NoAck'), 'Timeout', 'NoAck'])
    expect(t.last.noAckStreak).toBe(1)
    expect(t.last.state).toBe('warning')
    expect(t.last.failedReadStreak).toBe(61)
  })
})

describe('assessHealth: causes and counts (mutation-testing gaps)', () => {
  it('absent has cause noResponse naming the error; a comm fault has cause commFault', () => {
    expect(run(times(60, 'NoAck')).last).toMatchObject({
      state: 'absent',
      cause: 'noResponse',
      causeDetail: ['NoAck'],
    })
    expect(run(times(3, 'PecMismatch')).last).toMatchObject({
      state: 'warning',
      cause: 'commFault',
      causeDetail: ['PecMismatch'],
    })
  })

  it('a failed read never asks for detail or a clear', () => {
    const r = assessHealth(initialSupplyHealth('psu1'), {
      _tag: 'ReadFailed',
      atMs: 1,
      error: commErrorOf('Timeout'),
    })
    expect([r.clearFaults, r.needDetail]).toEqual([false, false])
  })

  it('sustained input loss names the input and output flags as its cause', () => {
    expect(run(times(3, inputLost)).last.causeDetail).toEqual([
      'word.vinUv',
      'input.vinUvFault',
      'word.off',
      'word.powerGoodNegated',
    ])
  })

  it('unit off for low input is output down even without POWER_GOOD# or OFF', () => {
    const t = run(times(3, ['input.vinUvFault', 'input.unitOffLowInput']))
    expect(t.last).toMatchObject({ state: 'failed', cause: 'inputLoss' })
  })

  it('failure flags count toward the warning count too', () => {
    // Two polls with a failure flag, then one with a warning flag: three in a row, so a warning.
    const t = run([ot, ot, warn])
    expect(t.states).toEqual(['ok', 'ok', 'warning'])
    expect(t.last.causeDetail).toEqual(['temperature.otWarning'])
  })

  it('back to ok after recovery: cause none, no detail', () => {
    const t = run([...times(3, ot), ...times(3, clean)])
    expect(t.last).toMatchObject({ state: 'ok', cause: 'none', causeDetail: [] })
  })

  it('a supply failed by its own flags that then loses its input: input loss raised again as output down', () => {
    const t = run([...times(3, ot), ...times(3, inputLost)])
    expect(t.states).toEqual(['ok', 'ok', 'failed', 'failed', 'failed', 'failed'])
    expect(t.last.cause).toBe('inputLoss')
    expect(t.raised).toEqual([[], [], ['supplyFailed'], ['inputLoss'], [], ['inputLoss']])
    expect(t.details[5]?.[0]).toMatch(/^sustained input loss, output down: /)
  })
})
