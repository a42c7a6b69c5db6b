/**
 * The only FFI in this package: open/close/ioctl from libc through koffi, loaded on first use.
 * koffi ships prebuilt binaries inside its npm package, so no compiler or node-gyp step is needed at
 * install time, and it can issue ioctls with pointer arguments, which i2c-bus cannot (no I2C_RDWR).
 * ioctl is declared with a fixed `void *` / `unsigned long` third argument so koffi can run it on its
 * worker pool (`.async`; variadic functions cannot be async): on the Linux ABIs koffi supports, a
 * variadic callee receives integer and pointer arguments exactly like a fixed one. koffi restores the
 * worker's errno before the async callback runs, so errno is read there.
 */
import type * as KoffiModule from 'koffi'

type Koffi = typeof KoffiModule

export interface IoctlOutcome {
  readonly result: number
  readonly errno: number
}

/** Native memory that does not move, for structs that hold pointers. */
export interface NativeBlock {
  readonly address: bigint
  readonly bytes: Uint8Array
  free(): void
}

export interface Libc {
  open(path: string, flags: number): IoctlOutcome
  close(fd: number): IoctlOutcome
  /** ioctl with an integer argument, on the calling thread. */
  ioctlValue(fd: number, request: number, value: number): IoctlOutcome
  /** ioctl with a pointer argument, on the calling thread. */
  ioctlPointer(fd: number, request: number, block: NativeBlock): IoctlOutcome
  /** ioctl with a pointer argument, on koffi's worker pool: the event loop keeps running meanwhile. */
  ioctlPointerAsync(fd: number, request: number, block: NativeBlock): Promise<IoctlOutcome>
  alloc(size: number): NativeBlock
}

export const O_RDWR = 0o2
export const O_CLOEXEC = 0o2000000

let loading: Promise<Libc> | undefined

const bind = (koffi: Koffi): Libc => {
  const lib = koffi.load('libc.so.6')
  const open = lib.func('open', 'int', ['str', 'int'])
  const close = lib.func('close', 'int', ['int'])
  const ioctlValue = lib.func('ioctl', 'int', ['int', 'unsigned long', 'unsigned long'])
  const ioctlPointer = lib.func('ioctl', 'int', ['int', 'unsigned long', 'void *'])
  const outcome = (result: number): IoctlOutcome => ({ result, errno: result < 0 ? koffi.errno() : 0 })
  const pointerOf = (block: NativeBlock) => handles.get(block)
  const handles = new WeakMap<NativeBlock, unknown>()
  return {
    open: (path, flags) => outcome(open(path, flags) as number),
    close: (fd) => outcome(close(fd) as number),
    ioctlValue: (fd, request, value) => outcome(ioctlValue(fd, request, value) as number),
    ioctlPointer: (fd, request, block) => outcome(ioctlPointer(fd, request, pointerOf(block)) as number),
    ioctlPointerAsync: (fd, request, block) =>
      new Promise((resolve, reject) => {
        ioctlPointer.async(fd, request, pointerOf(block), (error: unknown, result: number) => {
          if (error) reject(error instanceof Error ? error : new Error(String(error)))
          else resolve(outcome(result))
        })
      }),
    alloc: (size) => {
      const pointer: unknown = koffi.alloc('uint8', Math.max(1, size))
      let freed = false
      const block: NativeBlock = {
        address: koffi.address(pointer),
        bytes: new Uint8Array(koffi.view(pointer, Math.max(1, size))),
        free: () => {
          if (!freed) koffi.free(pointer)
          freed = true
        },
      }
      handles.set(block, pointer)
      return block
    },
  }
}

/** libc through koffi; koffi is imported here, on first call, never when the package root loads. */
export const loadLibc = (): Promise<Libc> => {
  loading ??= import('koffi').then((module: unknown) =>
    bind(((module as { default?: unknown }).default ?? module) as Koffi),
  )
  return loading
}
