"""The peer for benches/compare/serve.sh: the Python server people write today for a fastText
classifier, FastAPI + uvicorn + the `fasttext` wheel, answering BlazingText's request shape on
POST /invocations. Run: MODEL=clf.bin uvicorn serve_peer:app --workers N --no-access-log."""

import os

import fasttext
from fastapi import FastAPI, Request, Response

model = fasttext.load_model(os.environ["MODEL"])
app = FastAPI()


@app.get("/ping")
def ping():
    return Response(status_code=200)


@app.post("/invocations")
async def invocations(request: Request):
    body = await request.json()
    k = body.get("configuration", {}).get("k", 1)
    labels, probs = model.predict(body["instances"], k=k)
    return [
        {"label": list(label), "prob": [float(p) for p in prob]}
        for label, prob in zip(labels, probs)
    ]
