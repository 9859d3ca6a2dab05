"""docs/events.md is generated from the contracts; it must say what the code says."""

from __future__ import annotations

from pathlib import Path

from coalition.shared.contracts import catalogue
from coalition.shared.contracts.catalogue_doc import render

DOC = Path(__file__).parents[2] / "docs" / "events.md"


def test_the_event_catalogue_document_is_up_to_date() -> None:
    assert DOC.read_text() == render(), "run: coalition events-doc > docs/events.md"


def test_every_event_type_is_documented_with_its_subject() -> None:
    text = DOC.read_text()
    for event in catalogue:
        assert f"### `{event.event_type}` v{event.schema_version}" in text
        assert f"`coalition.{event.service}.{event.event_type}`" in text
