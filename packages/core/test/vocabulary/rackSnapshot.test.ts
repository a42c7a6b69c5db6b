import { fc, test } from '@fast-check/vitest'
import * as E from 'fp-ts/lib/Either.js'
import { describe, expect } from 'vitest'
import { allocate } from '../../src/allocate/allocate.js'
import type { ControllerCommand, ControllerEvent } from '../../src/controller/events.js'
import {
  allocationInput,
  initialControllerState,
  step,
  type ControllerState,
} from '../../src/controller/step.js'
import type { Plan } from '../../src/model/plan.js'
import { telemetryEvent } from '../../src/testing/eventArbitraries.js'
import { smallRackArb } from '../../src/testing/rackArbitraries.js'
import { rackSnapshot } from '../../src/vocabulary/rackSnapshot.js'
import { snapshotFromController } from '../../src/vocabulary/snapshotFromController.js'
import { toPrometheus } from '../../src/vocabulary/toPrometheus.js'
import { toRedfish } from '../../src/vocabulary/toRedfish.js'
import { awkwardId, parseExposition, tinyInput, tinyPlan, tinySnapshot } from './vocabularyFixtures.js'

describe('rackSnapshot', () => {
  test('the tiny rack: sorted by id, connected per plan.closed, derated, at risk per the spec', () => {
    expect(tinySnapshot.supplies).toEqual([
      {
        id: awkwardId,
        capacityW: 3000,
        usableW: 2700,
        state: 'ok',
        bus: 'A',
        failureRisk: 0.75,
        atRisk: true,
        inputLoss: false,
        readings: { vinV: 230.5, poutW: 1200, temperatureC: 44 },
      },
      {
        id: 'psu2',
        capacityW: 2000,
        usableW: 1800,
        state: 'failed',
        bus: undefined,
        failureRisk: undefined,
        atRisk: false,
        inputLoss: true,
        readings: {},
      },
    ])
    expect(tinySnapshot.buses).toEqual(tinyPlan.buses)
    expect(tinySnapshot.shed).toEqual(['batch\n7'])
    expect(tinySnapshot.supplyRedundancy).toBe(tinyInput.policy.supplyRedundancy)
  })

  test('a supply named like an Object.prototype member gets empty readings, not the prototype', () => {
    const input = {
      ...tinyInput,
      supplies: [{ id: 'constructor', capacityW: 1000, state: 'ok' as const }],
      switches: [],
    }
    const snapshot = rackSnapshot('r', input, { ...tinyPlan, closed: [] }, { readings: {} })
    expect(snapshot.supplies[0]?.readings).toEqual({})
  })

  test.prop([smallRackArb()], { numRuns: 100 })(
    'from allocate: every supply once, on the bus the plan closes it onto; buses are the plan report',
    (input) => {
      const plan = allocate(input)
      const snapshot = rackSnapshot('rack', input, plan)
      expect(snapshot.supplies.map((s) => s.id)).toEqual(
        input.supplies.map((s) => s.id).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      )
      for (const supply of snapshot.supplies) {
        const closed = plan.closed.filter((c) => c.supply === supply.id).map((c) => c.bus)
        expect(supply.bus === undefined ? [] : [supply.bus]).toEqual(closed)
        const original = input.supplies.find((s) => s.id === supply.id)!
        expect(supply.atRisk).toBe(
          original.state === 'warning' || (original.failureRisk ?? 0) >= input.policy.preemptRisk,
        )
      }
      expect(new Set(snapshot.buses.map((b) => b.id))).toEqual(new Set(plan.buses.map((b) => b.id)))
      // And the export names each supply once.
      const info = parseExposition(toPrometheus(snapshot)).samples.filter(
        (s) => s.name === 'busbar_supply_info',
      )
      expect(info.map((s) => s.labels['supply']).sort()).toEqual(snapshot.supplies.map((s) => s.id).sort())
    },
  )
})

