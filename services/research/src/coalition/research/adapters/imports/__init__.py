"""Readers of import files: pure parsing, one module per format, and a module per layout of
real data (IRS, ESF) that turns its columns into the import's own."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Literal, get_args

from coalition.research.adapters.imports.csv_reader import read_csv
from coalition.research.adapters.imports.errors import UnreadableFileError
from coalition.research.adapters.imports.esf import esf_rows
from coalition.research.adapters.imports.graphml_reader import read_graphml
from coalition.research.adapters.imports.irs import irs_rows
from coalition.research.adapters.imports.jsonl_reader import read_jsonl
from coalition.research.domain.imports import Row

Format = Literal["csv", "jsonl", "graphml"]
Layout = Literal["coalition", "irs_eo_bmf", "esf"]
FORMATS: tuple[str, ...] = get_args(Format)
MEDIA_TYPES: dict[str, Format] = {
    "text/csv": "csv",
    "application/x-ndjson": "jsonl",
    "application/jsonl": "jsonl",
    "application/graphml+xml": "graphml",
}
READERS: dict[str, Callable[[str], Iterator[Row]]] = {
    "csv": read_csv,
    "jsonl": read_jsonl,
    "graphml": read_graphml,
}
LAYOUTS: dict[str, Callable[[Iterable[Row]], Iterator[Row]]] = {
    "coalition": lambda rows: iter(rows),
    "irs_eo_bmf": irs_rows,
    "esf": esf_rows,
}


def read_rows(data: bytes, file_format: Format, layout: Layout = "coalition") -> list[Row]:
    """Every row of a file, in the import's own columns. Raises `UnreadableFileError` when the
    file as a whole is not of its format (bad XML, not UTF-8, no header)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(f"not UTF-8 text (byte {error.start})") from None
    return list(LAYOUTS[layout](READERS[file_format](text)))


__all__ = ["FORMATS", "MEDIA_TYPES", "Format", "Layout", "UnreadableFileError", "read_rows"]
