/**
 * Test helper (qemu guest only). Starts fake-cp2112.mjs, waits until the kernel's hid-cp2112 driver
 * has registered its GPIO chip and I2C adapter, and drives the fake's side (input levels, device
 * registers, the transactions it saw) for kernel tests of both binding packages.
 */
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'

export interface BridgeTransaction {
  readonly kind: 'write' | 'read' | 'write-read'
  readonly address: number
  readonly write?: number[]
  readonly read?: number
}

export interface FakeCp2112 {
  /** /dev/gpiochipN of the bridge's 8 GPIOs (label "cp2112_gpio"). */
  readonly chipPath: string
  /** N of /dev/i2c-N of the bridge's I2C adapter. */
  readonly i2cBus: number
  /** Drives GPIO `offset` as an input seen by the chip (the fake's pins idle high). */
  level(offset: number, value: boolean): Promise<void>
  state(): Promise<{ direction: number; latch: number; inputs: number; pushPull: number }>
  peek(address: number, register: number, length: number): Promise<number[]>
  poke(address: number, register: number, bytes: readonly number[]): Promise<void>
  /** Transactions the bridge was asked for since the last call. */
  log(): Promise<BridgeTransaction[]>
  stop(): Promise<void>
}

const script = join(dirname(fileURLToPath(import.meta.url)), 'fake-cp2112.mjs')
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// The chip's sysfs device sits under the HID device, named <bus>:<vendor>:<product>.<n>.
const findGpioChip = (): string | undefined => {
  const devices = '/sys/bus/gpio/devices'
  if (!existsSync(devices)) return undefined
  const entry = readdirSync(devices).find((name) => realpathSync(join(devices, name)).includes(':10C4:EA90.'))
  return entry === undefined ? undefined : `/dev/${entry}`
}

const findI2cBus = (): number | undefined => {
  for (const entry of readdirSync('/sys/class/i2c-dev')) {
    if (readFileSync(`/sys/class/i2c-dev/${entry}/name`, 'utf8').startsWith('CP2112 SMBus Bridge')) return Number(entry.slice(4))
  }
  return undefined
}

export const startFakeCp2112 = async (chipAddresses: readonly number[]): Promise<FakeCp2112> => {
  const child = spawn(process.execPath, [script, ...chipAddresses.map(String)], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })
  const waiting: ((line: string) => void)[] = []
  let ready: () => void = () => undefined
  const readyNow = new Promise<void>((resolve) => { ready = resolve })
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
  const started = await Promise.race([readyNow.then(() => 'ready'), exited.then(() => 'exited'), sleep(20_000).then(() => 'timeout')])
  if (started !== 'ready') {
    child.kill()
    throw new Error(`fake-cp2112 did not start (${started})`)
  }
  // The driver registers the adapter and the chip during probe, after opening the device.
  let chipPath: string | undefined
  let i2cBus: number | undefined
  for (let attempt = 0; attempt < 200 && (chipPath === undefined || i2cBus === undefined); attempt++) {
    chipPath = findGpioChip()
    i2cBus = findI2cBus()
    if (chipPath === undefined || i2cBus === undefined) await sleep(50)
  }
  if (chipPath === undefined || i2cBus === undefined) {
    child.kill()
    throw new Error(`hid-cp2112 did not register its ${chipPath === undefined ? 'GPIO chip' : 'I2C adapter'}`)
  }
  return {
    chipPath,
    i2cBus,
    level: async (offset, value) => { await ask({ cmd: 'level', offset, value: value ? 1 : 0 }) },
    state: async () => (await ask({ cmd: 'state' })) as unknown as Awaited<ReturnType<FakeCp2112['state']>>,
    peek: async (address, register, length) => (await ask({ cmd: 'peek', address, register, length }))['bytes'] as number[],
    poke: async (address, register, bytes) => { await ask({ cmd: 'poke', address, register, bytes }) },
    log: async () => (await ask({ cmd: 'log' }))['log'] as BridgeTransaction[],
    stop: async () => {
      child.stdin.end()
      await Promise.race([exited, sleep(5_000)])
      child.kill()
      await sleep(200) // let the kernel remove the chip and the adapter
    },
  }
}
