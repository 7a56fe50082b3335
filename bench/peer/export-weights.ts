import { writeFileSync } from 'node:fs';
import { PENGUIN_LABELS } from '../../tools/penguins.js';
import { trainPenguinModels } from '../../tools/samples/index.js';

/**
 * Writes the weights of penguins v2 (the 4-16-3 tanh MLP) as JSON for `build_model.py`. The trainer is deterministic,
 * so these are the float32 numbers in `penguins/2/model.onnx`; the bench also checks that both servers agree.
 */
export function exportPenguinV2Weights(file: string): void {
  const { mlp } = trainPenguinModels();
  const json = {
    labels: [...PENGUIN_LABELS],
    mean: Array.from(mlp.mean),
    std: Array.from(mlp.std),
    layers: mlp.layers.map((layer) => ({
      inputSize: layer.inputSize,
      outputSize: layer.outputSize,
      weights: Array.from(layer.weights),
      bias: Array.from(layer.bias),
      activation: layer.activation,
    })),
  };
  writeFileSync(file, JSON.stringify(json));
}
