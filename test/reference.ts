// Validators of responses against VTEX's own OpenAPI document (read from ../shared/reference), for the contract
// tests of each feature.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'

const REFERENCE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../shared/reference/vtex-openapi/VTEX - Orders API.json',
)

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

/** The reference document itself. */
export const readReference = (): unknown => JSON.parse(readFileSync(REFERENCE, 'utf8'))

/** The schema of one response of one operation of the reference. */
export function referenceValidator(
  path: string,
  method: string,
  status: string,
  contentType = 'application/json',
): ValidateFunction {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false })
  addFormats.default(ajv)
  ajv.addSchema(readReference() as object, 'vtex')
  const schemaPath = pointer('paths', path, method, 'responses', status, 'content', contentType, 'schema')
  return ajv.compile({ $ref: `vtex#/${schemaPath}` })
}
