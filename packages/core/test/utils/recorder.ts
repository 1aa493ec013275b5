/**
 * What a program lets out besides its result, for the tests that read it: every span it started and
 * every log line it wrote (as JSON).
 */
import { Logger, Tracer } from "effect"

/** A tracer and a logger that keep what they are given. */
export const makeRecorder = () => {
  const spans: Array<Tracer.NativeSpan> = []
  const lines: Array<string> = []
  const tracer = Tracer.make({
    span(options) {
      const span = new Tracer.NativeSpan(options)
      spans.push(span)
      return span
    }
  })
  const logger = Logger.map(Logger.formatJson, (line) => {
    lines.push(line)
  })
  return { spans, lines, tracer, logger }
}
