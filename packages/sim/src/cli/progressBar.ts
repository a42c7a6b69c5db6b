/**
 * A progress bar on stderr: drawn only when stderr is a TTY and the work has already taken more than
 * a second (short runs stay quiet; pipes and CI logs never get control characters).
 */
export interface ProgressBar {
  readonly update: (done: number, total: number) => void
  readonly finish: () => void
}

export const createProgressBar = (
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): ProgressBar => {
  const started = performance.now()
  let drawn = false
  const enabled = stream.isTTY === true
  return {
    update: (done, total) => {
      if (!enabled || performance.now() - started < 1000) return
      const width = 30
      const filled = total === 0 ? width : Math.round((done / total) * width)
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`)
      drawn = true
    },
    finish: () => {
      if (drawn) stream.write('\r\x1b[2K')
    },
  }
}
