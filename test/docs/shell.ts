/**
 * The simple commands of a shell snippet, as argv arrays: enough of POSIX sh for the docs' examples
 * (quotes, comments, line continuations, `&&`, `||`, `|`, `;`, `&`, redirections, `$(...)`, leading
 * `VAR=value` assignments). Command substitutions are returned as commands of their own.
 */
export function shellCommands(script: string): string[][] {
  const commands: string[][] = [];
  for (const line of script.replace(/\\\n/g, ' ').split('\n')) splitLine(line, commands);
  return commands.filter((argv) => argv.length > 0);
}

function splitLine(line: string, out: string[][]): void {
  let words: string[] = [];
  let word: string | undefined;
  const endWord = (): void => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = (): void => {
    endWord();
    out.push(withoutRedirections(withoutAssignments(words)));
    words = [];
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close === -1) throw new Error(`unterminated ' in: ${line}`);
      word = (word ?? '') + line.slice(i + 1, close);
      i = close;
    } else if (c === '"') {
      let text = '';
      for (i++; i < line.length && line[i] !== '"'; i++) {
        if (line[i] === '\\' && i + 1 < line.length) text += line[++i];
        else if (line.startsWith('$(', i)) i = substitution(line, i, out, (s) => (text += s));
        else text += line[i];
      }
      if (i >= line.length) throw new Error(`unterminated " in: ${line}`);
      word = (word ?? '') + text;
    } else if (c === '\\' && i + 1 < line.length) {
      word = (word ?? '') + line[++i];
    } else if (line.startsWith('$(', i)) {
      i = substitution(line, i, out, (s) => (word = (word ?? '') + s));
    } else if (c === '#' && word === undefined) {
      break;
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === ';' || c === '|' || (c === '&' && !(word ?? '').endsWith('>'))) {
      if (line[i + 1] === c) i++;
      endCommand();
    } else {
      word = (word ?? '') + c;
    }
  }
  endCommand();
}

/** Parses `$(...)` starting at `i` as commands of its own; the word gets a placeholder. Returns the index of `)`. */
function substitution(line: string, i: number, out: string[][], append: (s: string) => void): number {
  let depth = 0;
  for (let j = i + 1; j < line.length; j++) {
    if (line[j] === '(') depth++;
    else if (line[j] === ')' && --depth === 0) {
      splitLine(line.slice(i + 2, j), out);
      append('$(…)');
      return j;
    }
  }
  throw new Error(`unterminated $( in: ${line}`);
}

function withoutAssignments(words: string[]): string[] {
  let start = 0;
  while (start < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[start]!)) start++;
  return words.slice(start);
}

function withoutRedirections(words: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const redirect = /^\d*(?:>>?|<)(&\d+)?(.*)$/.exec(words[i]!);
    if (!redirect) kept.push(words[i]!);
    else if (redirect[1] === undefined && redirect[2] === '') i++;
  }
  return kept;
}
