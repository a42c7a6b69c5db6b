import { describe, expect, test } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import type { ControllerEvent } from '@busbar/core'
import { createPollRunner, createSupplyBus, PmbusCommand as C } from '../../src/index.js'
import { createVirtualBus, createVirtualPca9548, createVirtualSupply } from '../../src/mock/index.js'
import { createRig } from '../fixtures.js'

const rig3 = () =>
  createRig([
    { id: 'psu-a', address: 0x58, channel: 0, options: { readings: { vinV: 230 } } },
    { id: 'psu-b', address: 0x58, channel: 1, options: { readings: { vinV: 231 } } },
    { id: 'psu-c', address: 0x59, options: { readings: { vinV: 232 }, pec: false } },
  ])

const telemetry = (events: readonly ControllerEvent[]) => {
  const e = events[0]
  if (events.length !== 1 || e?._tag !== 'Telemetry')
    throw new Error(`expected one Telemetry event, got ${JSON.stringify(events)}`)
  return e.sample
}

describe('poll runner against virtual supplies behind a virtual PCA9548', () => {
  test('ReadSupply reaches each supply, same address on two channels, PEC or not', async () => {
    const rig = rig3()
    const runner = createPollRunner({ bus: rig.bus, nowMs: rig.nowMs })
    rig.setNow(100)
    for (const [id, vin] of [
      ['psu-a', 230],
      ['psu-b', 231],
      ['psu-c', 232],
    ] as const) {
      const sample = telemetry(await runner.execute({ _tag: 'ReadSupply', supply: id, mode: 'full' }))
      expect(sample).toMatchObject({ supply: id, atMs: 100, readings: { vinV: vin } })
    }
    expect(rig.bus.identity('psu-c')?.pecSupported).toBe(false)
    expect(rig.bus.identity('psu-a')?.capacityW).toBe(2000)
  })

  test('status mode and input loss', async () => {
    const rig = rig3()
    const runner = createPollRunner({ bus: rig.bus, nowMs: rig.nowMs })
    rig.supply('psu-b').setCondition('inputLoss', true)
    const sample = telemetry(await runner.execute({ _tag: 'ReadSupply', supply: 'psu-b', mode: 'status' }))
    expect(sample.readings).toEqual({})
    expect(sample.status.word).toMatchObject({ input: true, off: true, powerGoodNegated: true, vinUv: true })
    expect(sample.status.input).toMatchObject({ vinUvFault: true })
  })

  test('a NACKing supply gives ReadFailed, forgets its identity, and recovers', async () => {
    const rig = rig3()
    const runner = createPollRunner({ bus: rig.bus, nowMs: rig.nowMs })
    telemetry(await runner.execute({ _tag: 'ReadSupply', supply: 'psu-a', mode: 'full' }))
    rig.supply('psu-a').setResponding(false)
    rig.setNow(7)
    const events = await runner.execute({ _tag: 'ReadSupply', supply: 'psu-a', mode: 'full' })
    expect(events).toEqual([
      {
        _tag: 'ReadFailed',
        supply: 'psu-a',
        atMs: 7,
        error: { _tag: 'NoAck', address: 0x58, command: C.STATUS_WORD, detail: 'injected NACK' },
      },
    ])
    expect(rig.bus.identity('psu-a')).toBeUndefined()
    // While dead, identification is what fails (CAPABILITY NACKs are taken for a PMBus 1.0 part; VOUT_MODE NACKs too).
    expect(await runner.execute({ _tag: 'ReadSupply', supply: 'psu-a', mode: 'full' })).toMatchObject([
      { _tag: 'ReadFailed', error: { _tag: 'NoAck', command: C.VOUT_MODE } },
    ])
    rig.supply('psu-a').setResponding(true)
    telemetry(await runner.execute({ _tag: 'ReadSupply', supply: 'psu-a', mode: 'full' }))
  })

  test('the mux re-selects its channel after an error behind it, and only then', async () => {
    const rig = rig3()
    const runner = createPollRunner({ bus: rig.bus, nowMs: rig.nowMs })
    await runner.execute({ _tag: 'ReadSupply', supply: 'psu-a', mode: 'status' })
    await runner.execute({ _tag: 'ReadSupply', supply: 'psu-a', mode: 'status' })
    expect(rig.mux.writes).toEqual([0x01])
    rig.supply('psu-a').injectFault({ _tag: 'Nack', count: 1 })
    expect((await runner.execute({ _tag: 'ReadSupply', supply: 'psu-a', mode: 'status' }))[0]?._tag).toBe(
      'ReadFailed',
    )
    // The mux was reset behind our back (e.g. a power glitch): the cache was dropped, so we select again.
    rig.mux.reset()
    telemetry(await runner.execute({ _tag: 'ReadSupply', supply: 'psu-a', mode: 'status' }))
    expect(rig.mux.writes).toEqual([0x01, 0x01])
  })

  test('a mux that does not answer gives ReadFailed with MuxError', async () => {
    const rig = rig3()
    const runner = createPollRunner({ bus: rig.bus, nowMs: rig.nowMs })
    rig.mux.injectNack(1)
    expect(await runner.execute({ _tag: 'ReadSupply', supply: 'psu-b', mode: 'status' })).toMatchObject([
      { _tag: 'ReadFailed', supply: 'psu-b', error: { _tag: 'MuxError', mux: 0x70, channel: 1 } },
    ])
    telemetry(await runner.execute({ _tag: 'ReadSupply', supply: 'psu-b', mode: 'status' }))
  })

  test('ClearFaults reports the snapshot as Telemetry and clears the latched bits', async () => {
    const rig = rig3()
    const runner = createPollRunner({ bus: rig.bus, nowMs: rig.nowMs })
    const s = rig.supply('psu-c')
    s.setCondition('overTemperatureWarning', true)
    s.setCondition('overTemperatureWarning', false)
    rig.setNow(55)
    const events = await runner.execute({ _tag: 'ClearFaults', supply: 'psu-c' })
    expect(events).toMatchObject([{ _tag: 'Telemetry', afterClearFaults: true }])
    const sample = telemetry(events)
    expect(sample).toMatchObject({
      supply: 'psu-c',
      atMs: 55,
      readings: {},
      status: { temperature: { otWarning: true } },
    })
    // An ordinary read is not marked.
    expect(
      (await runner.execute({ _tag: 'ReadSupply', supply: 'psu-c', mode: 'status' }))[0],
    ).not.toHaveProperty('afterClearFaults')
    expect(s.statusWord()).toBe(0)
  })

  test("clearFaultsReport 'none': a successful clear reports nothing, a failed clear still reports", async () => {
    const rig = rig3()
    const runner = createPollRunner({ bus: rig.bus, nowMs: rig.nowMs, clearFaultsReport: 'none' })
    rig.supply('psu-c').setCondition('fan1Warning', true)
    expect(await runner.execute({ _tag: 'ClearFaults', supply: 'psu-c' })).toEqual([])
    // identified now; snapshot = STATUS_WORD + 8 detail registers, then CLEAR_FAULTS is NACKed.
    rig.supply('psu-c').injectFault({ _tag: 'Nack', after: 9, count: 1 })
    expect(await runner.execute({ _tag: 'ClearFaults', supply: 'psu-c' })).toMatchObject([
      { _tag: 'ReadFailed', supply: 'psu-c', error: { _tag: 'NoAck', command: C.CLEAR_FAULTS } },
    ])
  })

  test('pollRound reads every supply in ascending id order; a mid-sweep NACK fails only that supply', async () => {
    const rig = rig3()
    const runner = createPollRunner({ bus: rig.bus, nowMs: rig.nowMs })
    await runner.pollRound('status')
    // identified; now psu-b NACKs after STATUS_WORD and two READ_*s.
    rig.supply('psu-b').injectFault({ _tag: 'Nack', after: 3, count: 1 })
    const events = await runner.pollRound('full')
    expect(
      events.map((e) => [e._tag, 'supply' in e ? e.supply : e._tag === 'Telemetry' ? e.sample.supply : '']),
    ).toEqual([
      ['Telemetry', 'psu-a'],
      ['ReadFailed', 'psu-b'],
      ['Telemetry', 'psu-c'],
    ])
    expect(events[1]).toMatchObject({ error: { _tag: 'NoAck', command: C.READ_VOUT } })
  })

  test('unknown supply is ReadFailed naming it; commands that are not ours give no events', async () => {
    const rig = rig3()
    const runner = createPollRunner({ bus: rig.bus, nowMs: rig.nowMs })
    expect(await runner.execute({ _tag: 'ReadSupply', supply: 'nope', mode: 'status' })).toEqual([
      {
        _tag: 'ReadFailed',
        supply: 'nope',
        atMs: 0,
        error: { _tag: 'BusError', detail: 'supply "nope" has no PMBus binding' },
      },
    ])
    expect(await runner.execute({ _tag: 'ClearAlarm', kind: 'commFault', subject: 'x', atMs: 0 })).toEqual([])
  })
})

