/**
 * Test helper (qemu guest only). Starts fake-cp2112.mjs, waits until the kernel's hid-cp2112 driver
 * has registered its I2C adapter, and reads or sets the fake's side (device registers, the
 * transactions it saw) as the oracle for the I2C_RDWR kernel tests.
 */
import { spawn } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setPriority } from 'node:os'
import { createInterface } from 'node:readline'

export interface BridgeTransaction {
  readonly kind: 'write' | 'read' | 'write-read'
  readonly address: number
  readonly write?: number[]
  readonly read?: number
}

export interface FakeCp2112 {
  /** N of /dev/i2c-N of the bridge's I2C adapter. */
  readonly i2cBus: number
  peek(address: number, register: number, length: number): Promise<number[]>
  poke(address: number, register: number, bytes: readonly number[]): Promise<void>
  /** Transactions the bridge was asked for since the last call. */
  log(): Promise<BridgeTransaction[]>
  stop(): Promise<void>
}

const script = join(dirname(fileURLToPath(import.meta.url)), 'fake-cp2112.mjs')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const findI2cBus = (): number | undefined => {
  for (const entry of readdirSync('/sys/class/i2c-dev')) {
    if (readFileSync(`/sys/class/i2c-dev/${entry}/name`, 'utf8').startsWith('CP2112 SMBus Bridge'))
      return Number(entry.slice(4))
  }
  return undefined
}

export const startFakeCp2112 = async (chipAddresses: readonly number[]): Promise<FakeCp2112> => {
  const child = spawn(process.execPath, [script, ...chipAddresses.map(String)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  // Highest nice priority in the guest: hid-cp2112 gives each answer only 50 ms.
  try {
    if (child.pid !== undefined) setPriority(child.pid, -20)
  } catch {
    // not root: run at normal priority
  }
  const lines = createInterface({ input: child.stdout })
  const waiting: ((line: string) => void)[] = []
  let ready: () => void = () => undefined
  const readyNow = new Promise<void>((resolve) => {
    ready = resolve
  })
  lines.on('line', (line) => {
    if (line === '{"ready":true}') return ready()
    waiting.shift()?.(line)
  })
  const ask = (command: object): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      waiting.push((line) => {
        const reply = JSON.parse(line) as Record<string, unknown>
        if ('error' in reply) reject(new Error(`fake-cp2112: ${String(reply['error'])}`))
        else resolve(reply)
      })
      child.stdin.write(JSON.stringify(command) + '\n')
    })

  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const started = await Promise.race([
    readyNow.then(() => 'ready'),
    exited.then(() => 'exited'),
    sleep(20_000).then(() => 'timeout'),
  ])
  if (started !== 'ready') {
    child.kill()
    throw new Error(`fake-cp2112 did not start (${started})`)
  }
  // The driver registers the adapter during probe, after opening the device.
  let i2cBus: number | undefined
  for (let attempt = 0; attempt < 200 && i2cBus === undefined; attempt++) {
    i2cBus = findI2cBus()
    if (i2cBus === undefined) await sleep(50)
  }
  if (i2cBus === undefined) {
    child.kill()
    throw new Error('hid-cp2112 did not register its I2C adapter')
  }
  return {
    i2cBus,
    peek: async (address, register, length) =>
      (await ask({ cmd: 'peek', address, register, length }))['bytes'] as number[],
    poke: async (address, register, bytes) => {
      await ask({ cmd: 'poke', address, register, bytes })
    },
    log: async () => (await ask({ cmd: 'log' }))['log'] as BridgeTransaction[],
    stop: async () => {
      child.stdin.end()
      await Promise.race([exited, sleep(5_000)])
      child.kill()
      await sleep(200) // let the kernel remove the adapter
    },
  }
}
