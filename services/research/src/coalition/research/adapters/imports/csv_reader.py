"""CSV: a header row of column names, then one record per row (RFC 4180 quoting)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from coalition.research.adapters.imports.errors import UnreadableFileError
from coalition.research.domain.imports import Rejected, Row

EXTRA_CELLS = "(cells beyond the header)"


def read_csv(text: str) -> Iterator[Row]:
    """Rows numbered by the line they start on (the header is line 1). A row with more cells
    than the header has columns is rejected, naming the surplus."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise UnreadableFileError(
            "the file is empty: a CSV file starts with a header row"
        ) from None
    except csv.Error as error:
        raise UnreadableFileError(f"line 1: {error}") from None
    columns = [name.strip().lower() for name in header]
    if not any(columns):
        raise UnreadableFileError("the header row names no column")
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield Row(line, {}, Rejected("record", f"line {line}: {error}"))
            line = reader.line_num + 1
            continue
        if any(cell.strip() for cell in cells):
            if len(cells) > len(columns):
                surplus = Rejected(EXTRA_CELLS, f"{len(cells)} cells, {len(columns)} columns")
                yield Row(line, {}, surplus)
            else:
                yield Row(line, {c: v.strip() for c, v in zip(columns, cells, strict=False) if c})
        line = reader.line_num + 1
