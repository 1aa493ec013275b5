/**
 * Helpers shared by the benchmark driver and its workers: the fake server in its own process,
 * workers in fresh processes, and small statistics.
 */
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as readline from "node:readline"

/** What `fake-ovh` prints on start. */
export interface FakeInfo {
  readonly baseUrl: string
  readonly caFile?: string | undefined
  readonly applicationKey: string
  readonly applicationSecret: string
  readonly consumerKey: string
}

/** A running fake server process. */
export interface Fake {
  readonly info: FakeInfo
  readonly pid: number
  /** CPU time (user + system, µs) the server process has used so far, from /proc. */
  readonly cpuMicros: () => number
  readonly rssMb: () => number
  readonly stop: () => Promise<void>
}

const root = new URL("..", import.meta.url).pathname

/** Starts `fake-ovh --port 0` (with `--tls` for HTTPS, `--latency` when given) in its own process and waits for its JSON line. */
export const startFake = (options: {
  readonly tls: boolean
  readonly dataFile?: string | undefined
  /** Milliseconds every answer waits (`--latency`). */
  readonly latencyMs?: number | undefined
}): Promise<Fake> =>
  new Promise((resolve, reject) => {
    const args = ["packages/testing/src/bin.ts", "--port", "0"]
    if (options.tls) args.push("--tls")
    if (options.dataFile !== undefined) args.push("--data", options.dataFile)
    if (options.latencyMs !== undefined) args.push("--latency", String(options.latencyMs))
    const child = childProcess.spawn(process.execPath, args, { cwd: root, stdio: ["ignore", "pipe", "inherit"] })
    const lines = readline.createInterface({ input: child.stdout })
    child.once("exit", (code) => reject(new Error(`fake-ovh exited with ${code}`)))
    lines.once("line", (line) => {
      const info = JSON.parse(line) as FakeInfo
      const pid = child.pid!
      const ticks = 100 // USER_HZ on Linux
      resolve({
        info,
        pid,
        cpuMicros: () => {
          const fields = readProc(`/proc/${pid}/stat`).split(") ")[1]!.split(" ")
          return ((Number(fields[11]) + Number(fields[12])) / ticks) * 1e6
        },
        rssMb: () => {
          const match = /VmRSS:\s+(\d+) kB/.exec(readProc(`/proc/${pid}/status`))
          return match ? Number(match[1]) / 1024 : NaN
        },
        stop: () =>
          new Promise<void>((done) => {
            child.removeAllListeners("exit")
            child.once("exit", () => done())
            child.kill("SIGTERM")
          })
      })
    })
  })

const readProc = (file: string): string => {
  try {
    return fs.readFileSync(file, "utf8")
  } catch {
    return ""
  }
}

/** Runs `bench/worker.ts` with `task` in a fresh Node process and returns the JSON it prints last. */
export const runWorker = <A>(task: Record<string, unknown>, env: Record<string, string> = {}): Promise<A> =>
  new Promise((resolve, reject) => {
    const child = childProcess.spawn(process.execPath, ["bench/worker.ts", JSON.stringify(task)], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"]
    })
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()))
    child.once("exit", (code) => {
      const last = out.trim().split("\n").pop() ?? ""
      if (code !== 0) return reject(new Error(`worker ${JSON.stringify(task)} exited with ${code}: ${out}`))
      try {
        resolve(JSON.parse(last) as A)
      } catch (error) {
        reject(error)
      }
    })
  })

/** The median of `values` (NaN when empty). */
/** The number after `name` in `argv` (`--rounds 5`), or `fallback` when the flag is absent. */
export const numberOption = (argv: ReadonlyArray<string>, name: string, fallback: number): number => {
  const i = argv.indexOf(name)
  return i >= 0 ? Number(argv[i + 1]) : fallback
}

export const median = (values: ReadonlyArray<number>): number => {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The `q` quantile (0..1) of `values`, nearest rank. */
export const quantile = (values: ArrayLike<number>, q: number): number => {
  const sorted = Float64Array.from(values).sort()
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!
}

/** Relative spread of `values`: (max - min) / median, as a percentage. */
export const spread = (values: ReadonlyArray<number>): number => {
  const m = median(values)
  return values.length < 2 || !m ? 0 : ((Math.max(...values) - Math.min(...values)) / m) * 100
}
