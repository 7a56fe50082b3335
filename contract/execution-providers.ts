/** onnxruntime execution provider names that onnxruntime-node's binding parses (each only where compiled in). */
export const EXECUTION_PROVIDERS = ['cpu', 'cuda', 'tensorrt', 'webgpu', 'dml', 'coreml', 'qnn'] as const;
export type ExecutionProvider = (typeof EXECUTION_PROVIDERS)[number];

/** What a GPU pod asks for when the deploy spec names no providers: CUDA, and start-up fails without it. */
export const GPU_EXECUTION_PROVIDERS: readonly ExecutionProvider[] = ['cuda', 'cpu'];
