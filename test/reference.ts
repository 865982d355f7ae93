// Validators of responses against VTEX's own OpenAPI document (read from ../shared/reference), for the contract
// tests of each feature.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Ajv, type ValidateFunction } from 'ajv'
import addFormats from 'ajv-formats'

const REFERENCES = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/reference/vtex-openapi')
const REFERENCE = resolve(REFERENCES, 'VTEX - Orders API.json')
/** The protocol a marketplace speaks to its external sellers. */
export const SELLER_PROTOCOL = resolve(
  REFERENCES,
  'VTEX - Marketplace Protocol - External Seller Fulfillment.json',
)

const pointer = (...parts: string[]) => parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')

/** The reference document itself. */
export const readReference = (): unknown => JSON.parse(readFileSync(REFERENCE, 'utf8'))

/** The schema of one response of one operation of the reference (or of another of its documents). */
export function referenceValidator(
  path: string,
  method: string,
  status: string,
  contentType = 'application/json',
  document = REFERENCE,
): ValidateFunction {
  return schemaValidator(
    document,
    pointer('paths', path, method, 'responses', status, 'content', contentType, 'schema'),
  )
}

/** One Ajv per document, holding it: reading and adding the reference for each validator took seconds. */
const validators = new Map<string, Ajv>()

/** The schema at `schemaPath` (a JSON pointer without its #) of one of the reference's documents. */
export function schemaValidator(document: string, schemaPath: string): ValidateFunction {
  let ajv = validators.get(document)
  if (!ajv) {
    ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false })
    addFormats.default(ajv)
    ajv.addSchema(JSON.parse(readFileSync(document, 'utf8')) as object, 'vtex')
    validators.set(document, ajv)
  }
  return ajv.compile({ $ref: `vtex#/${schemaPath}` })
}
