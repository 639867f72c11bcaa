"""Application factory. Nothing touches the database at import time."""

from collections.abc import Hashable
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.analysis.lru import Lru
from app.config import Settings, get_settings
from app.errors import (
    AppError,
    BadRequest,
    Busy,
    NotFound,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
)
from app.ops import server
from app.pages.stamp import Stamp
from app.serving.page_cache import PageCache
from app.serving.render import PARTS, PARTS_BYTES, STAMPS, STAMPS_BYTES, render
from app.serving.site import RevisionPoller
from app.serving.zipped import Rendered
from app.state import BadParam
from app.store import permalinks
from app.store.db import make_engine
from app.web import middleware
from app.web.guards import image_slots
from app.web.middleware.security_headers import SECURITY_HEADERS


def _is_api(request: Request) -> bool:
    # The data package's files and every JSON download are read by programs too: their
    # errors are JSON.
    path = request.url.path
    return path.startswith(("/api/", "/data/")) or path.endswith(".json")


def error_response(request: Request, err: AppError) -> Response:
    if _is_api(request):
        body: dict[str, Any] = {"code": err.code, "message": err.message, "field": err.field}
        if err.allowed:
            body["allowed"] = list(err.allowed)
        if err.suggestions:
            body["suggestions"] = list(err.keys) or [label for label, _ in err.suggestions]
        if isinstance(err, Unprocessable):
            body["problems"] = [{"path": p, "message": msg} for p, msg in err.problems]
        response: Response = JSONResponse({"error": body}, status_code=err.status)
        if isinstance(err, Unauthorized):
            response.headers["WWW-Authenticate"] = "Bearer"
        return response
    if isinstance(err, Unauthorized) and request.method == "GET":
        # A page for editors: sign in, then come back.
        target = "/login?" + urlencode({"next": request.url.path})
        return RedirectResponse(target, 303, headers={"Cache-Control": "no-store"})
    titles = {
        400: "Bad request",
        401: "Sign in needed",
        403: "Forbidden",
        404: "Not found",
        405: "Method not allowed",
        409: "Conflict",
        413: "Too large",
        422: "Not accepted",
        429: "Too many attempts",
        500: "Server error",
    }
    return render(
        request,
        "error.html",
        {"err": err, "title": titles.get(err.status, "Error"), "meta": None},
        status=err.status,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    # long: the app's wiring in one place: settings, state, routers and each error's handler
    settings = settings or get_settings()
    app = FastAPI(
        title="Policy Option Explorer API",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.site = None
    # Pages say how long a proxy may keep them (then it revalidates with the ETag: 304).
    app.state.page_cache = PageCache(
        settings.page_cache_size,
        f"public, max-age={settings.proxy_cache_seconds}".encode(),
        max_bytes=settings.page_cache_mb << 20,
    )
    app.state.revision = RevisionPoller(app.state.engine, settings.revision_poll_seconds)
    parts: Lru[Hashable, Rendered] = Lru(PARTS, max_weight=PARTS_BYTES, weigh=lambda r: r.size)
    app.state.parts = parts  # rendered parts shared by many pages (app.serving.render.part)
    stamps: Lru[Hashable, Stamp] = Lru(STAMPS, max_weight=STAMPS_BYTES, weigh=lambda s: s.size)
    app.state.stamps = stamps  # blocks rendered once per shape, filled per request (render.stamp)
    app.state.image_slots = image_slots(settings.image_renders)
    app.state.permalinks = permalinks.Caches()  # datasets, indexes and comparisons of links
    app.state.history = {}  # revision history for /changes, per app (one database each)

    @app.exception_handler(AppError)
    async def app_error(request: Request, exc: AppError) -> Response:
        response = error_response(request, exc)
        if isinstance(exc, Busy | TooManyRequests):
            response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(BadParam)
    async def bad_param(request: Request, exc: BadParam) -> Response:
        return error_response(
            request, BadRequest(f"{exc.param}: {exc.message}", field=exc.param, allowed=exc.allowed)
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 404:
            err: AppError = NotFound(f"There is no page at {request.url.path}.")
        else:
            err = AppError(str(exc.detail))
            err.status = exc.status_code
            err.code = "method_not_allowed" if exc.status_code == 405 else "http_error"
        response = error_response(request, err)
        # 405 names the methods that work (Allow); GET routes answer HEAD too (HeadAsGet).
        headers = dict(exc.headers or {})
        if "GET" in headers.get("Allow", "").split(", "):
            headers["Allow"] += ", HEAD"
        response.headers.update(headers)
        return response

    @app.exception_handler(OperationalError)
    async def database_error(request: Request, exc: OperationalError) -> Response:
        # Another process (a load) holds the lock beyond SQLite's busy_timeout, or beyond
        # PostgreSQL's lock_timeout (SQLSTATE 55P03, lock_not_available).
        if "locked" not in str(exc.orig) and getattr(exc.orig, "sqlstate", "") != "55P03":
            raise exc  # answered by server_error below
        busy = Busy("The database is busy, probably with a dataset load. Try again shortly.")
        response = error_response(request, busy)
        response.headers["Retry-After"] = "5"
        return response

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> Response:
        # Runs outside every middleware, so the security headers are added here.
        err = AppError("Something went wrong on our side. Please try again later.")
        err.status, err.code = 500, "internal_error"
        response = error_response(request, err)
        response.raw_headers.extend(SECURITY_HEADERS)
        if rid := getattr(request.state, "request_id", None):
            response.headers["X-Request-ID"] = rid
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {"loc": (), "msg": "invalid request"}
        field = ".".join(str(p) for p in first["loc"][1:]) or None
        return error_response(request, BadRequest(f"{field}: {first['msg']}", field=field))

    from app.api.proposals import router as proposals_router
    from app.api.routes import router as api_router
    from app.web.charts import router as charts_router
    from app.web.compare import early as compare_early
    from app.web.compare import router as compare_router
    from app.web.editors import router as editors_router
    from app.web.permalink import router as permalink_router
    from app.web.report import router as report_router
    from app.web.routes import router as web_router

    # First: routing tries routers in order, and a weight change is the route asked most
    # often that the page cache cannot answer. Its paths are no other router's.
    # Answered by the page cache's front when it can be (app.serving.page_cache): a weight
    # change of a comparison seen before, the request asked most that no cache holds.
    app.state.early = {"/compare": compare_early}
    app.include_router(compare_router)
    app.include_router(permalink_router)
    app.include_router(api_router)
    app.include_router(proposals_router)
    app.include_router(editors_router)
    app.include_router(charts_router)
    app.include_router(report_router)
    app.include_router(web_router)
    app.mount("/static", StaticFiles(directory=settings.static_dir), name="static")
    if settings.metrics:
        from app.serving import metrics

        app.state.page_cache = metrics.CountingPageCache(
            settings.page_cache_size,
            app.state.page_cache.cache_control,
            max_bytes=app.state.page_cache.max_bytes,
        )

        @app.get("/metrics", include_in_schema=False)
        def prometheus() -> Response:
            body, ctype = metrics.exposition()
            return Response(body, media_type=ctype)

    middleware.install(app, settings)
    return app


def app_from_env() -> FastAPI:
    """The app as `explorer serve` runs it, in each worker process."""
    server.lean_log_records()
    return create_app()
