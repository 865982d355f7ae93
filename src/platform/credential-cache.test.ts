// Unit tests of the credential cache: real-time expiry, credential expiry, and forgetting a revoked key.
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CACHE_TTL_MS, CredentialCache } from './credential-cache.ts'
import type { Principal } from './principal.ts'

const principal = (appKey: string | null): Principal => ({
  account: 'acme',
  appKey,
  roles: ['OMS - Read only'],
  resources: new Set(['View order', 'List Orders'] as const),
  shopperEmail: null,
})

describe('CredentialCache', () => {
  it('keeps an entry for CACHE_TTL_MS of real time, whatever the business clock says', () => {
    let real = 0
    const cache = new CredentialCache(() => real)
    cache.set('k', principal('key-1'))
    assert.ok(cache.get('k', 0))
    real = CACHE_TTL_MS - 1
    assert.ok(cache.get('k', 10 ** 12))
    real = CACHE_TTL_MS
    assert.equal(cache.get('k', 0), undefined)
  })

  it('drops an entry once the credential itself expires in business time', () => {
    const cache = new CredentialCache(() => 0)
    cache.set('token', principal('key-1'), 5000)
    assert.ok(cache.get('token', 4999))
    assert.equal(cache.get('token', 5000), undefined)
  })

  it('forgets a key and the tokens minted from it, and nothing else', () => {
    const cache = new CredentialCache(() => 0)
    cache.set('key-1\nhash', principal('key-1'))
    cache.set('token-of-key-1', principal('key-1'))
    cache.set('key-2\nhash', principal('key-2'))
    cache.forgetKey('key-1')
    assert.equal(cache.get('key-1\nhash', 0), undefined)
    assert.equal(cache.get('token-of-key-1', 0), undefined)
    assert.ok(cache.get('key-2\nhash', 0))
  })
})
