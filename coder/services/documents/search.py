"""Lemma-aware keyword-in-context search across the project's documents.

Searching ``partner`` finds ``partners`` and ``partnership`` (see :mod:`coder.text.lemmas`).
Each document's words and lemmas are computed once per process and kept by text hash, so a
second search over the same project does not run spaCy again.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import select

from coder.db.engine import Store
from coder.db.models import Document, ProjectSettings
from coder.domain.documents import SearchHit
from coder.services.documents.reading import latest_documents
from coder.services.documents.turns import load_turns
from coder.text import in_family, lemmatise, load_pipeline

if TYPE_CHECKING:
    from spacy.language import Language

#: Characters allowed between the words of a phrase match (as coder.text.lemma_matches).
_JOINERS = frozenset(" \t\n-\u2010\u2011\u2012\u2013\u00a0")


@functools.lru_cache(maxsize=256)
def _words(sha256: str, text: str, model: str | None) -> tuple[tuple[int, int, str], ...]:
    del sha256  # part of the cache key only
    return tuple(lemmatise(text, nlp=load_pipeline(model)))


def _query_lemmas(query: str, nlp: Language) -> list[str]:
    return [lemma for _, _, lemma in lemmatise(query, nlp=nlp)]


def find_in_text(
    wanted: list[str], text: str, words: tuple[tuple[int, int, str], ...], *, family: bool = True
) -> list[tuple[int, int]]:
    """Spans of ``text`` whose consecutive words match the query lemmas ``wanted``."""
    size = len(wanted)
    found: list[tuple[int, int]] = []
    if not size:
        return found
    first = wanted[0]
    for i in range(len(words) - size + 1):
        lemma = words[i][2]
        if lemma != first and not (family and in_family(first, lemma)):
            continue
        window = words[i : i + size]
        if all(
            w[2] == q or (family and in_family(q, w[2]))
            for q, w in zip(wanted[1:], window[1:], strict=True)
        ) and all(
            all(ch in _JOINERS for ch in text[a[1] : b[0]]) for a, b in itertools.pairwise(window)
        ):
            found.append((window[0][0], window[-1][1]))
    return found


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str]:
    before = text[max(0, start - width) : start].replace("\n", " ")
    after = text[end : end + width].replace("\n", " ")
    return before, after


def mentioning_every_word(query: str, texts: Sequence[str], model: str | None) -> list[bool]:
    """For each of ``texts`` (memos, notes), whether it mentions every word of ``query`` as
    the document search finds a word: by lemma and word family, any case (``partner`` finds
    "partnerships"), the words anywhere and in any order."""
    nlp = load_pipeline(model)
    wanted = [lemmas for word in query.split() if (lemmas := _query_lemmas(word, nlp))]
    if not wanted:
        return [True] * len(texts)
    out = []
    for text in texts:
        words = tuple(lemmatise(text, nlp=nlp))
        out.append(all(find_in_text(lemmas, text, words) for lemmas in wanted))
    return out


def search_project(
    store: Store,
    query: str,
    *,
    context: int = 40,
    limit: int = 1000,
    family: bool = True,
) -> list[SearchHit]:
    """Every place the project's (latest) documents mention ``query``, by lemma.

    A phrase matches consecutive words. ``context`` is the number of characters shown on
    each side. At most ``limit`` hits are returned, in document order, each with the speaker
    of the turn it starts in.
    """
    query = query.strip()
    if not query:
        return []
    with store.read() as session:
        model = session.scalars(select(ProjectSettings.spacy_model)).first()
        docs = session.execute(
            latest_documents()
            .with_only_columns(Document.id, Document.name, Document.sha256, Document.text)
            .order_by(Document.id)
        ).all()
    nlp = load_pipeline(model)
    wanted = _query_lemmas(query, nlp)
    hits: list[SearchHit] = []
    for doc_id, name, sha, text in docs:
        words = _words(sha, text, model)
        for start, end in find_in_text(wanted, text, words, family=family):
            before, after = _context(text, start, end, context)
            hits.append(SearchHit(doc_id, name, start, end, before, text[start:end], after))
            if len(hits) >= limit:
                return _with_speakers(store, hits)
    return _with_speakers(store, hits)


def _with_speakers(store: Store, hits: list[SearchHit]) -> list[SearchHit]:
    """The hits with their speakers: the turns of the documents hit, read in one query."""
    if not hits:
        return hits
    with store.read() as session:
        turns = load_turns(session, {h.document_id for h in hits})
    spoken: list[SearchHit] = []
    for hit in hits:
        doc = turns.get(hit.document_id)
        if doc is not None:
            hit = dataclasses.replace(hit, speaker=doc.speaker_at(hit.start), speakers=doc.speakers)
        spoken.append(hit)
    return spoken
