"""The benchmark's yardstick: a minimal FastAPI app that answers a constant text. `make bench`
serves it under the same uvicorn settings as the real app and reports pages against it."""

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse

app = FastAPI()


@app.get("/")
def constant() -> PlainTextResponse:
    return PlainTextResponse("ok")
