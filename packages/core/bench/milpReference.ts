/**
 * Exact reference for the allocation objective (spec levels 1-4) as a MILP, solved lexicographically by
 * sequential HiGHS solves. Impure only in that it runs the highs WASM solver and reads its clock.
 *
 * Variables (all binaries unless said otherwise):
 *   x{i}      switch i closed (only switches of supplies that may be connected; others stay open)
 *   y{j}      bus j up
 *   w{l}_{p}  load l served in pattern p: single-corded p=0 "its bus"; dual-corded p=0 "first bus only",
 *             p=1 "second bus only", p=2 "both buses up, power split in halves". Shed = no pattern.
 *   L{j}      continuous, bus load L(b)
 *   n{j}      bus j meets N+k;  t{j} >= 0, z{i} >= 0 continuous: sum-of-k-largest by LP duality
 *   v{j}      bus-loss scenario of bus j is survived
 * Levels are solved one after the other; each optimum is then fixed as a constraint for the next.
 * AC feeds (feed-loss scenarios on level 3) are not modelled: a rack whose supplies name a feed is
 * refused with an error rather than compared on a different objective.
 */
import type { Highs, Model } from 'highs'
import type { RackInput, SwitchRef } from '../src/model/rack.js'

export interface MilpLevel {
  /** e.g. "served count, priority 3". */
  readonly name: string
  readonly sense: 'max' | 'min'
  /** Best value found (the optimum when proven). */
  readonly value: number
  readonly proven: boolean
  /** Wall-clock time of this level's solve. */
  readonly ms: number
}

export interface MilpResult {
  /** The configuration found, sorted by (supply, bus) / id. */
  readonly closed: readonly SwitchRef[]
  readonly shed: readonly string[]
  /** Objective values in lexicographic order: level 1 (count, W per priority, high first), level 2 (N+k
   *  buses per bus priority, high first), level 3 (survived bus losses, 0 without busRedundancy), level 4
   *  (switch changes). */
  readonly levels: readonly MilpLevel[]
  /** Every level proven optimal within the time limit. */
  readonly optimal: boolean
  readonly solves: number
  readonly ms: number
}

export interface MilpOptions {
  /** Wall-clock budget in seconds for all levels of one instance together. */
  readonly timeLimitS: number
  /** Extra HiGHS options (for experiments); the exactness options above are set first. */
  readonly solverOptions?: Readonly<Record<string, string | number | boolean>>
}

interface Term {
  readonly coef: number
  readonly name: string
}

interface LevelObjective {
  readonly name: string
  readonly sense: 'max' | 'min'
  readonly terms: readonly Term[]
  /** Constant part of the objective (switches that must open whatever the solver does). */
  readonly constant: number
  /** The objective only takes integer values, so its optimum can be fixed with a 0.5 margin. */
  readonly integral: boolean
  /** A bound no configuration can beat (for a maximum); an incumbent reaching it needs no solve. */
  readonly bound: number
}

export interface AllocationMilp {
  /** CPLEX LP text: every constraint, zero objective (levels set it). */
  readonly lpText: string
  readonly levels: readonly LevelObjective[]
  /** Column name -> what it means, for reading a solution back. */
  readonly switchColumns: ReadonlyMap<string, SwitchRef>
  readonly loadServedColumns: ReadonlyMap<string, readonly string[]>
}

/** highs ships ESM at runtime but CommonJS-flavoured types, so NodeNext sees its default one level deeper. */
export const loadHighs = async (): Promise<Highs> => {
  const imported: unknown = (await import('highs')).default
  const loader = typeof imported === 'function' ? imported : (imported as { default: unknown }).default
  return (loader as () => Promise<Highs>)()
}

/** Round-trip exact decimal for LP text. */
const num = (n: number): string => String(n)

const linear = (terms: readonly Term[]): string =>
  terms.length === 0
    ? '0 zero'
    : terms
        .map((t, k) => `${t.coef < 0 ? '-' : k === 0 ? '' : '+'} ${num(Math.abs(t.coef))} ${t.name}`)
        .join(' ')

