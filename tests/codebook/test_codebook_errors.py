"""Bad codebook files: each is rejected with the file, the line and the problem named."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.errors import InputError
from coder.io.codebook import CodebookError, read_codebook

# (case id, file name, content, expected line, words the message must contain)
BAD_FILES: list[tuple[str, str, str, int, str]] = [
    (
        "duplicate-siblings-ignoring-case",
        "dup.yaml",
        "codes:\n  - name: Trust\n    children:\n      - name: Open\n      - name: open \n",
        5,
        "duplicate code name 'open' under 'Trust' (first on line 4)",
    ),
    (
        "duplicate-top-level",
        "dup-top.yaml",
        "codes:\n  - name: Motives\n  - name: Other\n  - name: MOTIVES\n",
        4,
        "duplicate code name 'MOTIVES' at the top level (first on line 2)",
    ),
    (
        "unknown-key-with-suggestion",
        "typo.yaml",
        "codes:\n  - name: Impact\n    definiton: Reasons.\n",
        3,
        "unknown key 'definiton' in a code (did you mean 'definition'?)",
    ),
    (
        "unknown-top-level-key",
        "top.yaml",
        "codebook: X\nname: Y\ncodes: []\n",
        2,
        "unknown key 'name' at the top of the codebook (did you mean 'codebook'?)",
    ),
    (
        "bad-colour-name",
        "colour.yaml",
        "codes:\n  - name: A\n    colour: blu\n",
        3,
        "bad colour 'blu' (did you mean 'blue'?)",
    ),
    (
        "bad-hex-colour",
        "hex.yaml",
        'codes:\n  - name: A\n  - name: B\n    colour: "#12345"\n',
        4,
        "bad colour '#12345'",
    ),
    (
        "unquoted-hex-colour-is-a-comment",
        "comment.yaml",
        "codes:\n  - name: A\n    colour: #1f77b4\n",
        3,
        "'#' starts a YAML comment: put it in quotes",
    ),
    (
        "missing-name",
        "noname.yaml",
        "codes:\n  - name: A\n  - definition: Something.\n",
        3,
        "the name is missing",
    ),
    (
        "empty-name",
        "empty-name.yaml",
        'codes:\n  - name: ""\n',
        2,
        "the name is empty",
    ),
    (
        "whitespace-name",
        "blank-name.yaml",
        "codes:\n  - name: A\n    children:\n      - name: '   '\n",
        4,
        "the name is only spaces",
    ),
    (
        "name-is-a-number",
        "number.yaml",
        "codes:\n  - name: 2021\n",
        2,
        "the name must be text, found a number (2021); put it in quotes",
    ),
    (
        "name-read-as-a-date",
        "date.yaml",
        "codes:\n  - name: Theme\n    children:\n      - name: 2021-06-30\n",
        4,
        "the name must be text, found a date (2021-06-30); put it in quotes",
    ),
    (
        "keywords-not-a-list",
        "keywords.yaml",
        "codes:\n  - name: A\n    keywords: impact, relevance\n",
        3,
        "keywords must be a list, e.g. keywords: [impact, relevance]",
    ),
    (
        "keyword-with-separator",
        "kw-semicolon.yaml",
        "codes:\n  - name: A\n    keywords:\n      - fine\n      - a; b\n",
        5,
        "contains ';'",
    ),
    (
        "children-not-a-list",
        "children.yaml",
        "codes:\n  - name: A\n    children: B\n",
        3,
        "'children' must be a list of codes, found text ('B')",
    ),
    (
        "definition-not-text",
        "definition.yaml",
        "codes:\n  - name: A\n    definition: [a, b]\n",
        3,
        "'definition' must be text, found a list",
    ),
    (
        "unknown-parent-suggests-path",
        "parent.yaml",
        "codes:\n  - name: Success\n    children:\n      - name: Trust\n"
        "  - name: Built over years\n    parent: Trust\n",
        6,
        "unknown parent 'Trust' for 'Built over years' (did you mean 'Success/Trust'?)",
    ),
    (
        "parent-cycle",
        "cycle.yaml",
        "codes:\n  - name: Root\n  - name: A\n    parent: B\n  - name: B\n    parent: A\n",
        4,
        "cycle in 'parent': A → B → A",
    ),
    (
        "parent-inside-itself",
        "self.yaml",
        "codes:\n  - name: A\n    parent: A/B\n    children:\n      - name: B\n",
        3,
        "cycle in 'parent': 'A' is inside itself",
    ),
    (
        "alias-cycle",
        "alias.yaml",
        "codes:\n  - &theme\n    name: Theme\n    children:\n      - name: Sub\n"
        "        children:\n          - *theme\n",
        7,
        "cycle: this alias (*) refers to a code that contains it",
    ),
    (
        "parent-in-children",
        "nested-parent.yaml",
        "codes:\n  - name: A\n  - name: B\n    children:\n      - name: C\n        parent: A\n",
        6,
        "'parent' is only allowed on codes listed directly under 'codes'",
    ),
    (
        "yaml-syntax-tab",
        "tab.yaml",
        "codes:\n  - name: A\n\t- name: B\n",
        3,
        "YAML syntax error: found character '\\t' that cannot start any token",
    ),
    (
        "yaml-syntax-colon-in-text",
        "colon.yaml",
        "codes:\n  - name: A\n    definition: Use it: always\n",
        3,
        "mapping values are not allowed here (text containing ': ' must be put in quotes)",
    ),
    (
        "yaml-duplicate-key",
        "dupkey.yaml",
        "codes:\n  - name: A\n    colour: red\n    colour: blue\n",
        4,
        "the key 'colour' appears twice in one mapping",
    ),
    (
        "colour-and-color",
        "color.yaml",
        "codes:\n  - name: A\n    colour: red\n    color: blue\n",
        4,
        "'color' repeats the key 'colour'",
    ),
    (
        "not-a-mapping",
        "list.yaml",
        "- name: A\n- name: B\n",
        1,
        "a codebook must be a mapping with keys such as 'codebook' and 'codes', found a list "
        "(put the list under a 'codes:' key)",
    ),
    (
        "a-scalar",
        "scalar.yaml",
        "just some words\n",
        1,
        "a codebook must be a mapping",
    ),
    (
        "empty-file",
        "empty.yaml",
        "\n\n",
        1,
        "the file is empty",
    ),
    (
        "only-comments",
        "comments.yaml",
        "# nothing here yet\n",
        1,
        "the file is empty",
    ),
    (
        "no-codes",
        "nocodes.yaml",
        "codebook: Lonely\n",
        1,
        "the codebook has no 'codes' list",
    ),
    (
        "json-syntax",
        "bad.json",
        '{\n  "codes": [\n    {"name": "A"},\n  ]\n}\n',
        4,
        "JSON syntax error",
    ),
    (
        "json-duplicate",
        "dup.json",
        '{\n  "codes": [\n    {"name": "A"},\n    {"name": "a"}\n  ]\n}\n',
        4,
        "duplicate code name 'a' at the top level (first on line 3)",
    ),
    (
        "csv-unknown-column",
        "column.csv",
        "path,definiton\nA,x\n",
        1,
        "unknown column 'definiton' (did you mean 'definition'?)",
    ),
    (
        "csv-missing-parent-row",
        "orphan.csv",
        "path,definition\nTheme,x\nTheem/Code,y\n",
        3,
        "unknown parent 'Theem' for 'Code' (did you mean 'Theme'?)",
    ),
    (
        "csv-duplicate-row",
        "duprow.csv",
        'path,definition\nTheme,x\n"Theme/Code\n",y\ntheme/code,z\n',
        5,
        "duplicate code name 'code' under 'Theme' (first on line 3)",
    ),
    (
        "csv-bad-colour",
        "colour.csv",
        "path,colour\nA,#ggg000\n",
        2,
        "bad colour '#ggg000'",
    ),
    (
        "csv-no-path-column",
        "nopath.csv",
        "definition,colour\nSomething,red\n",
        1,
        "the header has no 'path' column",
    ),
]


@pytest.mark.parametrize(
    ("filename", "content", "line", "expected"),
    [case[1:] for case in BAD_FILES],
    ids=[case[0] for case in BAD_FILES],
)
def test_bad_codebook_names_file_line_and_problem(
    tmp_path: Path, filename: str, content: str, line: int, expected: str
) -> None:
    path = tmp_path / filename
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        read_codebook(path)
    error = caught.value
    assert isinstance(error, InputError)  # what the CLI turns into a one-line message
    first_line = str(error).splitlines()[0]
    assert first_line.startswith(f"{path}:{line}: "), str(error)
    assert error.line == line
    assert expected in first_line, str(error)


def test_every_problem_is_listed_one_per_line_in_line_order(tmp_path: Path) -> None:
    path = tmp_path / "many.yaml"
    path.write_text(
        "codes:\n"
        "  - name: A\n"
        "    colour: blu\n"  # line 3
        "    keywords: x\n"  # line 4
        "  - name: a\n"  # line 5: duplicate of A
        "  - name: C\n"
        "    parent: Nowhere\n"  # line 7
        "    definiton: typo\n",  # line 8
        encoding="utf-8",
    )
    with pytest.raises(CodebookError) as caught:
        read_codebook(path)
    error = caught.value
    assert [p.line for p in error.problems] == [3, 4, 5, 7, 8]
    lines = str(error).splitlines()
    assert lines[0].startswith(f"{path}:3: bad colour 'blu'")
    assert lines[0].endswith("(first of 5 problems)")
    assert [line.split(": ")[0] for line in lines[1:]] == [f"{path}:{n}" for n in (4, 5, 7, 8)]
    assert "unknown parent 'Nowhere'" in lines[3]
    assert "did you mean 'definition'?" in lines[4]


def test_code_with_bad_name_still_has_its_children_checked(tmp_path: Path) -> None:
    path = tmp_path / "nested.yaml"
    path.write_text(
        "codes:\n  - name: ''\n    children:\n      - name: B\n        colour: nope\n",
        encoding="utf-8",
    )
    with pytest.raises(CodebookError) as caught:
        read_codebook(path)
    assert [p.line for p in caught.value.problems] == [2, 5]


def test_cycle_of_three_is_reported_once(tmp_path: Path) -> None:
    path = tmp_path / "three.yaml"
    path.write_text(
        "codes:\n"
        "  - {name: A, parent: C}\n"
        "  - {name: B, parent: A}\n"
        "  - {name: C, parent: B}\n"
        "  - {name: D, parent: C}\n",  # hangs off the cycle: not a second report
        encoding="utf-8",
    )
    with pytest.raises(CodebookError) as caught:
        read_codebook(path)
    assert len(caught.value.problems) == 1
    assert caught.value.problems[0].message.startswith("cycle in 'parent': A → C → B → A")


@pytest.mark.parametrize(
    ("filename", "content", "expected"),
    [
        ("missing.yaml", None, "no such file"),
        ("latin1.yaml", b"codes:\n  - name: caf\xe9\n", "is not UTF-8 text"),
        ("binary.yaml", b"\x00\x01\x02codes", "is a binary file"),
        ("notes.txt", b"codes: []\n", "cannot tell the codebook format from the extension '.txt'"),
        ("book.md", b"# Codebook\n", "export-only"),
    ],
)
def test_unreadable_files(
    tmp_path: Path, filename: str, content: bytes | None, expected: str
) -> None:
    path = tmp_path / filename
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_codebook(path)
    assert str(caught.value).startswith(str(path))
    assert expected in str(caught.value)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes(b"codebook: X\ncodes:\n  - name: caf\xe9\n")
    with pytest.raises(InputError) as caught:
        read_codebook(path)
    assert caught.value.line == 3


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text("codes: []\n", encoding="utf-8")
    with pytest.raises(InputError, match="unknown codebook format 'xml'"):
        read_codebook(path, fmt="xml")


def test_absurdly_deep_nesting_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    depth = 5000
    path.write_text('{"codes": [' + '{"name": "a", "children": [' * depth + "]}" * depth + "]}")
    with pytest.raises(InputError, match="nest too deeply"):
        read_codebook(path)