describe('snapshotFromController', () => {
  const rack = {
    supplies: [
      { id: 'psu1', capacityW: 2000, state: 'ok' },
      { id: 'psu2', capacityW: 2000, state: 'failed' },
      { id: 'psu3', capacityW: 3000, state: 'ok' },
    ],
    buses: [{ id: 'A', priority: 1 }],
    loads: [{ id: 'srv', powerW: 1000, priority: 1, buses: ['A'] }],
    switches: [
      { supply: 'psu1', bus: 'A', kind: 'fet', closed: true },
      { supply: 'psu2', bus: 'A', kind: 'fet', closed: true },
      { supply: 'psu3', bus: 'A', kind: 'relay', closed: false },
    ],
    policy: { supplyRedundancy: 1, busRedundancy: false, derate: 1, preemptRisk: 0.5 },
  }

  test('takes the believed supply states, the plan target and the caller readings; no plans issued yet', () => {
    const state = initialControllerState({ rack })
    if (E.isLeft(state)) throw new Error(JSON.stringify(state.left))
    const plan = allocate(allocationInput(state.right))
    const snapshot = snapshotFromController(state.right, {
      rack: 'shelf-1',
      plan,
      readings: { psu1: { poutW: 640 } },
    })
    expect(snapshot.rack).toBe('shelf-1')
    expect(snapshot.supplies.map((s) => [s.id, s.state, s.bus ?? null])).toEqual([
      ['psu1', 'ok', 'A'],
      ['psu2', 'failed', null],
      ['psu3', 'ok', 'A'],
    ])
    expect(snapshot.supplies[0]?.readings).toEqual({ poutW: 640 })
    // Risk comes from the predictor's state (nothing predicted yet), not from the allocation input.
    expect(snapshot.supplies.map((s) => [s.failureRisk, s.atRisk])).toEqual(
      snapshot.supplies.map((s) => [state.right.risk[s.id]?.failureRisk, false]),
    )
    expect(snapshot.plansIssued).toBe(0)
    expect(snapshot.alarms).toEqual([])
    expect(snapshot.buses).toEqual(plan.buses)
  })

  test.prop([fc.constantFrom('shelf-1', 'r"2')], { numRuns: 2 })(
    'the rack id becomes the Prometheus rack label',
    (id) => {
      const state = initialControllerState({ rack })
      if (E.isLeft(state)) throw new Error(JSON.stringify(state.left))
      const snapshot = snapshotFromController(state.right, {
        rack: id,
        plan: allocate(allocationInput(state.right)),
      })
      const samples = parseExposition(toPrometheus(snapshot)).samples
      expect(samples.every((s) => s.labels['rack'] === id)).toBe(true)
    },
  )

  test('after a supply fails: the controller plan, the failed supply open and Critical, one plan counted', () => {
    const init = initialControllerState({ rack })
    if (E.isLeft(init)) throw new Error(JSON.stringify(init.left))
    // psu2 is configured failed; here psu1 fails too, by its status, while psu3 is the spare.
    let state: ControllerState = init.right
    let applied: Plan | undefined
    const feed = (event: ControllerEvent, atMs: number): void => {
      const result = step(state, event)
      state = result.state
      for (const command of result.commands as ControllerCommand[]) {
        if (command._tag !== 'ApplyPlan') continue
        applied = command.plan
        const actual = rack.switches.map((sw) => ({
          supply: sw.supply,
          bus: sw.bus,
          closed: command.plan.closed.some((c) => c.supply === sw.supply && c.bus === sw.bus),
        }))
        const answer = step(state, {
          _tag: 'SwitchResult',
          atMs,
          result: { _tag: 'Applied', planId: command.planId, actual },
        })
        state = answer.state
      }
    }
    for (let t = 0; t < 10; t++) {
      feed(telemetryEvent('psu1', t * 1000, ['word.off', 'word.powerGoodNegated']), t * 1000)
      feed(telemetryEvent('psu3', t * 1000, []), t * 1000)
      feed({ _tag: 'Tick', atMs: t * 1000 + 500 }, t * 1000 + 500)
    }
    if (applied === undefined) throw new Error('the controller issued no plan')
    const snapshot = snapshotFromController(state, { rack: 'shelf-1', plan: applied })
    const psu1 = snapshot.supplies.find((s) => s.id === 'psu1')
    expect(psu1?.state).toBe('failed')
    expect(psu1?.bus).toBeUndefined()
    expect(snapshot.supplies.find((s) => s.id === 'psu3')?.bus).toBe('A')
    expect(snapshot.plansIssued).toBe(state.nextPlanId - 1)
    expect(snapshot.plansIssued).toBeGreaterThanOrEqual(1)
    const redfish = toRedfish(snapshot)
    expect(redfish.supplies.find((s) => s.Id === 'psu1')?.Status).toEqual({
      State: 'UnavailableOffline',
      Health: 'Critical',
    })
    const samples = parseExposition(toPrometheus(snapshot)).samples
    expect(
      samples.find(
        (s) =>
          s.name === 'busbar_supply_state' && s.labels['supply'] === 'psu1' && s.labels['state'] === 'failed',
      )?.value,
    ).toBe('1')
    expect(samples.find((s) => s.name === 'busbar_plans_issued_total')?.value).toBe(
      String(snapshot.plansIssued),
    )
  })
})

