/**
 * Pure. Checks a plan against the allocation spec and returns every rule it breaks (empty: none).
 * It checks what can be checked without knowing the optimum: admissibility, the report, `preempted`,
 * the steps and the reasons. Optimality is the brute-force reference's job.
 */
import type { Plan } from '../model/plan.js'
import type { RackInput, SwitchRef } from '../model/rack.js'
import type { AdmissibilityRule, ConfigurationJudgement } from './judgeConfiguration.js'
import {
  currentClosed,
  isAtRisk,
  isUnavailable,
  judgeConfiguration,
  switchKey,
} from './judgeConfiguration.js'

/**
 * Every rule of the allocation spec `checkPlan` checks: admissibility, plan shape, reports, step order,
 * reason coverage.
 */
export type PlanRule =
  | AdmissibilityRule
  | 'closed.valid'
  | 'shed.valid'
  | 'plan.sorted'
  | 'report.buses'
  | 'report.up'
  | 'report.busLoad'
  | 'report.capacity'
  | 'report.redundantW'
  | 'report.nPlusK'
  | 'report.survivesLoss'
  | 'report.feeds'
  | 'preempted'
  | 'steps.switchExists'
  | 'steps.kind'
  | 'steps.minimal'
  | 'steps.reachesTarget'
  | 'steps.rule2'
  | 'steps.failedFirst'
  | 'steps.makeBeforeBreak'
  | 'reasons.coverage'

/** One way a plan breaks the spec: the rule and a sentence naming the switch, bus or load concerned. */
export interface Violation {
  readonly rule: PlanRule
  readonly message: string
}

/** Relative slack for float noise when comparing watts computed by someone else. */
const slack = 1e-9
const closeTo = (a: number, b: number): boolean =>
  Math.abs(a - b) <= slack * Math.max(1, Math.abs(a), Math.abs(b))

const isSortedBy = <A>(xs: readonly A[], key: (a: A) => readonly string[]): boolean =>
  xs.every((x, i) => {
    const prev = xs[i - 1]
    if (prev === undefined) return true
    const [a, b] = [key(prev), key(x)]
    for (let j = 0; j < a.length; j++) {
      const [p, q] = [a[j] ?? '', b[j] ?? '']
      if (p !== q) return p < q
    }
    return true
  })

const refName = (ref: SwitchRef): string => `${ref.supply}->${ref.bus}`

/**
 * Pure. Every violation of the allocation spec by `plan` for `input` (empty when the plan keeps the spec).
 */
export const checkPlan = (input: RackInput, plan: Plan): Violation[] => {
  const violations: Violation[] = []
  const fail = (rule: PlanRule, message: string): void => {
    violations.push({ rule, message })
  }

  // The shape of the plan's sets.
  const closedKeys = new Set<string>()
  for (const ref of plan.closed) {
    if (closedKeys.has(switchKey(ref))) fail('closed.valid', `closed lists ${refName(ref)} twice`)
    closedKeys.add(switchKey(ref))
  }
  const loadIds = new Set(input.loads.map((l) => l.id))
  const shedSeen = new Set<string>()
  for (const id of plan.shed) {
    if (!loadIds.has(id)) fail('shed.valid', `shed names unknown load ${id}`)
    if (shedSeen.has(id)) fail('shed.valid', `shed lists ${id} twice`)
    shedSeen.add(id)
  }
  if (!isSortedBy(plan.closed, (r) => [r.supply, r.bus]))
    fail('plan.sorted', 'closed is not sorted by (supply, bus)')
  if (!isSortedBy(plan.shed, (id) => [id])) fail('plan.sorted', 'shed is not sorted')
  if (!isSortedBy(plan.preempted, (id) => [id])) fail('plan.sorted', 'preempted is not sorted')

  // Rules 1-5.
  const judged = judgeConfiguration(input, { closed: plan.closed, shed: plan.shed }, slack)
  for (const breach of judged.breaches) fail(breach.rule, breach.message)

  checkReport(input, plan, judged, fail)
  checkPreempted(input, plan, judged, fail)
  checkSteps(input, plan, fail)
  checkReasons(input, plan, fail)
  return violations
}

