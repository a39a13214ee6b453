"""The Django side of bench/run: data counts, the pages to load, and per-page measurements.

Run by bench/run with the benchmark's environment (DATABASE_URL, production settings):

    python bench/probe.py count                  synthetic entries in the database
    python bench/probe.py targets                JSON: the pages to benchmark
    python bench/probe.py measure URL...         JSON: queries, status and sizes per page,
                                                 and the stylesheet's caching headers
    python bench/probe.py profile URL [N]        pyinstrument profile of N renders of URL

`measure` renders each page once to warm up, then once more through Django's test client
inside CaptureQueriesContext against the same database: the query count is that of a
page rendered from scratch (the page cache is off here, so it measures the real work).
"""

import gzip
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
os.environ["PAGE_CACHE"] = "0"
hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1")
os.environ["ALLOWED_HOSTS"] = f"{hosts},testserver"

import django  # noqa: E402

django.setup()

from django.contrib.staticfiles import finders  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count, Q  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from resources.models import Channel, Resource  # noqa: E402
from resources.synthetic import synthetic_resources  # noqa: E402

SEARCH_QUERY = "lantern listening"
LANGUAGE = "es"
FILTERS = "topic=anxiety&contact=voice&cost=free&open_now=on"


def count() -> dict:
    return {"synthetic": synthetic_resources().count(), "all": Resource.objects.count()}


def targets() -> dict:
    """The benchmark's pages, chosen from the data: the largest country and a busy entry."""
    published = Resource.objects.published()
    largest = (
        published.exclude(country=None)
        .values("country_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "country_id")
        .first()
    )
    code = (largest or {"country_id": "GB"})["country_id"].lower()
    entry = (
        published.filter(country_id=code.upper(), status=Resource.Status.ACTIVE)
        .annotate(n=Count("channels", filter=~Q(channels__kind=Channel.Kind.WEB)))
        .order_by("-n", "pk")
        .values_list("slug", flat=True)
        .first()
    )
    return {
        "floor": "/en/bench/floor/",
        "home": "/en/",
        "country": f"/en/countries/{code}/",
        "country_filtered": f"/en/countries/{code}/?{FILTERS}",
        "entry": f"/en/resources/{entry}/",
        "search": "/en/search/?" + f"q={SEARCH_QUERY.replace(' ', '+')}",
        "language": f"/en/languages/{LANGUAGE}/",
        "country_entries": (largest or {"n": 0})["n"],
    }


def stylesheet_gzip_bytes() -> int:
    path = finders.find("css/site.css")
    return len(gzip.compress(Path(path).read_bytes(), 6)) if path else 0


def measure(urls: list[str]) -> dict:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    css = stylesheet_gzip_bytes()
    results = {}
    for url in urls:
        client.get(url, secure=True)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, secure=True)
        body = response.content
        results[url] = {
            "status": response.status_code,
            "queries": len(queries),
            "bytes": len(body),
            "gzip_bytes": len(gzip.compress(body, 6)),
            "css_gzip_bytes": css,
            "cache_control": response.get("Cache-Control", ""),
            "etag": bool(response.get("ETag")),
        }
    return results


def static_headers() -> dict:
    """How WhiteNoise serves the stylesheet: hashed name, far-future caching, compressed."""
    from django.templatetags.static import static

    url = static("css/site.css")
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, br", secure=True)
    return {
        "url": url,
        "status": response.status_code,
        "cache_control": response.get("Cache-Control", ""),
        "content_encoding": response.get("Content-Encoding", ""),
        "vary": response.get("Vary", ""),
    }


def profile(url: str, times: int = 20) -> str:
    from pyinstrument import Profiler

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.get(url, secure=True)
    profiler = Profiler(interval=0.0005)
    profiler.start()
    for _ in range(times):
        client.get(url, secure=True)
    profiler.stop()
    return profiler.output_text(unicode=False, color=False, show_all=False)


def main(argv: list[str]) -> int:
    command, args = (argv[0], argv[1:]) if argv else ("", [])
    if command == "count":
        print(json.dumps(count()))
    elif command == "targets":
        print(json.dumps(targets()))
    elif command == "measure":
        print(json.dumps({**measure(args), "static": static_headers()}))
    elif command == "profile" and args:
        print(profile(args[0], int(args[1]) if len(args) > 1 else 20))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
