import type { ExecResult } from '../steps/exec.js';
import { tail } from '../steps/output.js';

/** A failure on the container path, carrying what went wrong and what the user can do about it. */
export class ContainerError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ContainerError';
  }
}

/** A required program is not installed (or not on PATH). */
export class ToolMissingError extends ContainerError {
  constructor(
    readonly tool: string,
    hint: string,
  ) {
    super(`'${tool}' was not found on PATH`, hint);
    this.name = 'ToolMissingError';
  }
}

/** A program ran and failed; the message quotes the command and the end of its output. */
export class CommandFailedError extends ContainerError {
  constructor(
    readonly action: string,
    readonly commandLine: string,
    readonly result: ExecResult,
    hint?: string,
  ) {
    const output = tail(`${result.stdout}\n${result.stderr}`);
    super(
      `${action} failed (exit code ${result.code ?? 'none: killed'}): ${commandLine}` +
        (output ? `\n${indent(output)}` : ''),
      hint,
    );
    this.name = 'CommandFailedError';
  }
}

/** A user-supplied value is invalid: names the option, the value and what was expected. */
export class InvalidOptionError extends ContainerError {
  constructor(option: string, value: string, expected: string) {
    super(`${option} '${value}' is invalid: expected ${expected}`);
    this.name = 'InvalidOptionError';
  }
}

/** Throws `CommandFailedError` unless the command succeeded; returns its result otherwise. */
export function check(action: string, command: string, args: readonly string[], result: ExecResult, hint?: string): ExecResult {
  if (!result.ok) throw new CommandFailedError(action, [command, ...args].join(' '), result, hint);
  return result;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
