/** Progress output for pipeline steps: events keyed on `kind`, a spinner on a terminal, plain lines in CI. */
export { formatDuration, formatPlain, plainFormatters, type StepEvent, type StepEventKind } from './events.js';
export { chooseMode, createReporter, type Reporter, type ReporterMode, type ReporterOptions } from './reporter.js';
export { runStep, type ProgressFn } from './step.js';
