// The loop that follows the event stream: it steps until a step reaches the end, then idles until woken or
// its interval passes; a wake that comes while a step runs is not lost.
import assert from 'node:assert/strict'
import { it } from 'node:test'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { followStream, type StreamFollowerOptions } from '../src/worker/stream-follower.ts'
import { deferred, type Deferred } from './jobs.ts'

/** Lets what is already scheduled run: a step that is not coming does not come within these. */
const fewTurns = async () => {
  for (let turn = 0; turn < 5; turn++) await nextTurn()
}

it('steps again at once while more waits, after a wake that came during a step, and otherwise only when woken', async () => {
  const steps: Deferred<boolean>[] = []
  let started = deferred()
  const follower = followStream({
    step: () => {
      const step = deferred<boolean>()
      steps.push(step)
      started.resolve()
      return step.promise
    },
    // Far beyond the test: every step after the first comes from a wake or from "more".
    idleMs: 3_600_000,
    onError: (error) => assert.fail(String(error)),
  })
  const finish = async (more: boolean) => {
    started = deferred()
    steps.at(-1)?.resolve(more)
    await nextTurn()
  }

  await started.promise
  await finish(true)
  assert.equal(steps.length, 2, 'more was waiting: the next step at once')

  follower.wake()
  await finish(false)
  await started.promise
  assert.equal(steps.length, 3, 'woken during the step: another step, though it reached the end')

  await finish(false)
  await fewTurns()
  assert.equal(steps.length, 3, 'at the end and not woken: idle')

  follower.wake()
  await started.promise
  assert.equal(steps.length, 4)
  const stopped = follower.stop()
  await finish(false)
  await stopped
  assert.equal(steps.length, 4)
})

/** A follower whose steps are counted; `nextStep()` resolves once the step after the last one awaited has begun. */
function countedFollower(outcome: () => Promise<boolean>, options: Omit<StreamFollowerOptions, 'step'>) {
  let steps = 0
  let started = deferred()
  const follower = followStream({
    ...options,
    step: () => {
      steps++
      started.resolve()
      return outcome()
    },
  })
  const nextStep = async () => {
    await started.promise
    started = deferred()
  }
  return { follower, steps: () => steps, nextStep }
}

it('after a failing step, waits for the idle time or a wake instead of trying again at once', async () => {
  const errors: unknown[] = []
  const { follower, steps, nextStep } = countedFollower(
    () => Promise.reject(new Error('the database is away')),
    {
      idleMs: 3_600_000,
      onError: (error) => errors.push(error),
    },
  )
  await nextStep()
  await fewTurns()
  assert.equal(steps(), 1)
  assert.equal(errors.length, 1)
  follower.wake()
  await nextStep()
  assert.equal(steps(), 2)
  await follower.stop()
})

it('a wake waits the gather time, which further wakes do not cut short, so writes close together share a step', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const { follower, steps, nextStep } = countedFollower(() => Promise.resolve(false), {
    idleMs: 3_600_000,
    gatherMs: 50,
    onError: (error) => assert.fail(String(error)),
  })
  await nextStep()
  await fewTurns()
  follower.wake()
  await fewTurns()
  t.mock.timers.tick(49)
  follower.wake()
  await fewTurns()
  assert.equal(steps(), 1, 'still gathering')
  t.mock.timers.tick(1)
  await nextStep()
  assert.equal(steps(), 2, 'one step for both wakes')
  await fewTurns()
  assert.equal(steps(), 2, 'the wakes were read by that step: idle again')
  follower.wake()
  await fewTurns()
  await follower.stop()
  assert.equal(steps(), 2, 'a stop during the gather time ends it without another step')
})

it('a wake soon after a woken step waits out the spacing from its start; the looks of the idle time do not count', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] })
  const { follower, steps, nextStep } = countedFollower(() => Promise.resolve(false), {
    idleMs: 100,
    spacingMs: 50,
    onError: (error) => assert.fail(String(error)),
  })
  await nextStep()
  await fewTurns()
  t.mock.timers.tick(100)
  await nextStep()
  assert.equal(steps(), 2, 'the idle time passed: a look')
  await fewTurns()
  t.mock.timers.tick(10)
  follower.wake()
  await nextStep()
  assert.equal(steps(), 3, 'woken 10 ms after a look of the idle time: at once')
  await fewTurns()
  t.mock.timers.tick(10)
  follower.wake()
  await fewTurns()
  t.mock.timers.tick(39)
  await fewTurns()
  assert.equal(steps(), 3, 'within 50 ms of the step the last wake asked for')
  t.mock.timers.tick(1)
  await nextStep()
  assert.equal(steps(), 4)
  await follower.stop()
})
