import type { ModelManifest, TensorSpec } from '../manifest.js';
import type { GraphSignature, GraphTensor } from '../runtime/onnx-session.js';

/**
 * Compares the manifest's declared signature with what the ONNX graph says, so validation (which trusts
 * the manifest) never lets through a request the graph would reject. Returns the problems found.
 */
export function signatureProblems(manifest: ModelManifest, graph: GraphSignature): string[] {
  const problems: string[] = [];
  const check = (kind: 'input' | 'output', declared: TensorSpec[], actual: GraphTensor[]) => {
    for (const spec of declared) {
      const tensor = actual.find((t) => t.name === spec.name);
      if (!tensor) {
        problems.push(`manifest ${kind} "${spec.name}" is not in the ONNX graph (graph ${kind}s: ${actual.map((t) => t.name).join(', ')})`);
        continue;
      }
      if (tensor.datatype !== spec.datatype) problems.push(`${kind} "${spec.name}": manifest says ${spec.datatype}, graph says ${tensor.ortType}`);
      if (tensor.shape.length > 0 && (tensor.shape.length !== spec.shape.length || tensor.shape.some((d, i) => d >= 0 && spec.shape[i] !== d))) {
        problems.push(`${kind} "${spec.name}": manifest shape ${JSON.stringify(spec.shape)} does not fit graph shape ${JSON.stringify(tensor.shape)}`);
      }
    }
  };
  check('input', manifest.inputs, graph.inputs);
  check('output', manifest.outputs, graph.outputs);
  const missing = graph.inputs.filter((t) => !manifest.inputs.some((s) => s.name === t.name));
  if (missing.length > 0) problems.push(`graph inputs missing from the manifest: ${missing.map((t) => t.name).join(', ')}`);
  return problems;
}
