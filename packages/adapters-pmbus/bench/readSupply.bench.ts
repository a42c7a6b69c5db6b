/**
 * Benchmark (not a test): how fast the adapter runs against the virtual hardware the simulator uses.
 * Prints medians over repeated batches and ratios between them; asserts nothing.
 * Run: npx tsx --conditions=@busbar/source packages/adapters-pmbus/bench/readSupply.bench.ts
 */
import * as E from 'fp-ts/lib/Either.js'
import {
  createAlertHandler,
  createPollRunner,
  createSupplyBus,
  decodeLinear11,
  encodeLinear11,
  type SupplyBinding,
} from '../src/index.js'
import {
  createVirtualAlertLine,
  createVirtualBus,
  createVirtualPca9548,
  createVirtualSupply,
  type VirtualSupply,
} from '../src/mock/index.js'

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] ?? Number.NaN
}

/** Median microseconds per operation over `batches` batches of `perBatch` operations. */
const measure = async (perBatch: number, batches: number, op: () => unknown): Promise<number> => {
  const times: number[] = []
  for (let b = 0; b < batches; b++) {
    const start = performance.now()
    for (let i = 0; i < perBatch; i++) await op()
    times.push(((performance.now() - start) * 1000) / perBatch)
  }
  return median(times)
}

const rack = (behindMux: boolean, count: number) => {
  const root = createVirtualBus('root')
  const mux = createVirtualPca9548(0x70)
  root.attach(0x70, mux)
  const line = createVirtualAlertLine(() => 0)
  const supplies: VirtualSupply[] = []
  const bindings: Record<string, SupplyBinding> = {}
  for (let i = 0; i < count; i++) {
    const address = 0x58 + (i % 8)
    const channel = Math.floor(i / 8)
    const s = createVirtualSupply({
      address,
      capacityW: 2000,
      readings: { vinV: 230, voutV: 12, ioutA: 50, poutW: 600, temperatureC: 35, fanRpm: 8000 },
    })
    ;(behindMux ? mux.channel(channel) : root).attach(address, s)
    line.connect(s)
    supplies.push(s)
    bindings[`psu${String(i).padStart(2, '0')}`] = {
      address,
      ...(behindMux ? { mux: { address: 0x70, channel } } : {}),
    }
  }
  const bus = createSupplyBus(root.transport, bindings)
  if (E.isLeft(bus)) throw new Error(bus.left.join('\n'))
  return { bus: bus.right, supplies, line }
}

const main = async (): Promise<void> => {
  const codec = await measure(100_000, 9, () => decodeLinear11(E.getOrElse(() => 0)(encodeLinear11(1234.5))))
  const direct = rack(false, 8)
  const muxed = rack(true, 16)
  const runDirect = createPollRunner({ bus: direct.bus, nowMs: () => 0 })
  const runMuxed = createPollRunner({ bus: muxed.bus, nowMs: () => 0 })
  await runDirect.pollRound('full')
  await runMuxed.pollRound('full')
  const statusDirect = await measure(2_000, 9, () =>
    runDirect.execute({ _tag: 'ReadSupply', supply: 'psu00', mode: 'status' }),
  )
  const fullDirect = await measure(2_000, 9, () =>
    runDirect.execute({ _tag: 'ReadSupply', supply: 'psu00', mode: 'full' }),
  )
  // Alternate channels so every read pays a select.
  let flip = false
  const fullMuxed = await measure(2_000, 9, () => {
    flip = !flip
    return runMuxed.execute({ _tag: 'ReadSupply', supply: flip ? 'psu00' : 'psu08', mode: 'full' })
  })
  const handler = createAlertHandler({ bus: muxed.bus, line: muxed.line.line, nowMs: () => 0 })
  const alert = await measure(500, 9, () => {
    muxed.supplies[3]?.setCondition('vinUvWarning', true)
    muxed.supplies[12]?.setCondition('vinUvWarning', true)
    const done = handler.handle()
    return done.then(() => {
      muxed.supplies[3]?.setCondition('vinUvWarning', false)
      muxed.supplies[12]?.setCondition('vinUvWarning', false)
    })
  })
  const rows: [string, number][] = [
    ['LINEAR11 encode+decode', codec],
    ['ReadSupply status, root segment', statusDirect],
    ['ReadSupply full, root segment', fullDirect],
    ['ReadSupply full, alternating mux channels', fullMuxed],
    ['SMBALERT# handling, 2 of 16 supplies behind a mux', alert],
  ]
  console.log('median microseconds per operation (9 batches)')
  for (const [name, us] of rows) console.log(`  ${name.padEnd(52)} ${us.toFixed(3).padStart(10)} us`)
  console.log(
    `ratios: full/status ${(fullDirect / statusDirect).toFixed(2)}, muxed full/root full ${(fullMuxed / fullDirect).toFixed(2)}`,
  )
  console.log(
    `a simulated year of 1 s polls of 12 supplies (full) ≈ ${((fullDirect * 12 * 365 * 24 * 3600) / 1e6).toFixed(0)} s of CPU`,
  )
}

await main()