type Fail = (rule: PlanRule, message: string) => void

const checkReport = (input: RackInput, plan: Plan, judged: ConfigurationJudgement, fail: Fail): void => {
  const seen = new Set<string>()
  for (const report of plan.buses) {
    const expected = judged.buses.get(report.id)
    if (expected === undefined) {
      fail('report.buses', `report names unknown bus ${report.id}`)
      continue
    }
    if (seen.has(report.id)) fail('report.buses', `report lists bus ${report.id} twice`)
    seen.add(report.id)
    if (report.up !== expected.up)
      fail('report.up', `bus ${report.id}: up is ${report.up}, expected ${expected.up}`)
    if (!closeTo(report.loadW, expected.loadW))
      fail('report.busLoad', `bus ${report.id}: loadW is ${report.loadW}, expected ${expected.loadW}`)
    if (!closeTo(report.capacityW, expected.capacityW))
      fail(
        'report.capacity',
        `bus ${report.id}: capacityW is ${report.capacityW}, expected ${expected.capacityW}`,
      )
    if (!closeTo(report.redundantW, expected.redundantW))
      fail(
        'report.redundantW',
        `bus ${report.id}: redundantW is ${report.redundantW}, expected ${expected.redundantW}`,
      )
    if (report.nPlusK !== expected.nPlusK)
      fail('report.nPlusK', `bus ${report.id}: nPlusK is ${report.nPlusK}, expected ${expected.nPlusK}`)
    // Defined only for an up bus that carries load, and only counted when busRedundancy is on.
    if (
      input.policy.busRedundancy &&
      expected.up &&
      expected.carriesLoad &&
      report.survivesLoss !== expected.survivesLoss
    )
      fail(
        'report.survivesLoss',
        `bus ${report.id}: survivesLoss is ${report.survivesLoss}, expected ${expected.survivesLoss}`,
      )
  }
  for (const bus of input.buses)
    if (!seen.has(bus.id)) fail('report.buses', `report has no entry for bus ${bus.id}`)
  checkFeedReport(plan, judged, fail)
}

