// One process of `npm test` (scripts/test.js): asks for a test file, runs it to the end as one test of
// node:test, and asks again until none is left. Runs under tsx, which compiles the TypeScript the files import.
import { resolve } from 'node:path'
import process from 'node:process'
import { describe } from 'node:test'
import { pathToFileURL } from 'node:url'

/** @returns {Promise<string | null>} */
const next = () =>
  new Promise((answer) => {
    process.once('message', (file) => answer(typeof file === 'string' ? file : null))
    process.send?.('next')
  })

// The suites a file declares as it is imported become subtests of the file's test, which ends with them.
for (let file = await next(); file; file = await next()) {
  await describe(file, () => import(pathToFileURL(resolve(file)).href))
}
process.disconnect()
