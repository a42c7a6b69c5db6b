/**
 * Pure. The Linux errno numbers the bindings name (asm-generic values: x86, arm, arm64, riscv;
 * mips, alpha, sparc and parisc number some differently and are not supported targets).
 */
export const linuxErrno = {
  EPERM: 1,
  ENOENT: 2,
  EINTR: 4,
  EIO: 5,
  ENXIO: 6,
  EBADF: 9,
  EAGAIN: 11,
  EACCES: 13,
  EBUSY: 16,
  ENODEV: 19,
  EINVAL: 22,
  ENOTTY: 25,
  EPROTO: 71,
  EBADMSG: 74,
  EOPNOTSUPP: 95,
  ETIMEDOUT: 110,
  EREMOTEIO: 121,
} as const

/** The symbolic name of a Linux errno for messages, e.g. 6 -> "ENXIO"; unknown numbers print as "errno 42". */
export const errnoName = (errno: number): string => {
  for (const [name, value] of Object.entries(linuxErrno)) if (value === errno) return name
  return `errno ${errno}`
}