describe('rackSnapshot details', () => {
  const input = {
    ...tinyInput,
    supplies: [
      { id: 'c', capacityW: 1000, state: 'ok' as const, failureRisk: 0.5 },
      { id: 'a', capacityW: 1000, state: 'warning' as const },
      { id: 'b', capacityW: 1000, state: 'ok' as const, failureRisk: 0.49 },
    ],
  }
  const bus = (id: string) => ({
    id,
    up: false,
    loadW: 0,
    capacityW: 0,
    redundantW: 0,
    nPlusK: false,
    survivesLoss: true,
  })
  const plan = { ...tinyPlan, closed: [], shed: ['z', 'batch\n7', 'a'], buses: [bus('B'), bus('A')] }

  test('without extras: no readings, no input loss, no alarms, no plans', () => {
    const snapshot = rackSnapshot('r', input, plan)
    expect(snapshot.supplies.map((s) => [s.readings, s.inputLoss])).toEqual([
      [{}, false],
      [{}, false],
      [{}, false],
    ])
    expect(snapshot.alarms).toEqual([])
    expect(snapshot.plansIssued).toBe(0)
    expect(snapshot.rack).toBe('r')
  })

  test('supplies, buses and shed loads come out sorted (JS <); the plan is not modified', () => {
    const snapshot = rackSnapshot('r', input, plan)
    expect(snapshot.supplies.map((s) => s.id)).toEqual(['a', 'b', 'c'])
    expect(snapshot.buses.map((b) => b.id)).toEqual(['A', 'B'])
    expect(snapshot.shed).toEqual(['a', 'batch\n7', 'z'])
    expect(plan.shed).toEqual(['z', 'batch\n7', 'a'])
    expect(plan.buses.map((b) => b.id)).toEqual(['B', 'A'])
  })

  test('usable watts are the rated watts times the derate (0.9)', () => {
    expect(rackSnapshot('r', input, plan).supplies.map((s) => s.usableW)).toEqual([900, 900, 900])
  })

  test('a large rack comes out sorted too (200 supplies and shed loads in shuffled order)', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `s${String(i).padStart(3, '0')}`)
    // A fixed shuffle (linear congruential), so the test is deterministic.
    const shuffled = [...ids]
    let seed = 7
    for (let i = shuffled.length - 1; i > 0; i--) {
      seed = (seed * 1103515245 + 12345) % 2147483648
      const j = Math.floor((seed / 2147483648) * (i + 1))
      ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
    }
    const big = { ...input, supplies: shuffled.map((id) => ({ id, capacityW: 100, state: 'ok' as const })) }
    const snapshot = rackSnapshot('r', big, { ...plan, shed: shuffled })
    expect(snapshot.supplies.map((s) => s.id)).toEqual(ids)
    expect(snapshot.shed).toEqual(ids)
  })

  test('at risk: a warning state, or a failure risk at or above preemptRisk (0.5)', () => {
    const snapshot = rackSnapshot('r', input, plan)
    expect(snapshot.supplies.map((s) => [s.id, s.atRisk])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ])
  })

  test('readings and input loss go to the named supplies only', () => {
    const snapshot = rackSnapshot('r', input, plan, {
      readings: { b: { vinV: 231 }, nobody: { vinV: 1 } },
      inputLoss: ['c'],
      alarms: [{ kind: 'loadShed', subject: 'z' }],
      plansIssued: 4,
    })
    expect(snapshot.supplies.map((s) => [s.id, s.readings, s.inputLoss])).toEqual([
      ['a', {}, false],
      ['b', { vinV: 231 }, false],
      ['c', {}, true],
    ])
    expect(snapshot.alarms).toEqual([{ kind: 'loadShed', subject: 'z' }])
    expect(snapshot.plansIssued).toBe(4)
  })
})

