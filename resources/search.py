"""Search over every translation of the entries' names and descriptions.

PostgreSQL: full-text search (the `simple` configuration, so no language's stemming is
imposed on the others) plus trigram word similarity over the names, both on unaccented,
lower-cased text, ranked together; a substring match covers scripts without spaces (CJK).
"samaritns" finds Samaritans through the trigrams.

SQLite (local development): the database only narrows by the other filters; matching is
done in Python on case-folded text stripped of accents, with a small typo allowance on name
words. Correct, not fast — fine for the seed data.
"""

import difflib
import unicodedata

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, FloatField, Func, Q, TextField, Value, When
from django.db.models.functions import Lower
from modeltranslation.utils import build_localized_fieldname

MAX_QUERY_LENGTH = 200
TRIGRAM_THRESHOLD = 0.3
TYPO_RATIO = 0.8

NAME_FIELDS = [build_localized_fieldname("name", code) for code in settings.LANGUAGE_CODES] + [
    "local_name"
]
TEXT_FIELDS = [
    *NAME_FIELDS,
    *(build_localized_fieldname("description", code) for code in settings.LANGUAGE_CODES),
    "organization__name",
]


def normalize(text: str) -> str:
    """Case-folded text without accents: "Sámaritans" and "SAMARITANS" both give "samaritans"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", stripped).casefold()


def search(queryset, query: str):
    """Entries of `queryset` matching `query`, annotated with `search_rank` (higher first)."""
    query = " ".join((query or "").split())[:MAX_QUERY_LENGTH]
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        return _search_postgres(queryset, query)
    return _search_python(queryset, query)


class ConcatWords(Func):
    """concat_ws(' ', …): joins the columns, skipping NULLs (untranslated fields)."""

    function = "concat_ws"
    template = "%(function)s(' ', %(expressions)s)"
    output_field = TextField()


class Unaccent(Func):
    function = "unaccent"
    output_field = TextField()


def _folded(expression):
    return Unaccent(Lower(expression))


def _search_postgres(queryset, query: str):
    from django.contrib.postgres.search import (
        SearchQuery,
        SearchRank,
        SearchVector,
        TrigramWordSimilarity,
    )

    needle = _folded(Value(query))
    names = _folded(ConcatWords(*(F(name) for name in NAME_FIELDS)))
    document = _folded(ConcatWords(*(F(name) for name in TEXT_FIELDS)))
    search_query = SearchQuery(needle, config="simple", search_type="websearch")
    return (
        queryset.annotate(
            search_document=document,
            search_vector=SearchVector(document, config="simple"),
            name_similarity=TrigramWordSimilarity(needle, names),
        )
        .filter(
            Q(search_vector=search_query)
            | Q(name_similarity__gte=TRIGRAM_THRESHOLD)
            | Q(search_document__contains=needle)
        )
        .annotate(search_rank=SearchRank(F("search_vector"), search_query) + F("name_similarity"))
    )


def _score(tokens: list[str], names: str, document: str) -> float:
    """2+ when every word is in a name, 1 when in the text, a fraction for near-misses."""
    if all(token in names for token in tokens):
        return 2.0 + (1.0 if " ".join(tokens) in names.split(" | ") else 0.0)
    if all(token in document for token in tokens):
        return 1.0
    words = names.replace("|", " ").split()
    ratios = []
    for token in tokens:
        best = max(
            (difflib.SequenceMatcher(None, token, word).ratio() for word in words), default=0.0
        )
        if best < TYPO_RATIO and token not in document:
            return 0.0
        ratios.append(best if token not in document else 1.0)
    return 0.5 * min(ratios)


def _search_python(queryset, query: str):
    tokens = normalize(query).split()
    scores: dict[int, float] = {}
    rows = queryset.order_by().values_list("pk", *TEXT_FIELDS)
    name_count = len(NAME_FIELDS)
    for pk, *texts in rows:
        names = " | ".join(normalize(text) for text in texts[:name_count] if text)
        document = " ".join(normalize(text) for text in texts if text)
        score = _score(tokens, names, document)
        if score:
            scores[pk] = score
    if not scores:
        return queryset.none().annotate(search_rank=Value(0.0, output_field=FloatField()))
    return queryset.filter(pk__in=list(scores)).annotate(
        search_rank=Case(
            *(When(pk=pk, then=Value(score)) for pk, score in scores.items()),
            default=Value(0.0),
            output_field=FloatField(),
        )
    )
