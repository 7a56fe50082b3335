"""Builds the peer's model: scikit-learn's StandardScaler + MLPClassifier with the weights of keelson's penguins v2.

Usage: python3 build_model.py WEIGHTS_JSON OUT_JOBLIB

WEIGHTS_JSON is written by bench/peer/export-weights.ts from the TypeScript trainer (the same float32 numbers that
are in penguins/2/model.onnx): {"mean", "std", "labels", "layers": [{"inputSize", "outputSize", "weights"
(row-major [in, out]), "bias", "activation"}]}. The MLP is first fitted for one iteration on a dummy row per class,
only so scikit-learn sets up its internal state (classes, output activation, layer count); the trained weights
then replace the dummy ones. Nothing is retrained, so both servers compute the same function.
"""
import json
import sys
import warnings

import joblib
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def build(weights):
    layers = weights["layers"]
    hidden = layers[:-1]
    activations = {layer["activation"] for layer in hidden}
    if len(activations) != 1 or layers[-1]["activation"] != "none":
        raise SystemExit(f"expected one hidden activation and a linear output layer, got {[l['activation'] for l in layers]}")
    activation = activations.pop()
    n_in = layers[0]["inputSize"]
    n_classes = layers[-1]["outputSize"]

    scaler = StandardScaler()
    scaler.fit(np.zeros((2, n_in)))
    scaler.mean_ = np.asarray(weights["mean"], dtype=np.float64)
    scaler.scale_ = np.asarray(weights["std"], dtype=np.float64)
    scaler.var_ = scaler.scale_ ** 2

    mlp = MLPClassifier(hidden_layer_sizes=[layer["outputSize"] for layer in hidden], activation=activation, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(np.zeros((n_classes, n_in)), np.arange(n_classes))
    mlp.coefs_ = [np.asarray(l["weights"], dtype=np.float64).reshape(l["inputSize"], l["outputSize"]) for l in layers]
    mlp.intercepts_ = [np.asarray(l["bias"], dtype=np.float64) for l in layers]
    return make_pipeline(scaler, mlp)


def main():
    weights_file, out_file = sys.argv[1], sys.argv[2]
    with open(weights_file) as f:
        weights = json.load(f)
    joblib.dump({"pipeline": build(weights), "labels": weights["labels"]}, out_file)


if __name__ == "__main__":
    main()
