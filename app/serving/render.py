"""Templates, the full-page-or-fragment decision, and URL helpers. Templates never join URL
strings by hand: they call these helpers."""

import datetime as dt
import functools
import re
import secrets
from collections.abc import Callable, Hashable, Mapping
from functools import lru_cache
from typing import Any

import nh3
from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2_fragments import render_block
from markdown_it import MarkdownIt
from markupsafe import Markup

from app.analysis.glossary import GLOSSARY, RULE_TERMS
from app.analysis.labels import (
    POSITION_LABELS,
    POSITION_SYMBOLS,
    UNCERTAIN_LABELS,
    UNCERTAIN_MEANINGS,
    veto_filter_label,
)
from app.analysis.lru import Lru
from app.config import Settings
from app.dataset import urls
from app.dataset.dates import human as human_date

# Re-exported: routes build their links with these (app/dataset/urls.py holds them).
from app.dataset.urls import href as href
from app.dataset.urls import with_param as with_param
from app.dataset.urls import without as without
from app.dataset.vocabulary import VetoStatus
from app.pages.parts import date_control as date_form
from app.pages.stamp import Stamp
from app.serving.page_cache import CacheEntry, PageCache, cache_key, is_fragment
from app.serving.zipped import Rendered, Segment, joined, joined_size
from app.state import FILTERS, VETO_FILTERS

_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown(text: str) -> Markup:
    # Markdown is author input: render without raw HTML, then sanitise the result as well.
    return Markup(nh3.clean(_md.render(text or ""), link_rel="noopener noreferrer"))


_ABBREVIATIONS = {t.term: t.expansion for t in GLOSSARY.values() if t.expansion}
_ABBREVIATION_RE = re.compile(r"\b(" + "|".join(map(re.escape, _ABBREVIATIONS)) + r")\b")


def abbreviations(text: str) -> Markup:
    """Text (escaped) with the glossary's abbreviations spelled out on hover and to screen
    readers: the first "TEU" in it becomes <abbr title="Treaty on European Union">TEU</abbr>."""
    seen: set[str] = set()

    def expand(m: re.Match[str]) -> str:
        word = m.group(1)
        if word in seen:
            return word
        seen.add(word)
        return f'<abbr title="{_ABBREVIATIONS[word]}">{word}</abbr>'

    return Markup(_ABBREVIATION_RE.sub(expand, str(Markup.escape(text))))


def position_key(pos: int | str | None) -> int | None:
    return None if pos is None or pos == "unknown" else int(pos)


