"""A generic walk over the portal: the URL resolver says which page types exist, a crawler signed
in as each kind of user follows the links on every page (from every parameterless route, plus a
few seed URLs for pages only reached by email) to find a concrete URL for each page type, and an
html.parser reader lists every <form method="post"> with its fields. The security tests run over
what it finds, so a page or form added later is checked without anyone listing it."""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

# Third-party sites with their own access control and look; never crawled.
EXEMPT_PREFIXES = ("django-admin/",)
# Visited at most this many times per page type and user: enough to reach pages behind them.
VISITS_PER_ROUTE = 3


def walk(patterns, prefix="", chain=()):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), (*chain, entry))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), (*chain, entry)


def route_name(chain) -> str:
    """namespace:name of a pattern (or its route when it has no name)."""
    namespaces = [entry.namespace for entry in chain[:-1] if getattr(entry, "namespace", None)]
    name = chain[-1].name or str(chain[-1].pattern)
    return ":".join([*namespaces, name])


def all_routes() -> dict[str, str]:
    """Every route the portal serves (route text -> namespace:name), the admin site excepted."""
    return {
        route: route_name(chain)
        for route, chain in walk(get_resolver().url_patterns)
        if not route.startswith(EXEMPT_PREFIXES)
    }


def json_api_routes() -> set[str]:
    """Django REST framework endpoints (JSON, not pages)."""
    return {
        route_name(chain)
        for route, chain in walk(get_resolver().url_patterns)
        if hasattr(chain[-1].callback, "cls")
    }


def routes_with_parameters() -> set[str]:
    return {name for route, name in all_routes().items() if "<" in route or "(" in route}


def parameterless_urls() -> list[str]:
    return [
        "/" + route
        for route in all_routes()
        if "<" not in route and "(" not in route and "^" not in route
    ]


def name_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.route.startswith(EXEMPT_PREFIXES):
        return None
    return match.view_name


# --- Reading pages --------------------------------------------------------------------------------


@dataclass
class FormField:
    name: str
    kind: str  # text, hidden, checkbox, radio, select, textarea, file, submit, ...
    value: str = ""
    options: list[str] = field(default_factory=list)


@dataclass
class Form:
    action: str
    page: str
    fields: list[FormField] = field(default_factory=list)
    multipart: bool = False

    @property
    def names(self) -> list[str]:
        seen: list[str] = []
        for item in self.fields:
            if item.name not in seen:
                seen.append(item.name)
        return seen


class PageReader(HTMLParser):
    """Links and POST forms of one HTML page."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: FormField | None = None
        self._textarea: FormField | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            if a.get("method", "get").lower() == "post":
                self._form = Form(
                    action=urljoin(self.page, a.get("action") or self.page),
                    page=self.page,
                    multipart="multipart" in a.get("enctype", ""),
                )
            else:
                self._form = None
                if a.get("action"):
                    self.links.append(a["action"])
        elif self._form is None or not a.get("name") and tag != "option":
            return
        elif tag in ("input", "button"):
            kind = a.get("type", "text" if tag == "input" else "submit").lower()
            self._form.fields.append(FormField(a["name"], kind, a.get("value", "")))
        elif tag == "select":
            self._select = FormField(a["name"], "select")
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append(a.get("value", ""))
        elif tag == "textarea":
            self._textarea = FormField(a["name"], "textarea")
            self._form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def local_path(page: str, href: str) -> str | None:
    """The same-site path (with query string) a link points at, or None."""
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    parts = urlsplit(urljoin(page, href))
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith("/static/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


# --- Crawling -------------------------------------------------------------------------------------


@dataclass
class Visit:
    """One page fetched while crawling."""

    who: str
    path: str
    route: str
    status: int
    content_type: str
    headers: dict[str, str]
    html: str


@dataclass
class CrawlResult:
    visits: list[Visit] = field(default_factory=list)
    # (who, form) for each POST form found, the first for each action route and field set.
    forms: list[tuple[str, Form]] = field(default_factory=list)

    def routes_seen(self) -> set[str]:
        seen = {visit.route for visit in self.visits}
        seen |= {name_of(urlsplit(form.action).path) for _, form in self.forms}
        return {name for name in seen if name}

    def pages(self, status: int = 200) -> list[Visit]:
        return [visit for visit in self.visits if visit.status == status]


def crawl(clients: dict[str, Client], seeds: dict[str, list[str]], skip: set[str]) -> CrawlResult:
    """Breadth-first over same-site links, for each signed-in (or anonymous) client. Routes in
    `skip` (sign out) are never fetched. Redirects are not followed: the page they lead to is
    queued like a link."""
    result = CrawlResult()
    form_keys: set[tuple[str, tuple[str, ...]]] = set()
    for who, client in clients.items():
        queue = deque([*parameterless_urls(), *seeds.get(who, [])])
        fetched: set[str] = set()
        per_route: dict[str, int] = {}
        while queue:
            path = queue.popleft()
            route = name_of(urlsplit(path).path)
            if path in fetched or route is None or route in skip:
                continue
            if per_route.get(route, 0) >= VISITS_PER_ROUTE:
                continue
            fetched.add(path)
            per_route[route] = per_route.get(route, 0) + 1
            response = client.get(path)
            content_type = response.get("Content-Type", "")
            html = ""
            if "text/html" in content_type and not getattr(response, "streaming", False):
                html = response.content.decode("utf-8", errors="replace")
            result.visits.append(
                Visit(
                    who,
                    path,
                    route,
                    response.status_code,
                    content_type,
                    dict(response.headers),
                    html,
                )
            )
            if response.status_code in (301, 302, 303, 307, 308):
                target = local_path(path, response["Location"])
                if target:
                    queue.append(target)
            if not html:
                continue
            reader = PageReader("http://testserver" + path)
            reader.feed(html)
            for href in reader.links:
                target = local_path(path, href)
                if target and target not in fetched:
                    queue.append(target)
            for form in reader.forms:
                action_path = urlsplit(form.action).path
                action_route = name_of(action_path)
                if action_route is None or action_route in skip:
                    continue
                form.action = action_path + (
                    f"?{urlsplit(form.action).query}" if urlsplit(form.action).query else ""
                )
                form.page = path
                key = (action_route, tuple(sorted(form.names)))
                if key not in form_keys:
                    form_keys.add(key)
                    result.forms.append((who, form))
    return result


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)
STYLE_ELEMENT = re.compile(r"<style[\s>]", re.I)
EVENT_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.I)


def inline_code(html: str) -> list[str]:
    """What a strict CSP (no 'unsafe-inline') would block on a page."""
    problems = []
    for label, pattern in (
        ("inline <script>", INLINE_SCRIPT),
        ("style attribute", INLINE_STYLE_ATTRIBUTE),
        ("<style> element", STYLE_ELEMENT),
        ("inline event handler", EVENT_HANDLER),
        ("javascript: URL", JAVASCRIPT_URL),
    ):
        match = pattern.search(html)
        if match:
            problems.append(f"{label}: {match.group(0)[:80]}")
    return problems
