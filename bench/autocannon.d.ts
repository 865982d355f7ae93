// Types for the part of autocannon's API the bench uses: the package ships none.
declare module 'autocannon' {
  namespace autocannon {
    interface RequestOptions {
      method?: string
      path?: string
      headers?: Record<string, string>
      body?: string
    }

    interface Options {
      url: string
      connections?: number
      /** Seconds. */
      duration?: number
      pipelining?: number
      /** Seconds before a request counts as timed out. */
      timeout?: number
      headers?: Record<string, string>
      /** Each connection sends these in turn and starts again after the last. */
      requests?: RequestOptions[]
    }

    interface Histogram {
      average: number
      mean: number
      stddev: number
      min: number
      max: number
      total: number
      p50: number
      p90: number
      p99: number
    }

    interface Result {
      /** Seconds. */
      duration: number
      errors: number
      timeouts: number
      non2xx: number
      /** Milliseconds per request. */
      latency: Histogram
      /** Requests per second, sampled each second. */
      requests: Histogram & { sent: number }
      /** Bytes per second, sampled each second. */
      throughput: Histogram
    }
  }

  /** The returned tracker is also a thenable that settles with the result. */
  function autocannon(options: autocannon.Options): PromiseLike<autocannon.Result>

  export = autocannon
}