/** One entry per feed named by a supply, in id order, with the feed-loss scenario as judged. */
const checkFeedReport = (plan: Plan, judged: ConfigurationJudgement, fail: Fail): void => {
  const expectedIds = [...judged.feeds.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const actualIds = plan.feeds.map((f) => f.id)
  if (JSON.stringify(actualIds) !== JSON.stringify(expectedIds))
    fail('report.feeds', `feeds lists ${JSON.stringify(actualIds)}, expected ${JSON.stringify(expectedIds)}`)
  for (const report of plan.feeds) {
    const expected = judged.feeds.get(report.id)
    if (expected === undefined) continue
    if (report.counted !== expected.counted)
      fail('report.feeds', `feed ${report.id}: counted is ${report.counted}, expected ${expected.counted}`)
    if (report.survivesLoss !== expected.survivesLoss)
      fail(
        'report.feeds',
        `feed ${report.id}: survivesLoss is ${report.survivesLoss}, expected ${expected.survivesLoss}`,
      )
  }
}

/** preempted = at-risk supplies closed onto a bus that meets N+k (which never counts them). */
const checkPreempted = (input: RackInput, plan: Plan, judged: ConfigurationJudgement, fail: Fail): void => {
  const expected = new Set<string>()
  for (const bus of judged.buses.values())
    if (bus.nPlusK) for (const supply of bus.supplies) if (isAtRisk(input, supply)) expected.add(supply.id)
  const actual = new Set(plan.preempted)
  for (const id of expected)
    if (!actual.has(id))
      fail('preempted', `at-risk supply ${id} is covered by N+k but not listed as preempted`)
  for (const id of actual)
    if (!expected.has(id))
      fail('preempted', `${id} is listed as preempted but is not an at-risk supply on a bus meeting N+k`)
}

const checkSteps = (input: RackInput, plan: Plan, fail: Fail): void => {
  const switchByKey = new Map(input.switches.map((sw) => [switchKey(sw), sw]))
  const supplyById = new Map(input.supplies.map((s) => [s.id, s]))
  const current = new Set(currentClosed(input).map(switchKey))
  const target = new Set(plan.closed.map(switchKey))
  const mustChange = new Set([...current, ...target].filter((k) => current.has(k) !== target.has(k)))

  const state = new Set(current)
  const counts = new SwitchCounts(currentClosed(input))
  const operated = new Set<string>()
  let otherStepSeen = false
  plan.steps.forEach((step, i) => {
    const key = switchKey(step)
    const where = `steps[${i}] (${step.op} ${refName(step)})`
    const sw = switchByKey.get(key)
    if (sw === undefined) fail('steps.switchExists', `${where} operates a switch not in the input`)
    else if (sw.kind !== step.kind)
      fail('steps.kind', `${where} has kind ${step.kind}, the switch is a ${sw.kind}`)
    if (operated.has(key)) fail('steps.minimal', `${where} operates the same switch again`)
    else if (!mustChange.has(key))
      fail('steps.minimal', `${where} operates a switch whose state does not change`)
    operated.add(key)
    if ((step.op === 'close') === state.has(key))
      fail('steps.minimal', `${where} does not change the switch's state`)

    const supply = supplyById.get(step.supply)
    const opensUnavailable = step.op === 'open' && supply !== undefined && isUnavailable(supply)
    if (opensUnavailable && otherStepSeen)
      fail('steps.failedFirst', `${where} opens a ${supply.state} supply after other steps`)
    if (!opensUnavailable) otherStepSeen = true

    if (step.op === 'close') {
      if (!state.has(key) && counts.closedOfSupply(step.supply) > 0)
        fail('steps.rule2', `${where} closes while ${step.supply} is still closed onto another bus`)
      if (!state.has(key)) counts.close(step)
      state.add(key)
    } else {
      if (state.has(key)) counts.open(step)
      state.delete(key)
    }
  })
  for (const key of mustChange)
    if (!operated.has(key)) fail('steps.reachesTarget', `no step changes switch ${refName(parseKey(key))}`)
  const reached = [...state].every((k) => target.has(k)) && [...target].every((k) => state.has(k))
  if (!reached) fail('steps.reachesTarget', 'the steps do not lead from the current state to closed')

  checkMakeBeforeBreak(input, plan, fail)
}

const parseKey = (key: string): SwitchRef => {
  const [supply, bus] = JSON.parse(key) as [string, string]
  return { supply, bus }
}

/**
 * Buses up and powered in both the current and the target state must not go down (no closed switch)
 * in between, whenever some order lets all of them stay up. Whether such an order exists is decided
 * greedily: closes only add, and an open that does not down a protected bus never blocks a later
 * step, so doing those first can only get stuck when every order must down some protected bus.
 */
const checkMakeBeforeBreak = (input: RackInput, plan: Plan, fail: Fail): void => {
  const currentJudged = judgeConfiguration(input, { closed: currentClosed(input), shed: [] }, slack)
  const targetJudged = judgeConfiguration(input, { closed: plan.closed, shed: plan.shed }, slack)
  const protectedBuses = new Set(
    input.buses
      .map((b) => b.id)
      .filter(
        (id) => currentJudged.buses.get(id)?.powered === true && targetJudged.buses.get(id)?.powered === true,
      ),
  )
  if (protectedBuses.size === 0) return

  const current = currentClosed(input)
  const currentKeys = new Set(current.map(switchKey))
  const targetKeys = new Set(plan.closed.map(switchKey))
  const unavailable = new Set(input.supplies.filter(isUnavailable).map((s) => s.id))
  const toOpen = current.filter((r) => !targetKeys.has(switchKey(r)))
  const toClose = plan.closed.filter((r) => !currentKeys.has(switchKey(r)))

  if (!safeOrderExists(current, toOpen, toClose, unavailable, protectedBuses)) return
  const state = new SwitchCounts(current)
  for (const [i, step] of plan.steps.entries()) {
    if (step.op === 'close') state.close(step)
    else state.open(step)
    if (protectedBuses.has(step.bus) && state.closedOnBus(step.bus) === 0) {
      fail(
        'steps.makeBeforeBreak',
        `after steps[${i}] bus ${step.bus} is down, though an order exists that keeps it up`,
      )
      return
    }
  }
}

/** Closed-switch counts per bus and per supply, for cheap "is the bus up / is the supply free". */
class SwitchCounts {
  private readonly perBus = new Map<string, number>()
  private readonly perSupply = new Map<string, number>()
  constructor(closed: readonly SwitchRef[]) {
    for (const ref of closed) this.close(ref)
  }
  close(ref: SwitchRef): void {
    this.perBus.set(ref.bus, this.closedOnBus(ref.bus) + 1)
    this.perSupply.set(ref.supply, this.closedOfSupply(ref.supply) + 1)
  }
  open(ref: SwitchRef): void {
    this.perBus.set(ref.bus, this.closedOnBus(ref.bus) - 1)
    this.perSupply.set(ref.supply, this.closedOfSupply(ref.supply) - 1)
  }
  closedOnBus(bus: string): number {
    return this.perBus.get(bus) ?? 0
  }
  closedOfSupply(supply: string): number {
    return this.perSupply.get(supply) ?? 0
  }
}

const safeOrderExists = (
  current: readonly SwitchRef[],
  toOpen: readonly SwitchRef[],
  toClose: readonly SwitchRef[],
  unavailable: ReadonlySet<string>,
  protectedBuses: ReadonlySet<string>,
): boolean => {
  const state = new SwitchCounts(current)
  const downsProtected = (ref: SwitchRef): boolean =>
    protectedBuses.has(ref.bus) && state.closedOnBus(ref.bus) === 1
  for (const ref of toOpen.filter((r) => unavailable.has(r.supply))) {
    if (downsProtected(ref)) return false
    state.open(ref)
  }
  let opens = toOpen.filter((r) => !unavailable.has(r.supply))
  let closes = [...toClose]
  while (opens.length > 0 || closes.length > 0) {
    const enabled = closes.filter((r) => state.closedOfSupply(r.supply) === 0)
    if (enabled.length > 0) {
      for (const ref of enabled) state.close(ref)
      closes = closes.filter((r) => !enabled.includes(r))
      continue
    }
    const safe = opens.find((r) => !downsProtected(r))
    if (safe === undefined) return false
    state.open(safe)
    opens = opens.filter((r) => r !== safe)
  }
  return true
}

/** Every change has a reason: each supply whose switches change, and each shed load. */
const checkReasons = (input: RackInput, plan: Plan, fail: Fail): void => {
  const current = new Set(currentClosed(input).map(switchKey))
  const target = new Set(plan.closed.map(switchKey))
  const changedSupplies = new Set(
    input.switches
      .filter((sw) => current.has(switchKey(sw)) !== target.has(switchKey(sw)))
      .map((sw) => sw.supply),
  )
  const explainedSupplies = new Set(plan.reasons.flatMap((r) => ('supply' in r ? [r.supply] : [])))
  for (const supply of changedSupplies)
    if (!explainedSupplies.has(supply))
      fail('reasons.coverage', `supply ${supply} changes with no reason naming it`)
  const shedReasons = new Set(plan.reasons.flatMap((r) => (r._tag === 'LoadShed' ? [r.load] : [])))
  for (const load of plan.shed)
    if (!shedReasons.has(load)) fail('reasons.coverage', `load ${load} is shed with no LoadShed reason`)
}
