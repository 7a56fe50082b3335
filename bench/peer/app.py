"""The peer: penguins v2 served the way the typical tutorial does it, FastAPI + scikit-learn + joblib under uvicorn.

It speaks the same Open Inference Protocol (v2) request and response as keelson for the benchmark's one route:
POST /v2/models/penguins[/versions/2]/infer, plus GET /v2/health/ready. The model file is named by PEER_MODEL
(written by build_model.py). Run: uvicorn app:app --app-dir bench/peer --workers N
"""
import os
from typing import List, Union

import joblib
import numpy as np
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

bundle = joblib.load(os.environ["PEER_MODEL"])
pipeline = bundle["pipeline"]

app = FastAPI(title="penguins peer")


class RequestInput(BaseModel):
    name: str
    datatype: str
    shape: List[int]
    data: List[Union[float, int]]


class InferenceRequest(BaseModel):
    inputs: List[RequestInput]


@app.get("/v2/health/ready")
def ready():
    return {"ready": True}


@app.post("/v2/models/penguins/infer")
@app.post("/v2/models/penguins/versions/2/infer")
def infer(request: InferenceRequest):
    features = next((i for i in request.inputs if i.name == "features"), None)
    if features is None or len(features.shape) != 2 or features.shape[1] != 4:
        raise HTTPException(status_code=400, detail="expected input 'features' with shape [N, 4]")
    x = np.asarray(features.data, dtype=np.float32).reshape(features.shape)
    probabilities = pipeline.predict_proba(x)
    labels = probabilities.argmax(axis=1)
    return {
        "model_name": "penguins",
        "model_version": "2",
        "outputs": [
            {"name": "probabilities", "datatype": "FP32", "shape": list(probabilities.shape), "data": probabilities.ravel().tolist()},
            {"name": "label", "datatype": "INT64", "shape": [len(labels)], "data": labels.tolist()},
        ],
    }
