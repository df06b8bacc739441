"""The notebook API: a project's documents, codes and codings as pandas DataFrames."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

    from coder.db.engine import Store


class Project:
    """An open project. Each method runs one read-only query and returns a fresh DataFrame."""

    def __init__(self, store: Store) -> None:
        self._store = store

    @classmethod
    def open(cls, path_or_url: str) -> Project:
        from coder.services.project.lifecycle import open_project

        return cls(open_project(path_or_url, schema="current"))

    @property
    def store(self) -> Store:
        return self._store

    def close(self) -> None:
        self._store.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def documents(self) -> pd.DataFrame:
        """One row per document: name, text, attributes (a dict), and one column per attribute."""
        import pandas as pd

        from coder.services.documents.corpus import list_documents
        from coder.services.documents.reading import get_document

        rows = []
        for summary in list_documents(self._store):
            doc = get_document(self._store, summary.name)
            rows.append(
                {
                    "name": summary.name,
                    "version": summary.version,
                    "text": doc.text,
                    "characters": summary.length,
                    "source_format": summary.source_format,
                    "attributes": dict(summary.attributes),
                    **{f"attr_{k}": v for k, v in summary.attributes.items()},
                }
            )
        columns = ["name", "version", "text", "characters", "source_format", "attributes"]
        return pd.DataFrame(
            rows, columns=columns + sorted({c for r in rows for c in r} - set(columns))
        )

    def codes(self) -> pd.DataFrame:
        """One row per code: name, path in the tree, parent path, definition fields, status."""
        import pandas as pd

        from coder.domain.codebook import CODE_FIELDS, code_fields
        from coder.services.codebook.codes import list_codes

        rows = [
            {
                "name": c.name,
                "path": str(c.path),
                "parent": str(c.path.parent) if c.path.parent else None,
                "depth": c.path.depth,
                **code_fields(c),
                "status": c.status,
                "owner": c.owner,
            }
            for c in list_codes(self._store, include_inactive=True)
        ]
        return pd.DataFrame(
            rows,
            columns=[
                "name",
                "path",
                "parent",
                "depth",
                *CODE_FIELDS,
                "status",
                "owner",
            ],
        )

    def codings(self, *, coder: str | None = None) -> pd.DataFrame:
        """One row per coding: document, start, end, code path, coder, memo and the coded text."""
        import pandas as pd

        from coder.services.coding.codings import list_codings

        rows = [
            {
                "document": v.document,
                "start": v.start,
                "end": v.end,
                "code": str(v.code_path),
                "coder": v.coder,
                "memo": v.memo,
                "text": v.text,
                "created_at": v.created_at,
            }
            for v in list_codings(self._store, coders=[coder] if coder else ())
        ]
        return pd.DataFrame(
            rows,
            columns=["document", "start", "end", "code", "coder", "memo", "text", "created_at"],
        )
