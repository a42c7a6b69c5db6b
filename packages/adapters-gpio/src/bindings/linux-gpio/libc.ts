/**
 * The only FFI in this package: ioctl from libc and a libuv poll handle, through koffi, loaded on
 * first use (never when the package root loads). koffi ships prebuilt binaries in its npm package;
 * no npm GPIO package speaks the v2 character device (node-libgpiod wraps v1, onoff uses sysfs).
 * ioctl is declared with a fixed `void *` third argument so koffi can run it on its worker pool
 * (`.async`; variadic functions cannot be async): on the Linux ABIs koffi supports, a variadic callee
 * receives pointer arguments exactly like a fixed one. koffi restores the worker's errno before the
 * async callback runs, so errno is read there. Opening, reading and closing use node:fs.
 */
import type * as KoffiModule from 'koffi'

type Koffi = typeof KoffiModule

export interface IoctlOutcome {
  readonly result: number
  readonly errno: number
}

/** Native memory that does not move, for ioctl arguments. */
export interface NativeBlock {
  readonly bytes: Uint8Array
  free(): void
}

export interface PollHandle {
  ref(): void
  unref(): void
  close(): void
}

export interface GpioLibc {
  ioctl(fd: number, request: number, block: NativeBlock): IoctlOutcome
  ioctlAsync(fd: number, request: number, block: NativeBlock): Promise<IoctlOutcome>
  alloc(size: number): NativeBlock
  /** Calls `onReadable` from the event loop whenever `fd` is readable (libuv poll, no thread). */
  pollReadable(fd: number, onReadable: () => void): PollHandle
}

let loading: Promise<GpioLibc> | undefined

const bind = (koffi: Koffi): GpioLibc => {
  const lib = koffi.load('libc.so.6')
  const ioctl = lib.func('ioctl', 'int', ['int', 'unsigned long', 'void *'])
  const handles = new WeakMap<NativeBlock, unknown>()
  const outcome = (result: number): IoctlOutcome => ({ result, errno: result < 0 ? koffi.errno() : 0 })
  return {
    ioctl: (fd, request, block) => outcome(ioctl(fd, request, handles.get(block)) as number),
    ioctlAsync: (fd, request, block) =>
      new Promise((resolve, reject) => {
        ioctl.async(fd, request, handles.get(block), (error: unknown, result: number) => {
          if (error) reject(error instanceof Error ? error : new Error(String(error)))
          else resolve(outcome(result))
        })
      }),
    alloc: (size) => {
      const pointer: unknown = koffi.alloc('uint8', size)
      let freed = false
      const block: NativeBlock = {
        bytes: new Uint8Array(koffi.view(pointer, size)),
        free: () => {
          if (!freed) koffi.free(pointer)
          freed = true
        },
      }
      handles.set(block, pointer)
      return block
    },
    pollReadable: (fd, onReadable) => {
      // koffi 3.3 calls back with (status, events) although its typings declare (events) only.
      const onPoll = (status: unknown, events?: { readable?: boolean; disconnect?: boolean }): void => {
        const seen = typeof status === 'object' && status !== null ? (status as typeof events) : events
        if (seen?.readable || seen?.disconnect) onReadable()
      }
      const handle = koffi.node.poll(
        fd,
        { readable: true },
        onPoll as unknown as Parameters<typeof koffi.node.poll>[1],
      )
      return { ref: () => handle.ref(), unref: () => handle.unref(), close: () => handle.close() }
    },
  }
}

export const loadGpioLibc = (): Promise<GpioLibc> => {
  loading ??= import('koffi').then((module: unknown) =>
    bind(((module as { default?: unknown }).default ?? module) as Koffi),
  )
  return loading
}
