// Example: the controller as a pure state machine. Events go in (a poll tick, three over-temperature
// readings of psu1, the executor's result), commands come out (reads, CLEAR_FAULTS, alarms, one plan that
// opens psu1 and closes the spare psu3 onto bus A, then polling goes on). The shell around `step` performs the commands; here
// the events are written by hand, on a real rack the PMBus adapter and the plan executor produce them.
// Run it: pnpm --filter @busbar/core exec tsx --conditions=@busbar/source examples/step.ts
import {
  initialControllerState,
  step,
  type ControllerCommand,
  type ControllerEvent,
  type ControllerState,
} from '@busbar/core'
import { sampleWithFlags } from '@busbar/core/testing'

const started = initialControllerState({
  rack: {
    supplies: [
      { id: 'psu1', capacityW: 3000, state: 'ok' },
      { id: 'psu2', capacityW: 3000, state: 'ok' },
      { id: 'psu3', capacityW: 3000, state: 'ok' },
    ],
    buses: [
      { id: 'A', priority: 2 },
      { id: 'B', priority: 1 },
    ],
    loads: [
      { id: 'db1', powerW: 900, priority: 3, buses: ['A', 'B'] },
      { id: 'web1', powerW: 1200, priority: 1, buses: ['A'] },
    ],
    switches: [
      { supply: 'psu1', bus: 'A', kind: 'relay', closed: true },
      { supply: 'psu2', bus: 'B', kind: 'relay', closed: true },
      { supply: 'psu3', bus: 'A', kind: 'relay', closed: false },
      { supply: 'psu3', bus: 'B', kind: 'relay', closed: false },
    ],
    policy: { supplyRedundancy: 0 },
  },
  deglitch: { faultPolls: 3 }, // a fault must be seen in 3 consecutive reads before psu1 counts as failed
})
if (started._tag === 'Left') throw new Error(started.left.issues.map((i) => i.path).join(', '))

// STATUS_TEMPERATURE over-temperature fault, as the PMBus poll runner would report it.
const overTemperature = (atMs: number): ControllerEvent => ({
  _tag: 'Telemetry',
  sample: sampleWithFlags('psu1', atMs, ['temperature.otFault'], { temperatureC: 96 }),
})

const events: ControllerEvent[] = [
  { _tag: 'Tick', atMs: 0 },
  overTemperature(10),
  overTemperature(20),
  overTemperature(30),
  {
    _tag: 'SwitchResult',
    atMs: 60,
    result: {
      _tag: 'Applied',
      planId: 1,
      actual: [
        { supply: 'psu1', bus: 'A', closed: false },
        { supply: 'psu2', bus: 'B', closed: true },
        { supply: 'psu3', bus: 'A', closed: true },
        { supply: 'psu3', bus: 'B', closed: false },
      ],
    },
  },
  { _tag: 'Tick', atMs: 400 },
]

const describe = (c: ControllerCommand): string => {
  switch (c._tag) {
    case 'ReadSupply':
      return `read ${c.supply} (${c.mode})`
    case 'ClearFaults':
      return `clear faults of ${c.supply}`
    case 'ApplyPlan':
      return `apply plan ${c.planId}: ${c.steps.map((s) => `${s.op} ${s.supply}->${s.bus}`).join(', ')}`
    case 'RaiseAlarm':
      return `raise ${c.alarm.kind} on ${c.alarm.subject}: ${c.alarm.detail}`
    case 'ClearAlarm':
      return `clear ${c.kind} on ${c.subject}`
  }
}

/** Every command `step` returned, in order, as `event -> command` lines. */
export const lines: string[] = []
let state: ControllerState = started.right
for (const event of events) {
  const result = step(state, event)
  state = result.state
  const atMs = event._tag === 'Telemetry' ? event.sample.atMs : event.atMs
  for (const command of result.commands) lines.push(`${event._tag} @${atMs} ms -> ${describe(command)}`)
}
/** The controller after the last event: psu1 believed failed, no plan in flight. */
export const finalState: ControllerState = state
console.log(lines.join('\n'))
