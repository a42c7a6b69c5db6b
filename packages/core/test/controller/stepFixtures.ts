/** Shared fixtures for the controller step tests: a small A/B rack and helpers to drive `step`. */
import * as E from 'fp-ts/lib/Either.js'
import type { ControllerCommand, ControllerEvent } from '../../src/controller/events.js'
import type { ControllerConfig } from '../../src/controller/controllerConfig.js'
import { initialControllerState, step, type ControllerState } from '../../src/controller/step.js'
import type { Plan } from '../../src/model/plan.js'

/** psu1 on A, psu2 on B, psu3 a spare wired to both; srv1 dual-corded, srv2 on A only. */
export const rack = {
  supplies: [
    { id: 'psu1', capacityW: 3000, state: 'ok' },
    { id: 'psu2', capacityW: 3000, state: 'ok' },
    { id: 'psu3', capacityW: 3000, state: 'ok' },
  ],
  buses: [
    { id: 'A', priority: 1 },
    { id: 'B', priority: 1 },
  ],
  loads: [
    { id: 'srv1', powerW: 800, priority: 2, buses: ['A', 'B'] },
    { id: 'srv2', powerW: 1000, priority: 1, buses: ['A'] },
  ],
  switches: [
    { supply: 'psu1', bus: 'A', kind: 'relay', closed: true },
    { supply: 'psu1', bus: 'B', kind: 'relay', closed: false },
    { supply: 'psu2', bus: 'A', kind: 'relay', closed: false },
    { supply: 'psu2', bus: 'B', kind: 'relay', closed: true },
    { supply: 'psu3', bus: 'A', kind: 'relay', closed: false },
    { supply: 'psu3', bus: 'B', kind: 'relay', closed: false },
  ],
  policy: { supplyRedundancy: 0, busRedundancy: true, derate: 1, preemptRisk: 0.5 },
} as const

export const start = (config: Partial<ControllerConfig> = {}): ControllerState => {
  const r = initialControllerState({ rack, ...config })
  if (E.isLeft(r)) throw new Error(r.left.issues.map((i) => `${i.path} ${i.message}`).join('\n'))
  return r.right
}

export interface Driven {
  state: ControllerState
  commands: ControllerCommand[][]
}

/** Feed events in order, collecting each step's commands. */
export const drive = (state: ControllerState, events: readonly ControllerEvent[]): Driven => {
  const commands: ControllerCommand[][] = []
  let s = state
  for (const e of events) {
    const r = step(s, e)
    s = r.state
    commands.push([...r.commands])
  }
  return { state: s, commands }
}

export const plansIn = (cmds: readonly ControllerCommand[]): { planId: number; plan: Plan }[] =>
  cmds.flatMap((c) => (c._tag === 'ApplyPlan' ? [{ planId: c.planId, plan: c.plan }] : []))

export const alarmsRaised = (cmds: readonly ControllerCommand[]): string[] =>
  cmds.flatMap((c) => (c._tag === 'RaiseAlarm' ? [`${c.alarm.kind}:${c.alarm.subject}`] : []))

export const alarmsCleared = (cmds: readonly ControllerCommand[]): string[] =>
  cmds.flatMap((c) => (c._tag === 'ClearAlarm' ? [`${c.kind}:${c.subject}`] : []))
