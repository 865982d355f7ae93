import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isForbiddenAddress } from './hook.ts'

describe('addresses a hook may not reach', () => {
  it('refuses link-local and metadata addresses in every spelling, and allows the rest', () => {
    for (const address of [
      '169.254.169.254',
      '0.0.0.0',
      '100.100.100.200',
      'fe80::1',
      '::',
      'fd00:ec2::254',
      '::ffff:169.254.169.254',
      // How a URL writes the line above: new URL('http://[::ffff:169.254.169.254]/').hostname
      '::ffff:a9fe:a9fe',
    ]) {
      assert.equal(isForbiddenAddress(address), true, address)
    }
    for (const address of ['127.0.0.1', '10.0.0.5', '192.168.1.10', '::1', '2001:db8::1', '::ffff:7f00:1']) {
      assert.equal(isForbiddenAddress(address), false, address)
    }
  })
})
