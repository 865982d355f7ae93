// Re-running a use case that lost a race. Its transaction rolled back, so running it again is safe.
import { AppError } from './errors.ts'

const MAX_ATTEMPTS = 12

/** Unique-key races and busy databases on either dialect: the loser re-reads and decides again. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof AppError) return error.code === 'VERSION_CONFLICT'
  const code = (error as { code?: unknown } | null)?.code
  return (
    code === '23505' || // pg unique_violation
    code === '40001' || // pg serialization_failure
    code === '40P01' || // pg deadlock_detected
    // SQLITE_BUSY_SNAPSHOT: another connection (the CLI, another server) committed between our read and write.
    (typeof code === 'string' && code.startsWith('SQLITE_BUSY')) ||
    code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
  )
}

export async function retryOnConflict<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run()
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryable(error)) {
        if (isRetryable(error) && !(error instanceof AppError)) {
          throw new AppError('VERSION_CONFLICT', 'The order changed concurrently; retry the request.')
        }
        throw error
      }
      // A little jitter keeps a crowd of losers from colliding again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt))
    }
  }
}