@lru_cache
def environment(templates_dir: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(templates_dir),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["markdown"] = markdown
    env.filters["human_date"] = human_date
    env.filters["abbreviations"] = abbreviations
    env.globals.update(
        href=href,
        urls=urls,  # entity paths: urls.option(slug), urls.stakeholder(slug), urls.source(id)
        without=without,
        with_param=with_param,
        POSITION_LABELS=POSITION_LABELS,
        POSITION_SYMBOLS=POSITION_SYMBOLS,
        VetoStatus=VetoStatus,
        UNCERTAIN_LABELS=UNCERTAIN_LABELS,
        UNCERTAIN_MEANINGS=UNCERTAIN_MEANINGS,
        position_key=position_key,
        date_form=date_form,
        GLOSSARY=GLOSSARY,
        RULE_TERMS=RULE_TERMS,
    )
    # Shared macros as globals, so blocks rendered alone as htmx fragments see them too.
    macros = env.get_template("_macros.html").module
    env.globals.update(
        {
            n: getattr(macros, n)
            for n in (
                "score_bar",
                "position_badge",
                "veto_badge",
                "filter_chips",
                "chart_figure",
                "share_link",
                "date_control",
                "veto_mark",
                "cell_change",
                "data_section",
                "note_text",
                "term",
                "show_results",
            )
        }
    )
    # Drawn once: the ranking shows one per option on every weight change.
    badge: Callable[[str], Markup] = env.globals["veto_badge"]  # type: ignore[assignment]
    env.globals["VETO_BADGES"] = {s.value: badge(s) for s in VetoStatus}
    # The filter panel renders each registry entry's control (templates/_filters.html); the
    # module is built after every other global is set, since it keeps the globals it saw.
    env.globals.update(
        FILTERS=FILTERS,
        VETO_FILTERS=VETO_FILTERS,
        veto_filter_label=veto_filter_label,
    )
    env.globals["filter_controls"] = env.get_template("_filters.html").module
    # A criterion's weight pills, rendered once per criterion and weight: the compare page's
    # weights form (42 radio buttons) cost as much as the rest of the page around the ranking.
    pills = env.get_template("_weights.html").module.weight_choice  # type: ignore[attr-defined]
    env.globals["weight_choice"] = lru_cache(maxsize=512)(pills)
    return env


# Where a part goes in a page being rendered: `render` puts the part's UTF-8 there, and hands
# the page cache the page as segments, so the part's text is never copied into the template's
# output, encoded again or looked for (app.serving.zipped). Random, so no page text matches.
_MARK = f"<!--part-{secrets.token_hex(8)}-"

PARTS = 96  # rendered parts kept per app, three per comparison (its table body: up to 150 KB)
PARTS_BYTES = 8 << 20  # ...and at most 8 MB of them (text, UTF-8 and deflated)


def part(
    request: Request,
    template: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
    *,
    key: Hashable,
) -> Markup:
    """A template rendered and deflated once per (`template`, `key`), for a page to insert (the
    page cache splices the deflated bytes into the page's gzip: app.serving.zipped). The key
    must name all the part shows; a callable context is called only when the part must be
    rendered. What it returns is a mark for `render`, which puts the part in its place."""
    settings: Settings = request.app.state.settings
    env = environment(str(settings.templates_dir))
    # Per app, like the page cache: one app serves one database, whose revision numbers
    # the keys name.
    parts: Lru[Hashable, Rendered] = request.app.state.parts

    def build() -> Rendered:
        ctx = context() if callable(context) else context
        return Rendered.of(env.get_template(template).render(ctx))

    rendered = parts.get_or_build((template, key), build)
    if not hasattr(request.state, "parts"):
        request.state.parts = []
    request.state.parts.append(rendered)
    return Markup(f"{_MARK}{len(request.state.parts) - 1}-->")


def _segments(html: str, parts: list[Rendered]) -> list[Segment]:
    """The rendered page as its texts and, where `part` left its marks, the parts."""
    first, *rest = str.split(html, _MARK)  # str's: Markup's wraps every piece it returns
    out: list[Segment] = [first.encode()]
    for piece in rest:
        n, _, text = piece.partition("-->")
        out += [parts[int(n)], text.encode()]
    return out


def part_kept(request: Request, template: str, key: Hashable) -> bool:
    return (template, key) in request.app.state.parts


class WithParts(HTMLResponse):
    """A page with kept parts in it, and the same body as `segments` for the page cache. The
    body is joined only when read: the page cache gzips a page from its segments, and keeps no
    plain copy of a page this large, so the 200 KB join of a compare page is left to a client
    that takes no gzip."""

    def __init__(self, segments: list[Segment], status: int) -> None:
        self.segments = segments
        self._joined: bytes | None = None
        super().__init__(None, status)

    @property
    def body(self) -> bytes:
        if self._joined is None:
            self._joined = joined(self.segments)
        return self._joined

    @body.setter
    def body(self, value: bytes | memoryview) -> None:
        """Response.__init__ sets the body it renders from no content: the segments are it."""

    def init_headers(self, headers: Mapping[str, str] | None = None) -> None:
        # Starlette's reads the body for its length: the segments give it without a join.
        self.raw_headers = [
            (b"content-length", str(joined_size(self.segments)).encode()),
            (b"content-type", b"text/html; charset=utf-8"),
        ]


def wants_fragment(request: Request) -> bool:
    """htmx asks for a fragment, except for boosted links and history restores. Read once per
    request: the cache, the route and the response each ask."""
    fragment = request.scope.get("explorer.fragment")
    if fragment is None:
        fragment = request.scope["explorer.fragment"] = is_fragment(request.headers)
    return bool(fragment)


def _context(request: Request, context: Mapping[str, Any], fragment: bool) -> dict[str, Any]:
    settings: Settings = request.app.state.settings
    return {
        "request": request,
        "public_url": settings.public_url.rstrip("/"),
        "today": dt.date.today(),
        "fragment": fragment,
        **context,
    }


def _env(request: Request) -> Environment:
    settings: Settings = request.app.state.settings
    return environment(str(settings.templates_dir))


def template_global(request: Request, name: str) -> Any:
    """A global of the app's templates, e.g. `weight_choice` (a criterion's weight pills)."""
    return _env(request).globals[name]


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    block: str | None = None,
    status: int = 200,
    push_url: str | None = None,
) -> HTMLResponse:
    env = _env(request)
    fragment = bool(block) and wants_fragment(request)
    ctx = _context(request, context, fragment)
    if block and fragment:
        html = render_block(env, template, block, ctx)
    else:
        html = env.get_template(template).render(ctx)
    return html_response(request, html, status=status, push_url=push_url)


