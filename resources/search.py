"""Search over every translation of the entries' names and descriptions.

PostgreSQL: full-text search (the `simple` configuration, so no language's stemming is
imposed on the others) plus trigram word similarity of every word to the names, both on
unaccented, lower-cased text, ranked together; a substring match covers scripts without
spaces (CJK). "samaritns" finds Samaritans through the trigrams.

SQLite (local development): the database only narrows by the other filters; matching is
done in Python on case-folded text stripped of accents, with a small typo allowance on name
words. Correct, not fast — fine for the seed data.
"""

import difflib
import unicodedata

from django.conf import settings
from django.db import connection
from django.db.models import Case, F, FloatField, Func, Q, TextField, Value, When
from modeltranslation.utils import build_localized_fieldname

MAX_QUERY_LENGTH = 200
# Word similarity each word of the query needs in the names (PostgreSQL's default): a typo
# passes ("samaritns" 0.8). It is the database setting pg_trgm.word_similarity_threshold,
# set in hub/settings.py, that the index operator uses.
TRIGRAM_THRESHOLD = 0.6
TYPO_RATIO = 0.8

NAME_FIELDS = [build_localized_fieldname("name", code) for code in settings.LANGUAGE_CODES] + [
    "local_name"
]
DOCUMENT_FIELDS = [
    *NAME_FIELDS,
    *(build_localized_fieldname("description", code) for code in settings.LANGUAGE_CODES),
]
TEXT_FIELDS = [*DOCUMENT_FIELDS, "organization__name"]


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


class SearchFold(Func):
    """hub_search_fold(a, b, …): the texts joined by spaces, lower-cased, without accents.

    An IMMUTABLE SQL function (migration 0003), so that PostgreSQL can store it in the
    generated columns Resource.search_names and search_document. SQLite (development, where
    search matches in Python) has no unaccent: the same columns there are only lower-cased.
    """

    function = "hub_search_fold"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        # Deterministic, as SQLite requires of a generated column: NULLs skipped like
        # PostgreSQL's array_to_string() does, by COALESCE to an empty string.
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, part_params = compiler.compile(expression)
            parts.append(f"COALESCE({sql}, '')")
            params.extend(part_params)
        return "LOWER({})".format(" || ' ' || ".join(parts)), params


class SimpleVector(Func):
    template = "to_tsvector('simple'::regconfig, %(expressions)s)"

    @property
    def output_field(self):
        from django.contrib.postgres.search import SearchVectorField

        return SearchVectorField()


def _search_postgres(queryset, query: str):
    """Ids matched by four indexed ways (UNION), then ranked by the names only.

    The folded texts are stored columns (Resource.search_names, search_document) with GIN
    indexes (migration 0004), so re-checking an index candidate reads a value. Each way is
    its own subquery so PostgreSQL re-checks a hit against that way's condition alone.
    """
    from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity

    from resources.models import Organization, Resource

    needle = SearchFold(Value(query))
    search_query = SearchQuery(needle, config="simple", search_type="websearch")
    organizations = Organization.objects.filter(
        Q(name__unaccent__icontains=query) | Q(name__trigram_word_similar=query)
    )
    every = Resource.objects.order_by()
    ways = [
        every.alias(search_vector=SimpleVector(F("search_document")))
        .filter(search_vector=search_query)
        .values("pk"),
        every.filter(search_document__contains=needle).values("pk"),
        every.filter(organization__in=organizations).values("pk"),
    ]
    if words := _words(query):
        # Every word near a name word, not the words together near the names: "lantern
        # listening" must not find "Northern Listening Line" because both end in "ern", and
        # the index then re-checks hundreds of candidates instead of thousands.
        similar = every
        for word in words:
            similar = similar.filter(search_names__trigram_word_similar=SearchFold(Value(word)))
        ways.insert(0, similar.values("pk"))
    first, *others = ways
    matches = first.union(*others)
    # Read the ids once: the page and its count (the paginator) then reuse them.
    ids = [row["pk"] for row in matches]
    names = F("search_names")
    return queryset.filter(pk__in=ids).annotate(
        search_rank=TrigramWordSimilarity(needle, names)
        + SearchRank(SimpleVector(names), search_query)
    )


def _words(query: str) -> list[str]:
    """The query's words that have trigrams (letters or digits), each once."""
    return list(dict.fromkeys(word for word in query.split() if any(c.isalnum() for c in word)))


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
