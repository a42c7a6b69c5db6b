// Example: a two-bus rack whose supply psu1 has failed while still closed onto bus A. `allocate` opens psu1
// first (failed supplies always go first) and then closes the idle spare psu3 onto A, so web1 runs again.
// Run it: pnpm --filter @busbar/core exec tsx --conditions=@busbar/source examples/allocate.ts
import {
  allocate,
  decodeRackInput,
  formatDecodeError,
  type Plan,
  type RackInput,
  type Reason,
} from '@busbar/core'

const decoded = decodeRackInput({
  supplies: [
    { id: 'psu1', capacityW: 3000, state: 'failed' },
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
  // psu1 feeds A, psu2 feeds B, psu3 is a spare wired to both and closed onto neither.
  switches: [
    { supply: 'psu1', bus: 'A', kind: 'relay', closed: true },
    { supply: 'psu2', bus: 'B', kind: 'relay', closed: true },
    { supply: 'psu3', bus: 'A', kind: 'relay', closed: false },
    { supply: 'psu3', bus: 'B', kind: 'relay', closed: false },
  ],
  policy: { supplyRedundancy: 0 },
})
if (decoded._tag === 'Left') throw new Error(formatDecodeError(decoded.left))

/** The decoded rack (validated, defaults filled). */
export const rack: RackInput = decoded.right
export const plan: Plan = allocate(rack)

const explain = (reason: Reason): string => {
  switch (reason._tag) {
    case 'CurrentStateInadmissible':
      return `the current state breaks rule ${reason.rule}: ${reason.detail}`
    case 'SupplyUnavailable':
      return `${reason.supply} leaves bus ${reason.bus}: it is ${reason.state}`
    case 'SupplyConnected':
      return `${reason.supply} joins bus ${reason.bus} (${reason.why})`
    case 'LoadRestored':
      return `${reason.load} is served again`
    default:
      return reason._tag
  }
}

/** What the example prints: the switch operations in order, then why. */
export const lines: readonly string[] = [
  ...plan.steps.map((s, i) => `step ${i + 1}: ${s.op} ${s.supply} -> ${s.bus} (${s.kind})`),
  ...plan.reasons.map((r) => `because ${explain(r)}`),
  ...plan.buses.map(
    (b) => `bus ${b.id}: ${b.loadW} W of ${b.capacityW} W, survives bus loss: ${b.survivesLoss}`,
  ),
]
console.log(lines.join('\n'))
