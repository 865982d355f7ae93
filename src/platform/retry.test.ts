// Unit tests of which failures re-run a use case.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { AppError } from './errors.ts'
import { isRetryable, retryOnConflict } from './retry.ts'

describe('isRetryable', () => {
  it('re-runs lost races on either dialect and nothing else', () => {
    for (const code of [
      '23505',
      '40001',
      '40P01',
      'SQLITE_BUSY',
      'SQLITE_BUSY_SNAPSHOT',
      'SQLITE_CONSTRAINT_UNIQUE',
    ]) {
      assert.ok(isRetryable({ code }), code)
    }
    assert.ok(isRetryable(new AppError('VERSION_CONFLICT', 'x')))
    for (const error of [new AppError('ORDER_NOT_FOUND', 'x'), { code: '22P02' }, new Error('boom'), null]) {
      assert.equal(isRetryable(error), false)
    }
  })

  it('turns a race still lost after every attempt into VERSION_CONFLICT', async () => {
    let attempts = 0
    await assert.rejects(
      retryOnConflict(() => {
        attempts += 1
        return Promise.reject(Object.assign(new Error('busy'), { code: 'SQLITE_BUSY_SNAPSHOT' }))
      }),
      (error: unknown) => error instanceof AppError && error.code === 'VERSION_CONFLICT',
    )
    assert.ok(attempts > 1)
  })
})
