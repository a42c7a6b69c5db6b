// A Silicon Labs CP2112 (USB HID to SMBus bridge) emulated in user space through /dev/uhid, for the
// kernel tests in the qemu guest. The kernel's own hid-cp2112 driver binds to it and registers a real
// I2C adapter with master_xfer, reached through the ordinary /dev/i2c-N, so the binding's I2C_RDWR
// path runs through i2c-dev and i2c-core (i2c-stub and i801 are SMBus-only: no I2C_RDWR).
// The bridge's GPIOs are not emulated: in Debian's 6.1 kernel, hid-cp2112 sleeps in atomic context
// when an edge request starts or stops, so GPIO tests use the gpio-fixture module instead.
//
// Behind the bridge: RAM-backed I2C chips (256 registers, auto-incrementing pointer, like i2c-stub)
// at the addresses given as arguments; any other address NACKs.
// Control: JSON lines on stdin, one JSON line answer each on stdout:
//   {"cmd":"peek","address":88,"register":33,"length":2}   {"bytes":[...]} device registers
//   {"cmd":"poke","address":88,"register":33,"bytes":[1,2]}
//   {"cmd":"log"}                              the bridge transactions seen so far (and clears it)
// Prints {"ready":true} once the kernel has opened the device. Usage: node fake-cp2112.mjs 0x58 ...
import { constants, openSync, readSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'

// koffi's libuv poll handle wakes the event loop the moment the kernel queues a request: the
// driver gives a transfer-status answer only 50 ms, tight for Node under TCG with a thread hop.
const koffi = createRequire(new URL('../../packages/adapters-pmbus/package.json', import.meta.url))('koffi')

const EVENT_SIZE = 4380
const UHID = {
  START: 2,
  STOP: 3,
  OPEN: 4,
  CLOSE: 5,
  OUTPUT: 6,
  GET_REPORT: 9,
  GET_REPORT_REPLY: 10,
  CREATE2: 11,
  INPUT2: 12,
  SET_REPORT: 13,
  SET_REPORT_REPLY: 14,
  DESTROY: 1,
}
const EIO = 5

const chips = new Map(
  process.argv.slice(2).map((a) => [Number(a), { regs: new Uint8Array(256), pointer: 0 }]),
)
let transferStatus = { status0: 0, status1: 0, length: 0 }
let pendingRead = new Uint8Array(0)
let log = []

const fd = openSync('/dev/uhid', constants.O_RDWR | constants.O_NONBLOCK)
const event = (type) => {
  const buffer = Buffer.alloc(EVENT_SIZE)
  buffer.writeUInt32LE(type, 0)
  return buffer
}
const send = (buffer) => writeSync(fd, buffer)

// Vendor-defined HID report descriptor: 8-bit fields, 63 bytes after the report id. hid-core only
// needs the input reports the driver receives (0x13 read response, 0x16 transfer status) declared.
const descriptor = (() => {
  const bytes = [0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08]
  const report = (id, main) => bytes.push(0x85, id, 0x95, 0x3f, 0x09, 0x01, main, 0x02)
  for (const id of [0x13, 0x16]) report(id, 0x81)
  for (const id of [0x10, 0x11, 0x12, 0x14, 0x15, 0x17]) report(id, 0x91)
  for (const id of [0x05, 0x06, 0x20]) report(id, 0xb1)
  bytes.push(0xc0)
  return Uint8Array.from(bytes)
})()

{
  const create = event(UHID.CREATE2)
  create.write('busbar fake CP2112', 4, 'latin1')
  create.write('busbar/fake-cp2112', 4 + 128, 'latin1')
  create.writeUInt16LE(descriptor.length, 260)
  create.writeUInt16LE(0x03, 262) // BUS_USB: hid-cp2112 matches USB 10c4:ea90
  create.writeUInt32LE(0x10c4, 264)
  create.writeUInt32LE(0xea90, 268)
  create.writeUInt32LE(0x0100, 272)
  Buffer.from(descriptor).copy(create, 280)
  send(create)
}

const featureReport = (id) => {
  switch (id) {
    case 0x05:
      return [0x05, 0x0c, 0x02] // part number, device version 2 (repeated start supported)
    case 0x06:
      return [0x06, 0x00, 0x01, 0x86, 0xa0, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00] // 100 kHz
    case 0x20:
      return [0x20, 0xff] // lock byte
    default:
      return undefined
  }
}

const setFeature = (data) => {
  switch (data[0]) {
    case 0x06:
      return true // SMBus configuration
    default:
      return false
  }
}

const input = (bytes) => {
  const buffer = event(UHID.INPUT2)
  buffer.writeUInt16LE(64, 4)
  Buffer.from(bytes).copy(buffer, 6)
  send(buffer)
}

const readChip = (chip, length) => {
  const out = new Uint8Array(length)
  for (let i = 0; i < length; i++) {
    out[i] = chip.regs[chip.pointer]
    chip.pointer = (chip.pointer + 1) & 0xff
  }
  return out
}
const writeChip = (chip, bytes) => {
  if (bytes.length > 0) chip.pointer = bytes[0]
  for (const b of bytes.slice(1)) {
    chip.regs[chip.pointer] = b
    chip.pointer = (chip.pointer + 1) & 0xff
  }
}
const complete = (length) => {
  transferStatus = { status0: 0x02, status1: 0x05, length }
}
const nack = () => {
  transferStatus = { status0: 0x03, status1: 0x00, length: 0 }
}

const output = (data) => {
  const address = data[1] >> 1
  switch (data[0]) {
    case 0x14: {
      // DATA_WRITE_REQUEST: address, length, bytes
      const bytes = [...data.subarray(3, 3 + data[2])]
      log.push({ kind: 'write', address, write: bytes })
      const chip = chips.get(address)
      if (!chip) return nack()
      writeChip(chip, Uint8Array.from(bytes))
      return complete(0)
    }
    case 0x11: {
      // DATA_WRITE_READ_REQUEST: address, read length (BE), target length, target bytes
      const length = (data[2] << 8) | data[3]
      const bytes = [...data.subarray(5, 5 + data[4])]
      log.push({ kind: 'write-read', address, write: bytes, read: length })
      const chip = chips.get(address)
      if (!chip) return nack()
      writeChip(chip, Uint8Array.from(bytes))
      pendingRead = readChip(chip, length)
      return complete(length)
    }
    case 0x10: {
      // DATA_READ_REQUEST: address, length (BE)
      const length = (data[2] << 8) | data[3]
      log.push({ kind: 'read', address, read: length })
      const chip = chips.get(address)
      if (!chip) return nack()
      pendingRead = readChip(chip, length)
      return complete(length)
    }
    case 0x15: {
      // TRANSFER_STATUS_REQUEST
      const { status0, status1, length } = transferStatus
      return input([0x16, status0, status1, 0, 0, length >> 8, length & 0xff])
    }
    case 0x12: {
      // DATA_READ_FORCE_SEND: hand over up to 61 bytes of the pending read
      const length = Math.min((data[1] << 8) | data[2], 61, pendingRead.length)
      const chunk = pendingRead.subarray(0, length)
      pendingRead = pendingRead.subarray(length)
      return input([0x13, 0x02, length, ...chunk])
    }
    default:
      return undefined // CANCEL_TRANSFER and anything else: nothing to answer
  }
}

const handle = (buffer) => {
  const type = buffer.readUInt32LE(0)
  switch (type) {
    case UHID.GET_REPORT: {
      const id = buffer.readUInt32LE(4)
      const report = featureReport(buffer[8])
      const reply = event(UHID.GET_REPORT_REPLY)
      reply.writeUInt32LE(id, 4)
      reply.writeUInt16LE(report ? 0 : EIO, 8)
      reply.writeUInt16LE(report ? report.length : 0, 10)
      if (report) Buffer.from(report).copy(reply, 12)
      return send(reply)
    }
    case UHID.SET_REPORT: {
      const id = buffer.readUInt32LE(4)
      const size = buffer.readUInt16LE(10)
      const ok = setFeature(buffer.subarray(12, 12 + size))
      const reply = event(UHID.SET_REPORT_REPLY)
      reply.writeUInt32LE(id, 4)
      reply.writeUInt16LE(ok ? 0 : EIO, 8)
      return send(reply)
    }
    case UHID.OUTPUT: {
      const size = buffer.readUInt16LE(4 + 4096)
      return output(buffer.subarray(4, 4 + size))
    }
    case UHID.OPEN:
      return process.stdout.write(JSON.stringify({ ready: true }) + '\n')
    default:
      return undefined
  }
}

const incoming = Buffer.alloc(EVENT_SIZE)
const drain = () => {
  for (;;) {
    let got
    try {
      got = readSync(fd, incoming, 0, EVENT_SIZE, null)
    } catch (error) {
      if (error.code === 'EAGAIN') return
      process.stderr.write(`fake-cp2112: ${error.message}\n`)
      process.exit(1)
    }
    if (got >= 4) handle(incoming)
  }
}
// Keep the handle referenced: koffi stops a poll handle when it is garbage-collected.
const uhidPoll = koffi.node.poll(fd, { readable: true }, drain)
process.on('exit', () => uhidPoll.close())
drain()

const answer = (command) => {
  switch (command.cmd) {
    case 'peek': {
      const chip = chips.get(command.address)
      return chip
        ? { bytes: [...chip.regs.subarray(command.register, command.register + (command.length ?? 1))] }
        : { error: 'no such chip' }
    }
    case 'poke': {
      const chip = chips.get(command.address)
      if (!chip) return { error: 'no such chip' }
      chip.regs.set(command.bytes, command.register)
      return { ok: true }
    }
    case 'log': {
      const seen = log
      log = []
      return { log: seen }
    }
    case 'stop':
      send(event(UHID.DESTROY))
      setTimeout(() => process.exit(0), 50)
      return { ok: true }
    default:
      return { error: `unknown command ${JSON.stringify(command.cmd)}` }
  }
}

createInterface({ input: process.stdin }).on('line', (line) => {
  let reply
  try {
    reply = answer(JSON.parse(line))
  } catch (error) {
    reply = { error: String(error) }
  }
  process.stdout.write(JSON.stringify(reply) + '\n')
})
process.stdin.on('end', () => {
  send(event(UHID.DESTROY))
  process.exit(0)
})
