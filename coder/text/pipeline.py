"""Loading the spaCy pipeline used for segmentation and lemmas.

spaCy is imported inside the functions only: importing :mod:`coder.text` must stay cheap so that
``coder --help`` does not pay for it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from coder.errors import InputError

if TYPE_CHECKING:
    from spacy.language import Language

#: Name used for the built-in pipeline (no model download needed).
BLANK_PIPELINE = "blank:en"


def load_pipeline(model: str | None = None) -> Language:
    """Return a spaCy pipeline, loaded once per process and cached.

    With no ``model`` (or ``"blank:en"``) this is a blank English pipeline with the rule-based
    ``sentencizer`` and the ``lemmatizer`` in lookup mode (tables from spacy-lookups-data), so
    nothing has to be downloaded. ``model`` may instead name an installed trained pipeline such
    as ``en_core_web_sm``; if it is not installed an :class:`~coder.errors.InputError` says so.
    """
    # One cache key per pipeline: load_pipeline(), load_pipeline(None) and "blank:en" are one.
    return _load_pipeline(model or BLANK_PIPELINE)


@functools.cache
def _load_pipeline(model: str) -> Language:
    import spacy

    if model is None or model == BLANK_PIPELINE:
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
        nlp.initialize()
        return nlp
    if not spacy.util.is_package(model) and not _is_local_pipeline(model):
        raise InputError(
            model,
            "spaCy pipeline is not installed (install it with `python -m spacy download "
            f"{model}`, or leave the setting empty to use the built-in blank English pipeline)",
        )
    try:
        return spacy.load(model)
    except (OSError, ValueError) as exc:
        raise InputError(model, f"cannot load spaCy pipeline: {_first_line(exc)}") from exc


def sentence_pipes(nlp: Language) -> list[str]:
    """Names of the pipes segmentation needs; the others can be disabled while segmenting.

    A blank pipeline needs only its ``sentencizer`` (or ``senter``). A trained pipeline that
    sets sentence boundaries with its parser needs the parser and whatever feeds it, so there
    everything is kept.
    """
    names = nlp.pipe_names
    for light in ("sentencizer", "senter"):
        if light in names and "parser" not in names:
            needed: list[str] = [light]
            # A trained senter listens to a tok2vec/transformer layer.
            needed += [n for n in names if n in ("tok2vec", "transformer")]
            return needed
    return list(names)


def _is_local_pipeline(model: str) -> bool:
    from pathlib import Path

    return (Path(model) / "config.cfg").is_file()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
