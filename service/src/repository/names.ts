/** Model and version names are single path segments: no separators, no `..`, bounded length. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const VERSION_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** Whether `name` is a valid model name (safe as a directory name and a metric label). */
export const isValidModelName = (name: string): boolean => MODEL_NAME.test(name);
/** Whether `version` is a valid version name. */
export const isValidVersionName = (version: string): boolean => VERSION_NAME.test(version);

/** The expectation, for error messages. */
export const NAME_RULE = 'letters, digits, ".", "_" or "-", starting with a letter or digit';

/** Orders versions numerically when both are integers ("10" after "9"), otherwise as strings. */
export function compareVersions(a: string, b: string): number {
  const numeric = /^\d+$/;
  if (numeric.test(a) && numeric.test(b)) return Number(a) - Number(b) || a.localeCompare(b);
  return a.localeCompare(b);
}
