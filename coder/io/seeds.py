"""The demo corpus in ``seeds/``: ten journal abstracts and two papers (see seeds/README.md).

``000_*.txt`` holds records of three lines each: a header line (journal, ``Pub Date :``,
``DOI:`` run together), an authors line, and one line of JSON metadata whose ``abstract`` is the
document text. ``001_*.txt`` and ``002_*.txt`` are one paper each.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib.resources.abc import Traversable
from typing import Any

from coder.domain.documents import AttributeValue, DocumentDraft
from coder.errors import InputError
from coder.io._common import FormatProblem, decode_text, normalise, require_text

_HEADER = re.compile(
    r"^(?P<journal>.+?)\s*Pub Date\s*:\s*(?P<date>\d{4}-\d{2}-\d{2})\s*DOI:\s*(?P<doi>\S+)\s*$"
)
_STOPWORDS = frozenset(
    (
        "a", "an", "and", "are", "as", "at", "be", "by", "does", "do", "for", "from", "how",
        "in", "is", "it", "of", "on", "or", "the", "to", "what", "when", "where", "which", "who",
        "why", "with",
    )
)  # fmt: skip

#: The two papers carry no title line; their titles here are the subjects their opening
#: paragraphs announce, and the year comes from the citations in the files ("(2021)").
_PAPERS = {
    "001": (
        "coproduction-local-government",
        "Co-production of research evidence in local government",
    ),
    "002": (
        "evidence-generation-partnerships",
        "Evidence generation partnerships between researchers and policy-makers",
    ),
}
_PAPER_YEAR = 2021


def read_seed_corpus(folder: Traversable) -> list[DocumentDraft]:
    """The twelve seed documents: the abstracts of ``000_*.txt``, then the two papers.

    ``folder`` is a directory (a :class:`~pathlib.Path`, or the package data that
    :func:`importlib.resources.files` gives for the corpus installed with coder).

    Abstracts are named ``abstract-NN-first-words-of-title`` and carry title, authors, doi,
    journal, publication_date (a date), year, region_category and source="abstract"; the
    papers carry title, year and source="paper". Raises :class:`~coder.errors.InputError`
    naming the file (and line) when a file is missing or a record is malformed.
    """
    documents = _read_abstracts(_seed_file(folder, "000"))
    for prefix, (name, title) in _PAPERS.items():
        path = _seed_file(folder, prefix)
        try:
            text = require_text(normalise(decode_text(path.read_bytes())))
        except FormatProblem as problem:
            raise InputError(str(path), problem.problem) from problem
        attributes: dict[str, AttributeValue] = {
            "title": title,
            "year": _PAPER_YEAR,
            "source": "paper",
        }
        documents.append(_draft(name, text, path, attributes))
    return documents


def _seed_file(folder: Traversable, prefix: str) -> Traversable:
    entries = folder.iterdir() if folder.is_dir() else iter(())
    matches = sorted(
        (f for f in entries if f.name.startswith(f"{prefix}_") and f.name.endswith(".txt")),
        key=lambda f: f.name,
    )
    if not matches:
        raise InputError(str(folder), f"no seed file {prefix}_*.txt in this folder")
    return matches[0]


def _read_abstracts(path: Traversable) -> list[DocumentDraft]:
    try:
        text = require_text(normalise(decode_text(path.read_bytes())))
    except FormatProblem as problem:
        raise InputError(str(path), problem.problem) from problem
    lines = [(n, line) for n, line in enumerate(text.split("\n"), start=1) if line.strip()]
    if len(lines) % 3:
        raise InputError(
            str(path), f"{len(lines)} non-empty lines: records have 3 lines each", line=lines[-1][0]
        )
    documents: list[DocumentDraft] = []
    for index in range(0, len(lines), 3):
        (header_no, header), _, (json_no, json_line) = lines[index : index + 3]
        number = index // 3 + 1
        match = _HEADER.match(header)
        if match is None:
            raise InputError(
                str(path), "record header is not 'JOURNAL Pub Date : DATE DOI: DOI'", line=header_no
            )
        record = _json_record(path, json_no, json_line)
        if str(record.get("doi", "")).lower() != match["doi"].lower():
            raise InputError(
                str(path), "the DOI of the metadata differs from the header", line=json_no
            )
        date = _date(path, json_no, record.get("publicationDate") or match["date"])
        journal = record.get("journal")
        attributes: dict[str, AttributeValue] = {
            "title": _text_field(path, json_no, record, "title"),
            "authors": _text_field(path, json_no, record, "authors"),
            "doi": match["doi"],
            "journal": (journal or {}).get("name") or match["journal"],
            "publication_date": date,
            "year": date.year,
            "source": "abstract",
        }
        region = record.get("RegionCategory")
        if isinstance(region, str) and region.strip():
            attributes["region_category"] = region.strip()
        abstract = normalise(_text_field(path, json_no, record, "abstract"))
        name = f"abstract-{number:02d}-{_slug(str(attributes['title']))}"
        documents.append(_draft(name, abstract, path, attributes))
    return documents


def _json_record(path: Traversable, line: int, raw: str) -> dict[str, Any]:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(str(path), f"metadata is not valid JSON: {exc.msg}", line=line) from exc
    if not isinstance(record, dict):
        raise InputError(str(path), "metadata is not a JSON object", line=line)
    return record


def _text_field(path: Traversable, line: int, record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InputError(str(path), f"metadata has no {key!r}", line=line)
    return value.strip()


def _date(path: Traversable, line: int, value: object) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise InputError(str(path), f"bad publication date {value!r}", line=line) from exc


def _slug(title: str, words: int = 3) -> str:
    """The first significant words of a title, lower-case and hyphenated."""
    tokens = [t for t in re.findall(r"[a-z0-9]+", title.lower()) if t not in _STOPWORDS]
    return "-".join(tokens[:words])


def _draft(
    name: str, text: str, path: Traversable, attributes: dict[str, AttributeValue]
) -> DocumentDraft:
    return DocumentDraft(
        name=name,
        text=text,
        source_format="seed",
        source_path=str(path),
        attributes=attributes,
    )