def html_response(
    request: Request, html: str, *, status: int = 200, push_url: str | None = None
) -> HTMLResponse:
    """A page or fragment as sent: it varies with HX-Request, and a fragment tells htmx the
    address to show. A page with kept parts in it goes to the page cache as segments."""
    parts = getattr(request.state, "parts", None)
    if parts:
        response: HTMLResponse = WithParts(_segments(html, parts), status)
    else:
        response = HTMLResponse(html, status_code=status)
    response.headers["Vary"] = "HX-Request"
    if push_url is not None and wants_fragment(request):
        # htmx would push the raw form query; push the canonical URL instead.
        response.headers["HX-Push-Url"] = push_url
    return response


STAMPS = 512  # stamps kept per app: a comparison has a few shapes (app.pages.ranking_stamp)
STAMPS_BYTES = 8 << 20


def stamp(
    request: Request,
    template: str,
    block: str | None,
    context: Callable[[], Mapping[str, Any]],
    *,
    key: Hashable,
    fragment: bool = False,
    cut: Callable[[str], Stamp] = Stamp.of,
) -> Stamp:
    """A template (or one of its blocks) rendered once per (`template`, `block`, `key`) with
    tokens where the values go, and `cut` into a stamp (app.pages.stamp); the context is asked
    for only then. The key must name all it shows but its values."""
    stamps: Lru[Hashable, Stamp] = request.app.state.stamps

    def build() -> Stamp:
        if block is None:
            return cut(rendered(request, template, context()))
        ctx = _context(request, context(), fragment)
        return cut(render_block(_env(request), template, block, ctx))

    return stamps.get_or_build((template, block, key), build)


def rendered(request: Request, template: str, context: Mapping[str, Any]) -> Markup:
    """A template's output, to place in another (no fragment: a whole template)."""
    return Markup(_env(request).get_template(template).render(_context(request, context, False)))


def _reply(request: Request, entry: CacheEntry) -> Response:
    status, headers, body = entry.reply(
        gzip_ok="gzip" in request.headers.get("accept-encoding", ""),
        if_none_match=request.headers.get("if-none-match", "").encode("latin-1"),
    )
    fresh = Response(body, status_code=status)
    fresh.raw_headers = headers
    return fresh


# Set to False by a route whose answer costs less to make again than to keep (a weight
# change's ranking block): the page cache then tags and compresses it but keeps no copy, so
# that readers trying weight after weight do not push whole pages out of it.
KEEP = "explorer.keep"


def not_kept(request: Request) -> None:
    request.scope[KEEP] = False


def cached_page(fn: Callable[..., Response]) -> Callable[..., Response]:
    """Serve a page route from the PageCache; the route must take `request` and `site`. Hits
    are normally answered by CachedPages before routing; this stores what it renders."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Response:
        request: Request = kwargs["request"]
        cache: PageCache = request.app.state.page_cache
        # Read as the page cache's front reads it (CachedPages), so its hits find this entry.
        key = cache_key(
            kwargs["site"].version,
            request.scope["path"],
            request.scope["query_string"].decode("latin-1"),
            wants_fragment(request),
        )
        entry = cache.get(key)
        if entry is None:
            response = fn(*args, **kwargs)
            if response.status_code != 200:
                return response
            route = getattr(request.scope.get("route"), "path", "")
            segments = response.segments if isinstance(response, WithParts) else ()
            entry = cache.put(
                key,
                response,
                route,
                segments,
                fragment=wants_fragment(request),
                keep=request.scope.get(KEEP, True),
            )
        return _reply(request, entry)

    return wrapper
