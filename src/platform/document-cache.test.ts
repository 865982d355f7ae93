import assert from 'node:assert/strict'
import { it } from 'node:test'
import type { CommitWatch } from '../db/commit-watch.ts'
import { DocumentCache } from './document-cache.ts'

/** A watch whose other processes are the test: it says when they committed and whether all is heard. */
type FakeWatch = CommitWatch & {
  heard: boolean
  otherCommitted: (keys: readonly string[] | undefined) => void
}

function fakeWatch(): FakeWatch {
  const listeners = new Set<(keys: readonly string[] | undefined) => void>()
  const watch: FakeWatch = {
    boundMs: 10,
    heard: true,
    caughtUp: () => watch.heard,
    announce: () => Promise.resolve(),
    subscribe: (listener) => {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    close: () => Promise.resolve(),
    otherCommitted: (keys) => {
      for (const listener of listeners) listener(keys)
    },
  }
  return watch
}

const bytes = (text: string) => Buffer.from(text)

it('answers a kept document by its key and its alias, and counts hits and misses', () => {
  const cache = new DocumentCache(fakeWatch())
  assert.equal(cache.get('a\t1'), undefined)
  cache.keep(cache.generation, 'a\t1', bytes('one'), 'a\tseq7')
  assert.equal(cache.get('a\t1')?.toString(), 'one')
  assert.equal(cache.get('a\tseq7')?.toString(), 'one')
  assert.equal(cache.get('b\tseq7'), undefined, 'an alias belongs to its account')
  assert.deepEqual(cache.stats(), { hits: 2, misses: 2, documents: 1, bytes: 3 })
})

it('forgets only the keys that changed, and their aliases lead nowhere until kept again', () => {
  const watch = fakeWatch()
  const cache = new DocumentCache(watch)
  cache.keep(cache.generation, 'a\t1', bytes('one'), 'a\tseq1')
  cache.keep(cache.generation, 'a\t2', bytes('two'))
  cache.forget(['a\t1'])
  assert.equal(cache.get('a\t1'), undefined)
  assert.equal(cache.get('a\tseq1'), undefined)
  assert.equal(cache.get('a\t2')?.toString(), 'two')
  watch.otherCommitted(['a\t2'])
  assert.equal(cache.get('a\t2'), undefined)
  cache.keep(cache.generation, 'a\t1', bytes('one, again'))
  assert.equal(cache.get('a\tseq1')?.toString(), 'one, again')
})

it('keeps nothing read before something was forgotten', () => {
  const cache = new DocumentCache(fakeWatch())
  const before = cache.generation
  cache.forget(['a\t9'])
  cache.keep(before, 'a\t1', bytes('maybe stale'))
  assert.equal(cache.get('a\t1'), undefined)
})

it('forgets everything when anything may have changed, and answers nothing while not caught up', () => {
  const watch = fakeWatch()
  const cache = new DocumentCache(watch)
  cache.keep(cache.generation, 'a\t1', bytes('one'))
  watch.heard = false
  assert.equal(cache.get('a\t1'), undefined)
  watch.heard = true
  assert.equal(cache.get('a\t1')?.toString(), 'one')
  watch.otherCommitted(undefined)
  assert.equal(cache.get('a\t1'), undefined)
  assert.equal(cache.stats().bytes, 0)
})

it('stays within its budget, dropping the oldest first, and never keeps a document too large for it', () => {
  const cache = new DocumentCache(fakeWatch(), 160)
  for (let n = 0; n < 20; n++) cache.keep(cache.generation, `a\t${n}`, Buffer.alloc(10, n))
  assert.deepEqual(cache.stats(), { hits: 0, misses: 0, documents: 16, bytes: 160 })
  assert.equal(cache.get('a\t3'), undefined)
  assert.equal(cache.get('a\t4')?.[0], 4)
  cache.keep(cache.generation, 'a\tbig', Buffer.alloc(11))
  assert.equal(cache.get('a\tbig'), undefined)
})
