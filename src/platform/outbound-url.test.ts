import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkOutboundUrl, isForbiddenAddress } from './outbound-url.ts'

describe('addresses Ordo never calls', () => {
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

describe('URLs an account may make Ordo call', () => {
  const rules = { field: 'hook.url', headersField: 'hook.headers', allowInsecure: false }
  it('takes https, and plain http only where the account allows it', () => {
    assert.equal(checkOutboundUrl('https://erp.example/hook', rules).href, 'https://erp.example/hook')
    assert.throws(
      () => checkOutboundUrl('http://erp.example/hook', rules),
      /Only https scheme is accepted for hook\.url/,
    )
    assert.equal(checkOutboundUrl('http://10.0.0.5/hook', { ...rules, allowInsecure: true }).host, '10.0.0.5')
    assert.throws(
      () => checkOutboundUrl('ftp://erp.example/', { ...rules, allowInsecure: true }),
      /https and http/,
    )
  })
  it('refuses what is not a URL, credentials in it, and link-local or metadata hosts, naming the field', () => {
    assert.throws(() => checkOutboundUrl('erp.example', rules), /hook\.url must be an absolute URL/)
    assert.throws(() => checkOutboundUrl('https://u:p@erp.example/', rules), /send them in hook\.headers/)
    for (const url of [
      'https://169.254.169.254/latest',
      'https://[fe80::1]/',
      'https://[::ffff:a9fe:a9fe]/',
    ]) {
      assert.throws(() => checkOutboundUrl(url, rules), /hook\.url is a link-local or metadata address/, url)
    }
  })
})
