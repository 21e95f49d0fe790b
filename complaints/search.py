"""The register's text search: what a referent types (a name, words of the subject or of the request, a
reference number) finds the requests that hold every word, in any order and any of these fields.

- A reference number (or part of one) is found in the reference (`icontains`, trigram index).
- Words: on PostgreSQL, French full-text search (`to_tsvector('french', …)` of the subject, the description
  and the requester's name, GIN index `request_search_words`, migration 0008; the text read as a web search
  box's, `websearch_to_tsquery`: « "titre de séjour" » for the phrase, « accueil -téléphone » to leave a
  word out): each word under French stemming (« réclamations » finds « réclamation »), the little words
  (« de », « la ») left aside; the index answers from the rarest word, whatever the number of requests.
  A word is a whole word: « Dupo » does not find « Dupont » (a prefix of a frequent word would read every
  request that has it). Elsewhere (SQLite, the embedded default), each word is looked for as a substring of
  one of the fields.
"""

from __future__ import annotations

import re

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, QuerySet, Value

FIELDS = ("subject", "description", "requester_name")
_WORD = re.compile(r"\w+")
MAX_WORDS = 8  # a pasted paragraph is not a search: its first words are
MAX_TEXT = 200


class FrenchWords(Func):
    """`to_tsvector('french', subject || ' ' || description || ' ' || requester_name)`: the expression of
    the index `request_search_words` (no parameter in it, so that the planner matches it with prepared
    statements too)."""

    template = "to_tsvector('french'::regconfig, %(expressions)s)"
    arg_joiner = " || ' ' || "

    def __init__(self):
        super().__init__(*(F(field) for field in FIELDS))


class Matches(Func):
    """`words @@ websearch_to_tsquery('french', text)`: the request's words hold the text's (a parameter)."""

    output_field = BooleanField()

    def __init__(self, text: str):
        super().__init__(FrenchWords(), Value(text))

    def as_sql(self, compiler, connection, **extra):
        words, words_params = compiler.compile(self.source_expressions[0])
        query, query_params = compiler.compile(self.source_expressions[1])
        sql = f"({words} @@ websearch_to_tsquery('french'::regconfig, {query}))"
        return sql, (*words_params, *query_params)


def words_of(text: str) -> list[str]:
    """The words searched: letters and digits; a single letter (« l' », « d' ») is no word to look for."""
    return [word for word in _WORD.findall(text) if len(word) > 1 or word.isdigit()][:MAX_WORDS]


def matching(queryset: QuerySet, text: str) -> QuerySet:
    """The requests of `queryset` that `text` finds (see the module); `queryset` itself for an empty text."""
    text = text.strip()
    if not text:
        return queryset
    words = words_of(text)
    by_reference = Q(reference__icontains=text)
    if not words:
        return queryset.filter(by_reference)
    if connections[queryset.db].vendor == "postgresql":
        return queryset.filter(by_reference | Q(Matches(text[:MAX_TEXT])))
    each_word = Q()
    for word in words:
        each_word &= Q(*(Q(**{f"{field}__icontains": word}) for field in FIELDS), _connector=Q.OR)
    return queryset.filter(by_reference | each_word)
