/** Pure. Linux errno numbers (asm-generic) to their names, for error details. */
const names: Record<number, string> = {
  1: 'EPERM',
  2: 'ENOENT',
  4: 'EINTR',
  5: 'EIO',
  6: 'ENXIO',
  9: 'EBADF',
  11: 'EAGAIN',
  13: 'EACCES',
  16: 'EBUSY',
  19: 'ENODEV',
  22: 'EINVAL',
  25: 'ENOTTY',
  95: 'EOPNOTSUPP',
  110: 'ETIMEDOUT',
}

export const errnoName = (errno: number): string => names[errno] ?? `errno ${errno}`
