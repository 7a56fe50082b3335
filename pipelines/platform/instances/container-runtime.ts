import type { InstanceRuntime } from './runtime.js';

/** Runs instances as containers of the image `keelson build` made (placeholder until the container runner lands). */
export function createContainerRuntime(): InstanceRuntime {
  return {
    kind: 'container',
    start() {
      return Promise.reject(new Error('the container runtime is not available yet: use --runtime process'));
    },
  };
}
