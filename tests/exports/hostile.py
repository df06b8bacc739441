"""A project whose names and texts attack whoever opens its exports.

Document names, code names, definitions, memos, attribute values and the coded passages begin
with ``=``, ``+``, ``-`` and ``@`` (spreadsheet formulas, OWASP's CSV-injection payloads), carry
``<script>`` and a ``javascript:`` link (Markdown and HTML), and control characters that XML
cannot hold (in a memo, as a project made before memos refused them holds one, and in a text,
as an importer that missed it would store it).
Each formula is chosen so that a spreadsheet that evaluated it would show something else
(``=1+1`` shows ``2``, the link shows ``click``). Built through the services the import
commands run; two coders (ana and ben) code the same passages.
"""

from __future__ import annotations

from sqlalchemy import update

from coder.db.engine import Store
from coder.db.models import Memo
from coder.domain import Codebook, CodeDef, DocumentDraft
from tests.factories import Names, build_project, code_named, document_unit

LINK = '=HYPERLINK("http://example.invalid/?leak","click")'
DDE = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"
#: A code name may not hold "/", so its script is an image's error handler.
IMG = "<img src=x onerror=alert(1)>"
JS_LINK = "[click](javascript:alert(1))"
#: Texts a spreadsheet would run; every one of them is in the project somewhere.
FORMULAS = ("=1+1", "+1+2", "-3+4", "@SUM(1,2)", LINK, DDE)

DOCUMENTS = {
    LINK: f"=1+1 was the first thing she said. {SCRIPT} came next.",
    "+1+2 notes": f"@SUM(1,2) is how he put it. {DDE} ended it.",
    "-3+4 report": f"-3+4 and nothing\x0b more. {JS_LINK} was the last line.",
}
ATTRIBUTES = {LINK: "=1+2", "+1+2 notes": "@role", "-3+4 report": "-3"}
BOOK = Codebook(
    name="Hostile codebook",
    codes=[
        CodeDef(
            name="=1+1",
            definition=f"{DDE} {SCRIPT}",
            inclusion=JS_LINK,
            example="+1+2 as an example",
            children=[CodeDef(name="-3+4", definition="@SUM(1,2)"), CodeDef(name="-3")],
        ),
        CodeDef(name="@SUM(1,2)", definition="-3+4 in a definition"),
        CodeDef(name="+1+2", definition=LINK, children=[CodeDef(name=IMG)]),
    ],
)
#: (document, passage, code, memo): each coded by both coders.
CODINGS = [
    (LINK, "=1+1 was the first thing she said.", "=1+1/-3+4", "=memo(1)"),
    (LINK, f"{SCRIPT} came next.", "=1+1", f"{SCRIPT} memo"),
    ("+1+2 notes", "@SUM(1,2) is how he put it.", "@SUM(1,2)", "@memo"),
    ("+1+2 notes", f"{DDE} ended it.", "+1+2", "-3+4 bell\x07 memo"),
    ("-3+4 report", "-3+4 and nothing\x0b more.", "=1+1/-3", None),
    ("-3+4 report", f"{JS_LINK} was the last line.", "+1+2", JS_LINK),
    ("-3+4 report", "was the last line.", f"+1+2/{IMG}", None),
]


def hostile_project(store: Store) -> Store:
    """The hostile documents, codebook and codings, coded alike by ana and ben."""
    drafts = [
        DocumentDraft(name, text, "txt", f"doc{i}.txt", {"role": ATTRIBUTES[name]})
        for i, (name, text) in enumerate(DOCUMENTS.items())
    ]
    build_project(store, drafts, BOOK, ("ana", "ben"), units=document_unit)
    names = Names(store)
    for coder in ("ana", "ben"):
        for document, passage, code, memo in CODINGS:
            start = DOCUMENTS[document].index(passage)
            code_named(
                store,
                coder=coder,
                document=document,
                code=code,
                start=start,
                end=start + len(passage),
                memo=plain(memo),
                names=names,
            )
    # coder refuses a control character in a memo now; a project made before holds them.
    with store.write() as session:
        for *_, memo in CODINGS:
            if memo is not None and memo != plain(memo):
                session.execute(update(Memo).where(Memo.text == plain(memo)).values(text=memo))
    return store


def plain(text: str | None) -> str | None:
    """``text`` without its control characters."""
    return None if text is None else "".join(ch for ch in text if ch >= " " or ch in "\t\n")