const priorityGroupsDescending = <T>(
  items: readonly T[],
  priorityOf: (t: T) => number,
): Array<[number, T[]]> => {
  const groups = new Map<number, T[]>()
  for (const item of items) {
    const p = priorityOf(item)
    groups.set(p, [...(groups.get(p) ?? []), item])
  }
  return [...groups.entries()].sort((a, b) => b[0] - a[0])
}

/** Builds the model of the spec's rules 1-5 and the four service levels. */
export const buildAllocationMilp = (input: RackInput): AllocationMilp => {
  const { supplies, buses, loads, switches, policy } = input
  const fed = supplies.findIndex((s) => s.feed !== undefined)
  if (fed >= 0)
    throw new Error(
      `supplies[${fed}].feed: the MILP reference does not model AC feeds (feed-loss scenarios); strip feeds first`,
    )
  const k = policy.supplyRedundancy
  const busIndex = new Map(buses.map((b, j) => [b.id, j]))
  const supplyById = new Map(supplies.map((s) => [s.id, s]))
  const usable = (id: string): number => (supplyById.get(id)?.capacityW ?? 0) * policy.derate
  const connectable = (id: string): boolean => {
    const state = supplyById.get(id)?.state
    return state === 'ok' || state === 'warning'
  }
  const atRisk = (id: string): boolean => {
    const s = supplyById.get(id)
    // No failureRisk means no prediction, so not at risk even when preemptRisk is 0 (as the spec's judge).
    return (
      s !== undefined &&
      (s.state === 'warning' || (s.failureRisk !== undefined && s.failureRisk >= policy.preemptRisk))
    )
  }
  const busOf = (id: string): number => {
    const j = busIndex.get(id)
    if (j === undefined) throw new Error(`unknown bus ${id}`)
    return j
  }

  const rows: string[] = []
  const binaries: string[] = []
  const continuous: Array<{ name: string; upper: number }> = []
  const row = (name: string, terms: readonly Term[], op: '<=' | '>=' | '=', rhs: number): void => {
    rows.push(` ${name}: ${linear(terms)} ${op} ${num(rhs)}`)
  }

  // Switches: x{i} for every switch a supply may use; rule 1 by construction, rule 3 by omission.
  const switchColumns = new Map<string, SwitchRef>()
  const switchesOfBus: Array<Array<{ x: string; supply: string }>> = buses.map(() => [])
  const switchesOfSupply = new Map<string, string[]>()
  const seen = new Set<string>()
  let forcedOpenings = 0
  const disturbance: Term[] = []
  switches.forEach((sw, i) => {
    const key = JSON.stringify([sw.supply, sw.bus])
    if (seen.has(key)) throw new Error(`switches[${i}] duplicates switch ${sw.supply}->${sw.bus}`)
    seen.add(key)
    if (!connectable(sw.supply)) {
      if (sw.closed) forcedOpenings += 1
      return
    }
    const x = `x${i}`
    binaries.push(x)
    switchColumns.set(x, { supply: sw.supply, bus: sw.bus })
    switchesOfBus[busOf(sw.bus)]?.push({ x, supply: sw.supply })
    switchesOfSupply.set(sw.supply, [...(switchesOfSupply.get(sw.supply) ?? []), x])
    // Level 4: |x - current| = (1 - x) when closed now, x when open now.
    disturbance.push({ coef: sw.closed ? -1 : 1, name: x })
  })
  const closedNow = switches.filter((sw) => sw.closed && connectable(sw.supply)).length

  // Rule 2: a supply never bridges two buses.
  for (const [supply, xs] of switchesOfSupply) {
    if (xs.length > 1)
      row(
        `one_bus_${supplies.findIndex((s) => s.id === supply)}`,
        xs.map((x) => ({ coef: 1, name: x })),
        '<=',
        1,
      )
  }

  // Rule 4: bus up iff at least one closed switch.
  buses.forEach((_, j) => {
    const y = `y${j}`
    binaries.push(y)
    const xs = switchesOfBus[j] ?? []
    row(`up_needs_switch_${j}`, [{ coef: 1, name: y }, ...xs.map((s) => ({ coef: -1, name: s.x }))], '<=', 0)
    for (const s of xs)
      row(
        `switch_makes_up_${s.x}`,
        [
          { coef: 1, name: y },
          { coef: -1, name: s.x },
        ],
        '>=',
        0,
      )
  })

  // Loads: one binary per served pattern; the pattern must match exactly which of its buses are up.
  const loadServedColumns = new Map<string, string[]>()
  const busShare: Term[][] = buses.map(() => [])
  /** Patterns through which a load is served wholly by bus j alone (lost when j is lost). */
  const soleThrough: string[][] = buses.map(() => [])
  /** Dual-corded "both up" patterns per bus pair, with the half share that would move. */
  const splitPairs = new Map<string, Term[]>()
  const wiredLoads: number[] = buses.map(() => 0)
  const wiredPowerW: number[] = buses.map(() => 0)
  loads.forEach((load, l) => {
    const js = [...new Set(load.buses)].map(busOf)
    for (const j of js) {
      wiredLoads[j] = (wiredLoads[j] ?? 0) + 1
      wiredPowerW[j] = (wiredPowerW[j] ?? 0) + load.powerW
    }
    const [a, b] = js
    if (a === undefined) throw new Error(`loads[${l}] has no bus`)
    if (b === undefined) {
      const w = `w${l}_0`
      binaries.push(w)
      row(
        `w_needs_up_${w}`,
        [
          { coef: 1, name: w },
          { coef: -1, name: `y${a}` },
        ],
        '<=',
        0,
      )
      busShare[a]?.push({ coef: load.powerW, name: w })
      soleThrough[a]?.push(w)
      loadServedColumns.set(load.id, [w])
      return
    }
    const [onlyA, onlyB, both] = [`w${l}_0`, `w${l}_1`, `w${l}_2`]
    binaries.push(onlyA, onlyB, both)
    row(
      `onlyA_needs_a_${l}`,
      [
        { coef: 1, name: onlyA },
        { coef: -1, name: `y${a}` },
      ],
      '<=',
      0,
    )
    row(
      `onlyA_needs_b_down_${l}`,
      [
        { coef: 1, name: onlyA },
        { coef: 1, name: `y${b}` },
      ],
      '<=',
      1,
    )
    row(
      `onlyB_needs_b_${l}`,
      [
        { coef: 1, name: onlyB },
        { coef: -1, name: `y${b}` },
      ],
      '<=',
      0,
    )
    row(
      `onlyB_needs_a_down_${l}`,
      [
        { coef: 1, name: onlyB },
        { coef: 1, name: `y${a}` },
      ],
      '<=',
      1,
    )
    row(
      `both_needs_a_${l}`,
      [
        { coef: 1, name: both },
        { coef: -1, name: `y${a}` },
      ],
      '<=',
      0,
    )
    row(
      `both_needs_b_${l}`,
      [
        { coef: 1, name: both },
        { coef: -1, name: `y${b}` },
      ],
      '<=',
      0,
    )
    row(
      `one_pattern_${l}`,
      [onlyA, onlyB, both].map((name) => ({ coef: 1, name })),
      '<=',
      1,
    )
    busShare[a]?.push({ coef: load.powerW, name: onlyA }, { coef: load.powerW / 2, name: both })
    busShare[b]?.push({ coef: load.powerW, name: onlyB }, { coef: load.powerW / 2, name: both })
    soleThrough[a]?.push(onlyA)
    soleThrough[b]?.push(onlyB)
    for (const [from, to] of [
      [a, b],
      [b, a],
    ] as const) {
      const key = `${from},${to}`
      splitPairs.set(key, [...(splitPairs.get(key) ?? []), { coef: load.powerW / 2, name: both }])
    }
    loadServedColumns.set(load.id, [onlyA, onlyB, both])
  })

  // Rule 4/5: L(b) and its limits.
  const capacityTerms = (j: number, only: (supply: string) => boolean = () => true): Term[] =>
    (switchesOfBus[j] ?? []).filter((s) => only(s.supply)).map((s) => ({ coef: usable(s.supply), name: s.x }))
  buses.forEach((bus, j) => {
    const L = `L${j}`
    continuous.push({ name: L, upper: Infinity })
    row(
      `bus_load_${j}`,
      [{ coef: 1, name: L }, ...(busShare[j] ?? []).map((t) => ({ coef: -t.coef, name: t.name }))],
      '=',
      0,
    )
    row(`powered_${j}`, [...capacityTerms(j), { coef: -1, name: L }], '>=', 0)
    if (bus.maxW !== undefined) row(`rating_${j}`, [{ coef: 1, name: L }], '<=', bus.maxW)
  })

  // Level 2: N+k. capacity(non-at-risk) - sumOfKLargest >= L when n = 1, where
  // sumOfKLargest = min over t >= 0 of k*t + sum max(0, u_s x_s - t)  (LP duality; zeros pad short lists).
  const levelTwo: Array<{ priority: number; n: string }> = []
  buses.forEach((bus, j) => {
    if ((wiredLoads[j] ?? 0) === 0) return // only buses that at least one load is wired to count
    const n = `n${j}`
    binaries.push(n)
    levelTwo.push({ priority: bus.priority, n })
    row(
      `nk_needs_up_${j}`,
      [
        { coef: 1, name: n },
        { coef: -1, name: `y${j}` },
      ],
      '<=',
      0,
    )
    const redundant = capacityTerms(j, (s) => !atRisk(s))
    const largest = Math.max(0, ...redundant.map((t) => t.coef))
    // L(b) is bounded by its rating, by what is wired to it and by rule 5 (all it could be fed).
    const maxLoadW = Math.min(
      bus.maxW ?? Infinity,
      wiredPowerW[j] ?? 0,
      capacityTerms(j).reduce((sum, t) => sum + t.coef, 0),
    )
    // With n = 0, t = largest and z = 0 make the left side >= -(k*largest + maxLoadW): that is the big-M.
    const bigM = k * largest + maxLoadW + 1
    const dual: Term[] = []
    if (k > 0) {
      const t = `t${j}`
      continuous.push({ name: t, upper: largest })
      dual.push({ coef: -k, name: t })
      for (const term of redundant) {
        const z = `z${term.name}`
        continuous.push({ name: z, upper: Infinity })
        row(
          `excess_${term.name}`,
          [
            { coef: 1, name: z },
            { coef: -term.coef, name: term.name },
            { coef: 1, name: t },
          ],
          '>=',
          0,
        )
        dual.push({ coef: -1, name: z })
      }
    }
    row(
      `nk_${j}`,
      [...redundant, ...dual, { coef: -1, name: `L${j}` }, { coef: -bigM, name: n }],
      '>=',
      -bigM,
    )
  })

  // Level 3: bus-loss survival of up buses that carry load.
  const survival: Term[] = []
  if (policy.busRedundancy) {
    buses.forEach((_, a) => {
      // "Carries load": at least one served load is fed through it (a 0 W load counts too).
      const carrying = (busShare[a] ?? []).map((t) => t.name)
      if (carrying.length === 0) return
      const v = `v${a}`
      binaries.push(v)
      survival.push({ coef: 1, name: v })
      row(
        `survives_needs_load_${a}`,
        [{ coef: 1, name: v }, ...[...new Set(carrying)].map((name) => ({ coef: -1, name }))],
        '<=',
        0,
      )
      // No load may be lost: nothing served through a alone.
      for (const w of soleThrough[a] ?? [])
        row(
          `survives_loses_${a}_${w}`,
          [
            { coef: 1, name: v },
            { coef: 1, name: w },
          ],
          '<=',
          1,
        )
      // Every other bus still powered with the halves that move onto it.
      buses.forEach((other, c) => {
        const moved = splitPairs.get(`${a},${c}`)
        if (moved === undefined) return
        const bigM = moved.reduce((sum, t) => sum + t.coef, 0) + 1
        row(
          `survives_${a}_powers_${c}`,
          [
            ...capacityTerms(c),
            { coef: -1, name: `L${c}` },
            ...moved.map((t) => ({ coef: -t.coef, name: t.name })),
            { coef: -bigM, name: v },
          ],
          '>=',
          -bigM,
        )
        if (other.maxW !== undefined) {
          row(
            `survives_${a}_rating_${c}`,
            [{ coef: 1, name: `L${c}` }, ...moved, { coef: bigM, name: v }],
            '<=',
            other.maxW + bigM,
          )
        }
      })
    })
  }

  // The objective levels.
  const levels: LevelObjective[] = []
  for (const [priority, group] of priorityGroupsDescending(loads, (l) => l.priority)) {
    const served = (coefOf: (powerW: number) => number): Term[] =>
      group.flatMap((load) =>
        (loadServedColumns.get(load.id) ?? []).map((name) => ({ coef: coefOf(load.powerW), name })),
      )
    const totalW = group.reduce((sum, l) => sum + l.powerW, 0)
    levels.push({
      name: `served count, priority ${priority}`,
      sense: 'max',
      terms: served(() => 1),
      constant: 0,
      integral: true,
      bound: group.length,
    })
    levels.push({
      name: `served W, priority ${priority}`,
      sense: 'max',
      terms: served((w) => w),
      constant: 0,
      integral: group.every((l) => Number.isInteger(l.powerW)),
      bound: totalW,
    })
  }
  for (const [priority, group] of priorityGroupsDescending(levelTwo, (b) => b.priority)) {
    levels.push({
      name: `N+k buses, priority ${priority}`,
      sense: 'max',
      terms: group.map((b) => ({ coef: 1, name: b.n })),
      constant: 0,
      integral: true,
      bound: group.length,
    })
  }
  // Always present (0 when busRedundancy is off) so every rack's vector has the same layout.
  levels.push({
    name: 'bus losses survived',
    sense: 'max',
    terms: survival,
    constant: 0,
    integral: true,
    bound: survival.length,
  })
  levels.push({
    name: 'switch changes',
    sense: 'min',
    terms: disturbance,
    constant: closedNow + forcedOpenings,
    integral: true,
    bound: forcedOpenings,
  })

  const lpText = [
    'Maximize',
    ' obj: 0 zero',
    'Subject To',
    ...rows,
    ' zero_is_zero: zero = 0',
    'Bounds',
    ...continuous.map((c) => ` 0 <= ${c.name} <= ${c.upper === Infinity ? '+inf' : num(c.upper)}`),
    ' 0 <= zero <= 0',
    'Binary',
    ...binaries.map((b) => ` ${b}`),
    'End',
    '',
  ].join('\n')
  return { lpText, levels, switchColumns, loadServedColumns }
}

