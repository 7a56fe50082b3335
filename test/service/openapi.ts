import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';

/** Validators for the response schemas of the official OIP OpenAPI description (copied into test/fixtures). */
const doc = parse(readFileSync(new URL('../fixtures/open_inference_rest.yaml', import.meta.url), 'utf8')) as { components: unknown };
const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addSchema({ $id: 'oip', components: doc.components });

const cache = new Map<string, ValidateFunction>();

/** Throws with ajv's errors unless `body` matches `components.schemas.<name>`. */
export function expectSchema(name: string, body: unknown): void {
  let validate = cache.get(name);
  if (!validate) {
    validate = ajv.compile({ $ref: `oip#/components/schemas/${name}` });
    cache.set(name, validate);
  }
  if (!validate(body)) throw new Error(`response does not match ${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
}
