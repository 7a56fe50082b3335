#!/usr/bin/env bash
# The device check, as one script with a bound: bench/gpu/run.ts with a limit, its JSON under $OUT (or bench/results).
# Run on a machine with an NVIDIA GPU from the repository root, after `npm ci` (and the CUDA provider libraries:
# ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js, or the GPU image).
set -euo pipefail
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi: not found"
ls node_modules/onnxruntime-node/bin/napi-v*/linux/x64/ || true
timeout "${BENCH_GPU_TIMEOUT:-300}" npx tsx bench/gpu/run.ts "$@"
