/** The last `count` non-empty lines of a command's output, for error messages. */
export function tail(text: string, count = 15): string {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-count)
    .join('\n');
}