describe('two muxes on one segment', () => {
  test('the same address behind both muxes: each read closes the other mux first (no collision)', async () => {
    const root = createVirtualBus('root')
    const m0 = createVirtualPca9548(0x70)
    const m1 = createVirtualPca9548(0x74)
    root.attach(0x70, m0)
    root.attach(0x74, m1)
    m0.channel(0).attach(
      0x58,
      createVirtualSupply({ address: 0x58, capacityW: 1000, readings: { vinV: 200 } }),
    )
    m1.channel(0).attach(
      0x58,
      createVirtualSupply({ address: 0x58, capacityW: 3000, readings: { vinV: 210 } }),
    )
    const bus = createSupplyBus(root.transport, {
      x: { address: 0x58, mux: { address: 0x70, channel: 0 } },
      y: { address: 0x58, mux: { address: 0x74, channel: 0 } },
    })
    if (E.isLeft(bus)) throw new Error(bus.left.join())
    const runner = createPollRunner({ bus: bus.right, nowMs: () => 0 })
    for (let round = 0; round < 2; round++) {
      const events = await runner.pollRound('full')
      expect(events.map((e) => (e._tag === 'Telemetry' ? e.sample.readings.vinV : e))).toEqual([200, 210])
    }
    expect(bus.right.identity('y')?.capacityW).toBe(3000)
  })
})

describe('createSupplyBus validation', () => {
  test('every bad binding is named', () => {
    const t = createVirtualBus().transport
    const result = createSupplyBus(t, {
      a: { address: 0x80 },
      b: { address: 0x58, mux: { address: 0x70, channel: 9 } },
    })
    expect(result).toEqual(
      E.left([
        'supplies["a"].address must be a 7-bit address, got 128',
        'supplies["b"].mux.channel must be 0..7, got 9',
      ]),
    )
    expect(createSupplyBus(t, { a: { address: 0x58 }, b: { address: 0x58 } })).toEqual(
      E.left(['supplies["b"].address 0x58 is also used by "a" on root']),
    )
    expect(
      createSupplyBus(t, { a: { address: 0x58 }, b: { address: 0x58, mux: { address: 0x70, channel: 2 } } }),
    ).toEqual(
      E.left([
        'supplies["b"].address 0x58 on mux 0x70 channel 2 collides with "a" on root, which every channel reaches',
      ]),
    )
    expect(
      createSupplyBus(t, { a: { address: 0x70 }, b: { address: 0x58, mux: { address: 0x70, channel: 0 } } }),
    ).toEqual(E.left(['supplies["a"].address 0x70 is a mux address']))
  })
})
