/**
 * Executes a plan's switch steps on real (or virtual) hardware and reports what the hardware actually
 * holds afterwards. Reads the bank first, refuses a plan that names unknown switches or whose any prefix
 * would close a supply onto a second bus, then per step: write, wait the kind's settle time, read the
 * latch and the pin back, poll the feedback until the kind's deadline. On the first fault it stops,
 * restores safety and returns `Aborted` naming the step, the fault, whether it restored, and the state
 * read back. Never throws: transport exceptions become `TransportError`.
 *
 * `restored` is true when, read back after the fault, no supply is closed onto two buses and, for a
 * failed `close` of a switch that was open before, the switch reads open again (the half-done close was
 * undone). A failed `open` is not undone by re-closing (that could reconnect the supply the plan was
 * removing); it is restored when the readback is safe. `actual` lists every switch the final read reached
 * (reads are retried once; a switch whose expander or lines still cannot be read is left out).
 */
import { isLeft } from 'fp-ts/lib/Either.js'
import type { PlanExecutionResult, SwitchFault, SwitchState, SwitchStep } from '@busbar/core'
import type { ExpanderSnapshot } from '../expander/readExpanderSnapshot.js'
import type { SwitchBank } from '../bank/SwitchBank.js'
import type { LatchWords } from '../bank/driveSwitch.js'
import { driveSwitch } from '../bank/driveSwitch.js'
import type { SwitchReadback } from '../bank/readSwitchBank.js'
import { readSwitchBank, switchReadbacks, toSwitchStates } from '../bank/readSwitchBank.js'
import { readSwitchNow } from '../bank/readSwitchNow.js'
import type { SwitchWiring } from '../wiring/Wiring.js'
import { switchKey } from '../wiring/Wiring.js'
import type { Clock } from './Clock.js'
import { checkStepsAgainstWiring } from './checkStepsAgainstWiring.js'
import type { SwitchTimingPolicy } from './switchTiming.js'
import { defaultSwitchTiming } from './switchTiming.js'

/**
 * What `executePlan` needs: the controller's plan id, the switch bank, a clock for waits, and per-kind
 * timing.
 */
export interface ExecutePlanDeps {
  readonly planId: number
  readonly bank: SwitchBank
  readonly clock: Clock
  /** Per-kind settle and feedback timing; defaults to `defaultSwitchTiming`. */
  readonly timing?: SwitchTimingPolicy
}

type StepOutcome = { readonly ok: true } | { readonly ok: false; readonly fault: SwitchFault }

const bridgedSupplies = (state: readonly SwitchState[]): string[] => {
  const count = new Map<string, number>()
  for (const s of state) if (s.closed) count.set(s.supply, (count.get(s.supply) ?? 0) + 1)
  return [...count].filter(([, n]) => n > 1).map(([supply]) => supply)
}

/**
 * I/O. Applies a plan's switch steps in order with readback and feedback checks; on the first fault stops,
 * restores safety and reports `Aborted`.
 */
export const executePlan = async (
  steps: readonly SwitchStep[],
  deps: ExecutePlanDeps,
): Promise<PlanExecutionResult> => {
  const { planId, bank, clock } = deps
  const timing = deps.timing ?? defaultSwitchTiming

  const initial = await readSwitchBankOnceMore(bank)
  const initialReadbacks = switchReadbacks(bank.wiring, initial.snapshot)
  const initialState = toSwitchStates(initialReadbacks)
  const firstStep = steps[0]
  if (firstStep === undefined) return { _tag: 'Applied', planId, actual: initialState }

  const aborted = (
    failedStep: number,
    fault: SwitchFault,
    restored: boolean,
    actual: readonly SwitchState[],
  ): PlanExecutionResult => ({
    _tag: 'Aborted',
    planId,
    failedStep,
    step: steps[failedStep] ?? firstStep,
    fault,
    restored,
    actual,
  })

  const firstFault = initial.faults[0]
  if (firstFault !== undefined) return aborted(0, firstFault, true, initialState)

  const possiblyClosed = initialReadbacks.filter(
    (r) => r.latchClosed || r.driveClosed || r.feedbackClosed === true,
  )
  const checked = checkStepsAgainstWiring(steps, bank.wiring, possiblyClosed)
  if (isLeft(checked))
    return aborted(
      checked.left.failedStep,
      { _tag: 'PlanRejected', detail: checked.left.detail },
      true,
      initialState,
    )
  const resolved = checked.right
  for (const [i, sw] of resolved.entries()) {
    const readback = initialReadbacks.find((r) => r.supply === sw.supply && r.bus === sw.bus)
    if (readback !== undefined && !readback.isOutput)
      return aborted(
        i,
        {
          _tag: 'PlanRejected',
          detail: `steps[${i}] (${sw.supply}, ${sw.bus}): its drive pin is not an output yet (run startSwitchBank first)`,
        },
        true,
        initialState,
      )
  }

  const known: ReadonlyMap<string, ExpanderSnapshot> = initial.snapshot.expanders
  const latches: LatchWords = new Map([...known].map(([id, s]) => [id, s.outputLatch]))

  // Which switches may be closed before each step: a close that fails is undone only when its switch
  // was open before (undoing a redundant close would open a switch that was carrying a bus).
  const closedBefore = new Set(possiblyClosed.map((r) => switchKey(r)))
  for (const [i, step] of steps.entries()) {
    const sw = resolved[i] as SwitchWiring
    const target = step.op === 'close'
    const outcome = await applyStep(bank, known, latches, sw, target, timing, clock)
    if (outcome.ok) {
      if (target) closedBefore.add(switchKey(sw))
      else closedBefore.delete(switchKey(sw))
      continue
    }
    const undoNeeded = target && !closedBefore.has(switchKey(sw))
    const undone = undoNeeded ? await undoClose(bank, known, latches, sw, timing, clock) : true
    const final = await readSwitchBankOnceMore(bank)
    const actual = toSwitchStates(switchReadbacks(bank.wiring, final.snapshot))
    const switchReadsOpen = actual.some((s) => s.supply === sw.supply && s.bus === sw.bus && !s.closed)
    const restored =
      final.faults.length === 0 &&
      bridgedSupplies(actual).length === 0 &&
      (!undoNeeded || (undone && switchReadsOpen))
    return aborted(i, outcome.fault, restored, actual)
  }

  const final = await readSwitchBankOnceMore(bank)
  return { _tag: 'Applied', planId, actual: toSwitchStates(switchReadbacks(bank.wiring, final.snapshot)) }
}