describe('snapshotFromController details', () => {
  const rack = {
    supplies: [
      { id: 'psu1', capacityW: 2000, state: 'ok', failureRisk: 0.7 },
      { id: 'psu2', capacityW: 2000, state: 'ok' },
    ],
    buses: [{ id: 'A', priority: 1 }],
    loads: [{ id: 'srv', powerW: 1000, priority: 1, buses: ['A'] }],
    switches: [
      { supply: 'psu1', bus: 'A', kind: 'fet', closed: true },
      { supply: 'psu2', bus: 'A', kind: 'fet', closed: true },
    ],
    policy: { supplyRedundancy: 0, busRedundancy: false, derate: 1, preemptRisk: 0.5 },
  }
  const startWith = (config: Record<string, unknown> = {}): ControllerState => {
    const state = initialControllerState({ rack, ...config })
    if (E.isLeft(state)) throw new Error(JSON.stringify(state.left))
    return state.right
  }

  test('with prediction off, the configured failure risks pass through', () => {
    const state = startWith({ prediction: { enabled: false } })
    const snapshot = snapshotFromController(state, { rack: 'r', plan: allocate(allocationInput(state)) })
    expect(snapshot.supplies.map((s) => [s.id, s.failureRisk, s.atRisk])).toEqual([
      ['psu1', 0.7, true],
      ['psu2', undefined, false],
    ])
  })

  test("with prediction on, the predictor's estimate and latched decision replace them", () => {
    const state = startWith()
    const latched: ControllerState = {
      ...state,
      risk: {
        ...state.risk,
        psu1: { failureRisk: 0.3, timeToFailureMs: undefined, atRisk: true },
        psu2: { failureRisk: 0.2, timeToFailureMs: undefined, atRisk: false },
      },
    }
    const snapshot = snapshotFromController(latched, { rack: 'r', plan: allocate(allocationInput(latched)) })
    expect(snapshot.supplies.map((s) => [s.id, s.failureRisk, s.atRisk])).toEqual([
      ['psu1', 0.3, true],
      ['psu2', 0.2, false],
    ])
  })

  test('with prediction on, a warning supply is at risk whatever the predictor latched', () => {
    const state = startWith()
    const warned: ControllerState = {
      ...state,
      health: {
        ...state.health,
        psu2: { ...state.health['psu2']!, state: 'warning', cause: 'warningFlags' },
      },
      risk: {
        ...state.risk,
        psu1: { failureRisk: 0.1, timeToFailureMs: undefined, atRisk: false },
        psu2: { failureRisk: 0.1, timeToFailureMs: undefined, atRisk: false },
      },
    }
    const snapshot = snapshotFromController(warned, { rack: 'r', plan: allocate(allocationInput(warned)) })
    expect(snapshot.supplies.map((s) => [s.id, s.state, s.atRisk])).toEqual([
      ['psu1', 'ok', false],
      ['psu2', 'warning', true],
    ])
  })

  test('a supply failed by a sustained input loss is reported with inputLoss; the others are not', () => {
    let state = startWith({ prediction: { enabled: false } })
    const inputLost = ['word.vinUv', 'input.vinUvFault', 'word.powerGoodNegated', 'word.off']
    for (let t = 0; t < 4; t++) {
      state = step(state, telemetryEvent('psu1', t * 1000, inputLost)).state
      state = step(state, telemetryEvent('psu2', t * 1000, [])).state
    }
    expect(state.health['psu1']?.cause).toBe('inputLoss')
    const snapshot = snapshotFromController(state, { rack: 'r', plan: allocate(allocationInput(state)) })
    expect(snapshot.supplies.map((s) => [s.id, s.inputLoss])).toEqual([
      ['psu1', true],
      ['psu2', false],
    ])
    expect(snapshot.alarms).toEqual(state.alarms)
  })
})
