import { badRequest, describeValue } from '../errors.js';

/** Returns `value` as a plain JSON object or throws a 400 naming `field` and what was `expected`. */
export function expectObject(value: unknown, field: string, expected: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest(`${field}: expected ${expected}, got ${describeValue(value)}`);
  }
  return value as Record<string, unknown>;
}
