// JSONata expressions as feeds, hooks and the test endpoint use them: compiled with JSONata's own time and depth
// guardrails, and read as true or false the way JSONata's $boolean reads a value. Pure.
import jsonata from 'jsonata'
import { validationFailed } from '../../platform/errors.ts'

/** One evaluation may take this long and nest this deep: an expression that loops fails instead of hanging. */
export const EXPRESSION_LIMITS = { timeout: 100, stack: 200 } as const

const messageOf = (error: unknown): string => {
  const { message, code } = (error ?? {}) as { message?: unknown; code?: unknown }
  const text = typeof message === 'string' && message ? message : 'the expression could not be evaluated'
  return typeof code === 'string' ? `${text} (${code})` : text
}

export type Expression = jsonata.Expression

export function compileExpression(text: string): Expression {
  try {
    return jsonata(text, EXPRESSION_LIMITS)
  } catch (error) {
    throw validationFailed(`Invalid JSONata expression: ${messageOf(error)}.`)
  }
}

/** Whether the document meets the expression. An expression that fails on it (or runs too long) is a 400. */
export async function meetsExpression(expression: Expression, document: unknown): Promise<boolean> {
  let result: unknown
  try {
    result = await expression.evaluate(document)
  } catch (error) {
    throw validationFailed(`The JSONata expression failed on the document: ${messageOf(error)}.`)
  }
  return truthy(result)
}

/** JSONata's $boolean: empty and zero-like values are false, a sequence is true when any member is. */
function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false
  if (Array.isArray(value)) return value.some(truthy)
  if (typeof value === 'string') return value.length > 0
  if (typeof value === 'number') return value !== 0
  if (typeof value === 'boolean') return value
  if (typeof value === 'function') return false
  return Object.keys(value).length > 0
}
