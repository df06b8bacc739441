"""Word boundaries and lemmas: snapping selections to words, lemma-aware search.

The lookup lemmatizer reduces inflections (``partners`` -> ``partner``, ``studies`` -> ``study``,
``coding`` -> ``code``) but not derivations: ``partnership`` stays ``partnership``. A researcher
searching for ``partner`` usually wants the whole word family, so :func:`lemma_matches` also
accepts words whose lemma is the query's lemma followed by derivational suffixes
(``partner`` + ``ship``, ``research`` + ``er``, ``govern`` + ``ment``). The expansion only goes
from the query outwards: ``partnership`` does not find ``partner``.
"""

from __future__ import annotations

import functools
import itertools
from typing import TYPE_CHECKING, Any

from coder.text.pipeline import load_pipeline

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Suffixes that make a new word of the same family. A word is in the family of a lemma when
#: the rest of it is a sequence of these (``use`` + ``ful`` + ``ness``).
FAMILY_SUFFIXES = frozenset(
    {
        "s", "es", "ed", "ing", "er", "or", "ee", "ship", "hood", "ness", "ment", "ance",
        "ence", "ancy", "ency", "ant", "ent", "ation", "ition", "tion", "sion", "ity", "ism",
        "ist", "ive", "al", "ial", "ly", "ful", "less", "able", "ible", "ise", "ize", "ic",
        "ical", "ary", "ory",
    }
)  # fmt: skip

#: Family expansion needs a query lemma of at least this many letters, so that ``a`` or ``us``
#: do not match half the dictionary.
MIN_FAMILY_ROOT = 3

#: Characters allowed between the words of a phrase query (``policy-maker`` finds
#: ``policy maker`` and ``policy-makers``).
_JOINERS = frozenset(" \t\n-\u2010\u2011\u2012\u2013\u00a0")


def token_spans(text: str, *, nlp: Language | None = None) -> list[tuple[int, int]]:
    """``[start, end)`` of every token of ``text`` that is not whitespace.

    Word boundaries for snapping a selection: punctuation tokens are included so that a
    selection can end on a full stop.
    """
    nlp = nlp if nlp is not None else load_pipeline()
    return [(t.idx, t.idx + len(t)) for t in nlp.make_doc(text) if not t.is_space]


def lemmatise(text: str, *, nlp: Language | None = None) -> list[tuple[int, int, str]]:
    """``(start, end, lemma)`` for every word of ``text``; lemmas are lower-cased.

    Whitespace and punctuation tokens are left out: lemmas serve word search.
    """
    nlp = nlp if nlp is not None else load_pipeline()
    return _words(nlp(text), nlp)


def lemma_matches(
    query: str,
    text: str,
    *,
    nlp: Language | None = None,
    family: bool = True,
) -> list[tuple[int, int]]:
    """``[start, end)`` of each place ``text`` mentions ``query`` by lemma.

    A one-word query matches every word with the same lemma (``partner`` finds ``partners``,
    ``partnered``); with ``family`` (the default) also words of its family (``partnership``,
    ``partnerships``). A phrase query matches consecutive words, each by lemma, separated only
    by spaces or hyphens. Matching ignores case. An empty query matches nothing.
    """
    nlp = nlp if nlp is not None else load_pipeline()
    wanted = [lemma for _, _, lemma in _words(nlp(query), nlp)]
    if not wanted:
        return []
    words = _words(nlp(text), nlp)
    found: list[tuple[int, int]] = []
    size = len(wanted)
    for i in range(len(words) - size + 1):
        window = words[i : i + size]
        if all(_lemma_fits(q, w[2], family) for q, w in zip(wanted, window, strict=True)) and all(
            _only_joiners(text[a[1] : b[0]]) for a, b in itertools.pairwise(window)
        ):
            found.append((window[0][0], window[-1][1]))
    return found


def in_family(root: str, lemma: str) -> bool:
    """True when ``lemma`` is ``root`` or ``root`` plus derivational suffixes.

    A final ``e`` of the root may drop before a suffix (``produce`` -> ``production``) and a
    final ``y`` may turn into ``i`` (``policy`` -> ``policies``).
    """
    root, lemma = root.lower(), lemma.lower()
    if lemma == root:
        return True
    if len(root) < MIN_FAMILY_ROOT:
        return False
    stems = [root]
    if root.endswith("e"):
        stems.append(root[:-1])
    if root.endswith("y"):
        stems.append(root[:-1] + "i")
    return any(lemma.startswith(stem) and _is_suffix_chain(lemma[len(stem) :]) for stem in stems)


@functools.cache
def _is_suffix_chain(rest: str) -> bool:
    if not rest:
        return True
    return any(
        rest.startswith(suffix) and _is_suffix_chain(rest[len(suffix) :])
        for suffix in FAMILY_SUFFIXES
    )


def _lemma_fits(query_lemma: str, lemma: str, family: bool) -> bool:
    return lemma == query_lemma or (family and in_family(query_lemma, lemma))


def _only_joiners(gap: str) -> bool:
    return all(ch in _JOINERS for ch in gap)


def _words(doc: Doc, nlp: Language) -> list[tuple[int, int, str]]:
    table = _lookup_table(nlp)
    words = []
    for t in doc:
        if t.is_space or t.is_punct:
            continue
        lemma = t.lemma_ or t.text
        if table is not None and lemma == t.text and t.text != t.lower_:
            # The lookup table is keyed by lower-case forms: "Partners" at the start of a
            # sentence would otherwise keep its plural.
            lemma = table.get(t.lower_, t.lower_)
        words.append((t.idx, t.idx + len(t), lemma.lower()))
    return words


def _lookup_table(nlp: Language) -> Any:
    """The lemma lookup table when the pipeline lemmatises by lookup, else ``None``."""
    if "lemmatizer" not in nlp.pipe_names:
        return None
    lemmatizer = nlp.get_pipe("lemmatizer")
    if getattr(lemmatizer, "mode", None) != "lookup":
        return None
    lookups = lemmatizer.lookups  # type: ignore[attr-defined]
    return lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else None
