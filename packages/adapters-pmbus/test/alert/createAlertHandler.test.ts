import { describe, expect, test, vi } from 'vitest'
import * as E from 'fp-ts/lib/Either.js'
import type { ControllerEvent } from '@busbar/core'
import { createAlertHandler, createSupplyBus } from '../../src/index.js'
import { createVirtualAlertLine, createVirtualBus, type VirtualI2cDevice } from '../../src/mock/index.js'
import { createRig } from '../fixtures.js'

const alerts = (events: readonly ControllerEvent[]) =>
  events.map((e) =>
    e._tag === 'Alert'
      ? `Alert ${e.supply ?? '-'}`
      : e._tag === 'ReadFailed'
        ? `ReadFailed ${e.supply}`
        : e._tag,
  )

describe('SMBALERT# handler', () => {
  test('ARA on each channel: every asserting supply is named once, lowest address first; the line releases', async () => {
    const rig = createRig([
      { id: 'a', address: 0x5a, channel: 0 },
      { id: 'b', address: 0x59, channel: 0 },
      { id: 'c', address: 0x58, channel: 3 },
      { id: 'd', address: 0x5b },
    ])
    rig.supply('a').setCondition('vinUvWarning', true)
    rig.supply('b').setCondition('fan1Warning', true)
    rig.supply('c').setCondition('inputLoss', true)
    expect(rig.wire.asserted()).toBe(true)
    rig.setNow(42)
    const handler = createAlertHandler({ bus: rig.bus, line: rig.wire.line, nowMs: rig.nowMs })
    const events = await handler.handle()
    expect(events).toEqual([
      { _tag: 'Alert', atMs: 42, supply: 'b' },
      { _tag: 'Alert', atMs: 42, supply: 'a' },
      { _tag: 'Alert', atMs: 42, supply: 'c' },
    ])
    expect(rig.wire.asserted()).toBe(false)
    // Root (NoAck), ch0 b, ch0 a, ch0 (NoAck), ch3 c: the line released right after c answered.
    expect(handler.lastAraReads()).toBe(5)
  })

  test("a channel left selected by polling does not answer the root ARA in a root supply's name", async () => {
    const rig = createRig([
      { id: 'c', address: 0x58, channel: 3 },
      { id: 'd', address: 0x5b },
    ])
    const { createPollRunner } = await import('../../src/index.js')
    const runner = createPollRunner({ bus: rig.bus, nowMs: rig.nowMs })
    expect((await runner.execute({ _tag: 'ReadSupply', supply: 'c', mode: 'status' }))[0]?._tag).toBe(
      'Telemetry',
    )
    expect(rig.mux.control()).toBe(0x08)
    rig.supply('c').setCondition('vinUvWarning', true)
    const handler = createAlertHandler({ bus: rig.bus, line: rig.wire.line, nowMs: rig.nowMs })
    expect(alerts(await handler.handle())).toEqual(['Alert c'])
    // The poll runner still works afterwards: the mux is selected again.
    expect((await runner.execute({ _tag: 'ReadSupply', supply: 'c', mode: 'status' }))[0]?._tag).toBe(
      'Telemetry',
    )
    // poll selects ch3; the handler closes the mux for the root ARA, selects ch3 for its ARA (c answers, the
    // line releases, the handler stops); the poll finds ch3 still selected.
    expect(rig.mux.writes).toEqual([0x08, 0x00, 0x08])
  })

  test('a supply that asserts but never answers the ARA is found by the STATUS_WORD sweep', async () => {
    const rig = createRig([
      { id: 'quiet', address: 0x58, channel: 1, options: { answersAra: false } },
      { id: 'ok', address: 0x59, channel: 1 },
      { id: 'dead', address: 0x5a },
    ])
    rig.supply('quiet').setCondition('overTemperatureWarning', true)
    rig.supply('dead').setResponding(false)
    const handler = createAlertHandler({ bus: rig.bus, line: rig.wire.line, nowMs: rig.nowMs })
    expect(alerts(await handler.handle())).toEqual(['ReadFailed dead', 'Alert quiet'])
    expect(rig.wire.asserted()).toBe(true)
  })

  test('ARA loop bound: a device that answers and never releases stops the loop at maxAraReads', async () => {
    const root = createVirtualBus('root')
    const stuck: VirtualI2cDevice = {
      write: () => E.right(undefined),
      read: () => E.left({ _tag: 'NoAck', address: 0x58 }),
      writeRead: (_b, length) => E.right(new Uint8Array(length)),
      alertResponse: () => 0x58 << 1,
    }
    root.attach(0x58, stuck)
    const bus = createSupplyBus(root.transport, { s: { address: 0x58 } })
    if (E.isLeft(bus)) throw new Error('bus')
    const line = { isAsserted: async () => E.right(true), onAssert: () => () => undefined }
    const handler = createAlertHandler({ bus: bus.right, line, nowMs: () => 0, maxAraReads: 6 })
    // The sweep reads STATUS_WORD 0x0000 from the stuck device: already named, nothing more.
    expect(alerts(await handler.handle())).toEqual(['Alert s'])
    expect(handler.lastAraReads()).toBe(6)
    expect(() => createAlertHandler({ bus: bus.right, line, nowMs: () => 0, maxAraReads: 0 })).toThrow(
      /maxAraReads must be an integer >= 1, got 0/,
    )
  })

  test('nobody answers and the line is already released: one Alert without a supply', async () => {
    const rig = createRig([{ id: 'a', address: 0x58, channel: 0 }])
    const handler = createAlertHandler({ bus: rig.bus, line: rig.wire.line, nowMs: rig.nowMs })
    expect(await handler.handle()).toEqual([{ _tag: 'Alert', atMs: 0 }])
  })

  test('sweep finds nothing non-zero: one Alert without a supply; an unreadable line counts as asserted', async () => {
    const rig = createRig([{ id: 'a', address: 0x58 }])
    rig.wire.failReads({ _tag: 'BusError', detail: 'gpio read failed' })
    const handler = createAlertHandler({ bus: rig.bus, line: rig.wire.line, nowMs: rig.nowMs })
    expect(await handler.handle()).toEqual([{ _tag: 'Alert', atMs: 0 }])
  })

  test('ARA loop bound with a virtual supply that does not release SMBALERT# after answering', async () => {
    const rig = createRig([
      { id: 'stuck', address: 0x58, channel: 0, options: { alertReleasesOnAra: false } },
      { id: 'late', address: 0x59, channel: 0 },
    ])
    rig.supply('stuck').setCondition('vinUvWarning', true)
    rig.supply('late').setCondition('vinUvWarning', true)
    const handler = createAlertHandler({
      bus: rig.bus,
      line: rig.wire.line,
      nowMs: rig.nowMs,
      maxAraReads: 5,
    })
    // 'stuck' (lower address) wins every arbitration, so the ARA never reaches 'late'; after the bound the
    // STATUS_WORD sweep finds it.
    expect(alerts(await handler.handle())).toEqual(['Alert stuck', 'Alert late'])
    expect(handler.lastAraReads()).toBe(5)
    expect(rig.supply('late').alertAsserted()).toBe(true)
  })

  test('an address with no supply behind it gives an anonymous Alert besides the named ones', async () => {
    const rig = createRig([{ id: 'a', address: 0x58 }])
    const stranger = { ...rig.supply('a'), alertResponse: () => 0x30 << 1 } as VirtualI2cDevice
    let answered = false
    rig.root.attach(0x30, {
      ...stranger,
      alertResponse: () => (answered ? undefined : 0x30 << 1),
      alertResponded: () => void (answered = true),
    })
    rig.supply('a').setCondition('vinUvWarning', true)
    const handler = createAlertHandler({ bus: rig.bus, line: rig.wire.line, nowMs: rig.nowMs })
    expect(alerts(await handler.handle())).toEqual(['Alert a', 'Alert -'])
  })

  test('ARA with PEC is checked', async () => {
    const rig = createRig([{ id: 'a', address: 0x58 }])
    rig.supply('a').setCondition('vinUvWarning', true)
    const handler = createAlertHandler({ bus: rig.bus, line: rig.wire.line, nowMs: rig.nowMs, araPec: true })
    expect(alerts(await handler.handle())).toEqual(['Alert a'])
  })

  test('start(): each assertion of the virtual line runs a handling and emits its events', async () => {
    const rig = createRig([
      { id: 'a', address: 0x58, channel: 2 },
      { id: 'b', address: 0x59, channel: 5 },
    ])
    const handler = createAlertHandler({ bus: rig.bus, line: rig.wire.line, nowMs: rig.nowMs })
    const emitted: ControllerEvent[][] = []
    const stop = handler.start((events) => emitted.push([...events]))
    rig.setNow(10)
    rig.supply('b').setCondition('ioutOcWarning', true)
    await vi.waitFor(() => expect(emitted).toHaveLength(1))
    expect(emitted[0]).toEqual([{ _tag: 'Alert', atMs: 10, supply: 'b' }])
    rig.setNow(20)
    rig.supply('a').setCondition('voutUvWarning', true)
    await vi.waitFor(() => expect(emitted).toHaveLength(2))
    expect(emitted[1]).toEqual([{ _tag: 'Alert', atMs: 20, supply: 'a' }])
    stop()
    rig.supply('a').setCondition('fan1Fault', true)
    await new Promise((r) => setTimeout(r, 10))
    expect(emitted).toHaveLength(2)
  })
})

describe('virtual alert line', () => {
  test('wired-OR with edge events', () => {
    const line = createVirtualAlertLine(() => 3)
    const edges: number[] = []
    line.line.onAssert((t) => edges.push(t))
    let a = false
    const listeners = new Set<(x: boolean) => void>()
    const src = {
      alertAsserted: () => a,
      onAlertChange: (l: (x: boolean) => void) => (listeners.add(l), () => listeners.delete(l)),
    }
    const disconnect = line.connect(src)
    a = true
    listeners.forEach((l) => l(true))
    expect(edges).toEqual([3])
    disconnect()
    expect(line.asserted()).toBe(false)
  })
})
