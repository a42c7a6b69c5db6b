/**
 * Pure. A Plan in, a readable account out: the switch matrix, the steps in order, each bus's load
 * against its capacity and redundancy, and every reason in words.
 */
import type { Plan, Reason } from '@busbar/core'

const w = (x: number): string => `${Math.round(x)} W`

export const describeReason = (r: Reason): string => {
  switch (r._tag) {
    case 'SupplyUnavailable':
      return `${r.supply} is ${r.state}: disconnected from bus ${r.bus}`
    case 'SupplyPreempted':
      return `${r.supply} is at risk${r.failureRisk === undefined ? '' : ` (failure risk ${r.failureRisk.toFixed(2)})`}: bus ${r.bus} keeps N+k without it`
    case 'SupplyMoved':
      return `${r.supply} moves from bus ${r.from} to bus ${r.to} (${r.why})`
    case 'SupplyConnected':
      return `${r.supply} connects to bus ${r.bus} (${r.why})`
    case 'SupplyDisconnected':
      return `${r.supply} disconnects from bus ${r.bus} (${r.why})`
    case 'LoadShed':
      return `shed ${r.load} (priority ${r.priority}, ${w(r.powerW)}): ${r.why}`
    case 'LoadRestored':
      return `restore ${r.load}`
    case 'RedundancyLost':
      return `bus ${r.bus} has no N+k: load ${w(r.loadW)} > ${w(r.redundantW)} left after losing its largest supplies`
    case 'CurrentStateInadmissible':
      return `current state breaks rule ${r.rule}: ${r.detail}`
  }
}

export const formatPlan = (plan: Plan): string => {
  const lines: string[] = []
  lines.push(`plan (${plan.optimal ? 'proven optimal' : 'best found within the work budget'})`)
  lines.push('')
  lines.push('buses:')
  for (const b of plan.buses) {
    const flags = [
      b.up ? 'up' : 'DOWN',
      b.nPlusK ? 'N+k' : 'no N+k',
      b.survivesLoss ? 'survives other bus loss' : 'does not survive bus loss',
    ]
    lines.push(
      `  ${b.id}: load ${w(b.loadW)} / capacity ${w(b.capacityW)}, redundant ${w(b.redundantW)}  [${flags.join(', ')}]`,
    )
  }
  lines.push('')
  lines.push('closed switches:')
  if (plan.closed.length === 0) lines.push('  (none)')
  for (const c of plan.closed) lines.push(`  ${c.supply} -> ${c.bus}`)
  if (plan.shed.length > 0) lines.push('', `shed: ${plan.shed.join(', ')}`)
  if (plan.preempted.length > 0) lines.push('', `preempted (at risk, covered): ${plan.preempted.join(', ')}`)
  lines.push('')
  lines.push(plan.steps.length === 0 ? 'steps: none (the current state is already the target)' : 'steps:')
  plan.steps.forEach((s, i) =>
    lines.push(`  ${i + 1}. ${s.op.padEnd(5)} ${s.supply} -> ${s.bus} (${s.kind})`),
  )
  if (plan.reasons.length > 0) {
    lines.push('')
    lines.push('reasons:')
    for (const r of plan.reasons) lines.push(`  - ${describeReason(r)}`)
  }
  return lines.join('\n')
}