/** Reads the bank; a read that fails is tried once more (NACKs are often transient), so reports stay whole. */
const readSwitchBankOnceMore = async (bank: SwitchBank): ReturnType<typeof readSwitchBank> => {
  const first = await readSwitchBank(bank)
  return first.faults.length === 0 ? first : readSwitchBank(bank)
}

/** Write, settle, read the latch and pin back, then poll the feedback until the deadline. */
const applyStep = async (
  bank: SwitchBank,
  known: ReadonlyMap<string, ExpanderSnapshot>,
  latches: LatchWords,
  sw: SwitchWiring,
  target: boolean,
  timing: SwitchTimingPolicy,
  clock: Clock,
): Promise<StepOutcome> => {
  const { settleMs, feedbackDeadlineMs, feedbackPollMs } = timing[sw.kind]
  const writtenAt = clock.nowMs()
  const written = await driveSwitch(bank, latches, sw, target)
  if (isLeft(written)) return { ok: false, fault: written.left }
  await clock.sleepMs(settleMs)
  let readback = await readSwitchNow(bank, known, sw)
  if (isLeft(readback)) return { ok: false, fault: readback.left }
  const drive = readback.right
  if (drive.latchClosed !== target || drive.driveClosed !== target)
    return {
      ok: false,
      fault: {
        _tag: 'ReadbackMismatch',
        expectedClosed: target,
        actualClosed: drive.driveClosed !== target ? drive.driveClosed : drive.latchClosed,
      },
    }
  if (sw.feedback === undefined) return { ok: true }
  let current: SwitchReadback = drive
  // Bounded as well as timed: a clock that stops advancing (or float rounding near the deadline) must
  // not turn the poll into an endless loop.
  const maxPolls = Math.ceil(Math.max(0, feedbackDeadlineMs - settleMs) / Math.max(feedbackPollMs, 1e-6)) + 1
  for (let polls = 0; ; polls++) {
    if (current.feedbackClosed === target) return { ok: true }
    const waitedMs = clock.nowMs() - writtenAt
    if (waitedMs >= feedbackDeadlineMs || polls >= maxPolls)
      return {
        ok: false,
        // A contact still closed after an open is the dangerous case (welded relay, stuck breaker): a mismatch.
        // A close whose feedback never shows up is a timeout.
        fault: target
          ? { _tag: 'FeedbackTimeout', waitedMs }
          : { _tag: 'FeedbackMismatch', expectedClosed: false, feedbackClosed: true },
      }
    await clock.sleepMs(Math.min(feedbackPollMs, feedbackDeadlineMs - waitedMs))
    readback = await readSwitchNow(bank, known, sw, 'feedbackOnly')
    if (isLeft(readback)) return { ok: false, fault: readback.left }
    current = readback.right
  }
}

/**
 * Undo a failed close: command open and wait until it reads open (or the deadline passes). A transport
 * failure is retried once (I2C NACKs are often transient), since leaving the close in place is the worse outcome.
 */
const undoClose = async (
  bank: SwitchBank,
  known: ReadonlyMap<string, ExpanderSnapshot>,
  latches: LatchWords,
  sw: SwitchWiring,
  timing: SwitchTimingPolicy,
  clock: Clock,
): Promise<boolean> => {
  for (let attempt = 0; attempt < 2; attempt++) {
    if (sw.output._tag === 'ExpanderPin' && !latches.has(sw.output.expander)) {
      // A failed write made the latch unknown: re-read it so the other pins keep their level.
      const { snapshot } = await readSwitchBank(bank, new Set([sw.output.expander]))
      const again = snapshot.expanders.get(sw.output.expander)
      if (again === undefined) continue
      latches.set(sw.output.expander, again.outputLatch)
    }
    const outcome = await applyStep(bank, known, latches, sw, false, timing, clock)
    if (outcome.ok) return true
    if (outcome.fault._tag !== 'TransportError') return false
  }
  return false
}