/** Every level's terms are binaries: rounding them first keeps solver noise (0.9999999) out of watts. */
const objectiveValue = (
  level: LevelObjective,
  column: ReadonlyMap<string, number>,
  values: Float64Array,
): number =>
  level.constant +
  level.terms.reduce((sum, t) => sum + t.coef * Math.round(values[column.get(t.name) ?? -1] ?? NaN), 0)

/** Solves the levels in order; each level's value is fixed before the next (lexicographic optimum). */
export const milpReference = (highs: Highs, input: RackInput, options: MilpOptions): MilpResult => {
  const started = performance.now()
  const milp = buildAllocationMilp(input)
  const model: Model = highs.createModel({ format: 'lp', data: milp.lpText })
  try {
    model.options.set({
      output_flag: false,
      // Exact optimum: no relative gap (the default 1e-4 would accept 1 W short per 10 kW served).
      mip_rel_gap: 0,
      mip_abs_gap: 1e-6,
      // Tolerances stay at HiGHS's defaults (1e-6 integrality, 1e-7 rows): with 1e-9 and presolve off,
      // HiGHS claimed a wrong optimum (see the test "keeps HiGHS's default tolerances"). Watts here are
      // multiples of 1/4, so a big-M times 1e-6 slack (< 0.1 W) cannot flip a comparison, and the bench
      // re-judges every MILP configuration exactly with the spec's judgeConfiguration.
    })
    if (options.solverOptions !== undefined) model.options.set(options.solverOptions)
    const numCols = model.getDimensions().numCols
    const column = new Map<string, number>()
    for (let c = 0; c < numCols; c++) column.set(model.getColName(c), c)
    const all = { kind: 'range', from: 0, to: numCols - 1 } as const
    const results: MilpLevel[] = []
    let start: Float64Array | undefined
    for (const level of milp.levels) {
      const costs = new Float64Array(numCols)
      for (const t of level.terms) {
        const c = column.get(t.name)
        if (c === undefined) throw new Error(`column ${t.name} missing from the model`)
        costs[c] = (costs[c] ?? 0) + t.coef
      }
      const levelStarted = performance.now()
      const remainingS = options.timeLimitS - (levelStarted - started) / 1000
      // When the incumbent already reaches the level's bound there is nothing to solve.
      const incumbentValue = start === undefined ? NaN : objectiveValue(level, column, start)
      const atBound = Math.abs(incumbentValue - level.bound) <= 1e-9 * Math.max(1, Math.abs(level.bound))
      let values: Float64Array
      let solved: boolean
      if (level.terms.length === 0 || atBound) {
        values = start ?? new Float64Array(numCols)
        solved = true
      } else if (remainingS <= 0.01 && start !== undefined) {
        values = start // out of time: keep the incumbent, unproven
        solved = false
      } else {
        model.changeColsCost(all, costs)
        model.changeObjectiveSense(
          level.sense === 'max'
            ? highs.constants.objectiveSense.maximize
            : highs.constants.objectiveSense.minimize,
        )
        model.options.set({ time_limit: Math.max(0.01, remainingS) })
        if (start !== undefined) model.setSolution({ colValue: start })
        const run = model.run()
        solved = run.modelStatus === highs.constants.modelStatus.optimal
        const timedOut = run.modelStatus === highs.constants.modelStatus.timeLimit
        if (!solved && !timedOut)
          throw new Error(`MILP level "${level.name}" ended with model status ${run.modelStatus}`)
        // 2 = feasible. A solve stopped by the clock may hold no usable point; then keep the incumbent.
        const feasible = Number(model.info.get('primal_solution_status')) === 2
        if (!feasible && (solved || start === undefined))
          throw new Error(`MILP level "${level.name}" has no feasible solution`)
        values = feasible ? model.getSolution().colValue : (start ?? new Float64Array(numCols))
        if (timedOut && start !== undefined) {
          const better =
            level.sense === 'max'
              ? objectiveValue(level, column, values) >= incumbentValue
              : objectiveValue(level, column, values) <= incumbentValue
          if (!better) values = start
        }
      }
      const raw = objectiveValue(level, column, values)
      if (!Number.isFinite(raw)) throw new Error(`MILP level "${level.name}" has no incumbent`)
      const value = level.integral ? Math.round(raw) : raw
      results.push({
        name: level.name,
        sense: level.sense,
        value,
        proven: solved,
        ms: performance.now() - levelStarted,
      })
      start = values
      // Fix the optimum: later levels may not give any of it up.
      const margin = level.integral ? 0.5 : 1e-6 * Math.max(1, Math.abs(value))
      const entries = {
        indices: level.terms.map((t) => column.get(t.name) ?? -1),
        values: level.terms.map((t) => t.coef),
      }
      if (entries.indices.length > 0) {
        const bound = value - level.constant
        if (level.sense === 'max') model.addRow(bound - margin, Infinity, entries)
        else model.addRow(-Infinity, bound + margin, entries)
      }
    }
    const final = start ?? new Float64Array(numCols)
    const on = (name: string): boolean => (final[column.get(name) ?? -1] ?? 0) > 0.5
    const closed = [...milp.switchColumns.entries()]
      .filter(([x]) => on(x))
      .map(([, ref]) => ref)
      .sort((a, b) =>
        a.supply < b.supply ? -1 : a.supply > b.supply ? 1 : a.bus < b.bus ? -1 : a.bus > b.bus ? 1 : 0,
      )
    const shed = [...milp.loadServedColumns.entries()]
      .filter(([, ws]) => !ws.some(on))
      .map(([id]) => id)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    return {
      closed,
      shed,
      levels: results,
      optimal: results.every((r) => r.proven),
      solves: results.length,
      ms: performance.now() - started,
    }
  } finally {
    model.dispose()
  }
}

/** Levels as one list where larger is better everywhere (minimised levels negated), like the spec's
 *  `flattenServiceVector`. */
export const flattenMilpLevels = (result: MilpResult): number[] =>
  result.levels.map((level) => (level.sense === 'min' ? 0 - level.value : level.value))
