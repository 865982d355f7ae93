// The README's tour, pasted as a reader would: its shell blocks, in order, in one bash against a real `ordo serve`.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { it } from 'node:test'
import type { PlacedGroupBody } from '../api.ts'
import { describeEachDialect, keyHeaders } from '../harness.ts'
import { printedKey } from '../local-server.ts'
import { sandbox } from './process.ts'

const README = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8')

/** The ```sh blocks from the tour's heading to the next heading of its level. */
function tourBlocks(markdown: string): string[] {
  const tour = /^## A 5-minute tour\n([\s\S]*?)^## /m.exec(markdown)?.[1]
  assert.ok(tour, 'README.md has a "## A 5-minute tour" section')
  return [...tour.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '')
}

it('the README starts with npm ci && npm start, then npm test', () => {
  const first = /^```sh\n([\s\S]*?)^```$/m.exec(README)?.[1] ?? ''
  const commands = first.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim())
  assert.deepEqual(commands.filter(Boolean), ['npm ci && npm start', 'npm test'])
})

describeEachDialect('README tour', (dialect) => {
  it('runs block after block without an error and leaves the orders where it says', async (t) => {
    const { serve, bash } = await sandbox(t, dialect)
    const server = await serve()
    const admin = printedKey(server.stdout())
    assert.ok(admin, server.stdout())
    const blocks = tourBlocks(README)
    assert.equal(blocks.length, 6, 'the tour has its six steps')

    // `set -euo pipefail` stops at the first command that fails; curl -f fails on an HTTP error. The README
    // defines ORDO itself; the environment points it at this server.
    const script = [...blocks, 'printf "\\n%s %s\\n" "$ORDER_GROUP" "$ORDER_ID"'].join('\n')
    const tour = await bash(script, { ORDO: server.url })
    assert.equal(tour.code, 0, `the tour stopped (exit ${String(tour.code)}):\n${tour.stderr}`)
    const [orderGroup = '', orderId = ''] = tour.stdout.trimEnd().split('\n').at(-1)?.split(' ') ?? []

    const headers = keyHeaders(admin)
    // Step 4 approves the group's payment, with no grace period, and starts handling the first order only;
    // step 5 invoices that one in full and reports its delivery. The second order is the partner's, which the
    // server's worker takes to the partner's account: once paid, it waits there for the partner's handling.
    assert.match(tour.stdout, /invoiced true$/m)
    const expected = [
      [`${orderGroup}-01`, 'invoiced'],
      [`${orderGroup}-02`, 'waiting-seller-handling'],
    ]
    let statuses: string[][] = []
    for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
      const group = await server.request('GET', `/api/oms/pvt/orders/order-group/${orderGroup}`, { headers })
      assert.equal(group.status, 200, group.text)
      statuses = (group.body as PlacedGroupBody['orders']).map((order) => [order.orderId, order.status])
      if (JSON.stringify(statuses) === JSON.stringify(expected)) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    assert.deepEqual(statuses, expected)
    assert.equal(orderId, `${orderGroup}-01`)
    // Step 6 lists the one invoiced order, then exports it as CSV: a header and its row.
    assert.match(tour.stdout, new RegExp(`^1 ${orderId}$`, 'm'))
    assert.match(tour.stdout, /^orderId,sequence,creationDate,status,/m)
    assert.match(tour.stdout, new RegExp(`^${orderId},\\d+,[^,]+,invoiced,Faturado,Ana Silva,10980,`, 'm'))
  })
})
