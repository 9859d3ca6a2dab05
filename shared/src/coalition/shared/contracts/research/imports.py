"""Events about bulk imports of files: what one import recorded, as one audited fact."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from coalition.shared.events.envelope import DomainEvent


class FileImported(DomainEvent):
    """A file of organisations, positions and relationships was imported into a campaign: the
    partners and ties it created or updated were recorded in the same transaction as this
    event. Rows rejected are counted when the caller asked to skip them; otherwise a file with
    a rejected row records nothing, this event included."""

    service = "research"
    is_decision = True

    import_id: str = Field(description="The import's id (`GET /research/imports/{id}`).")
    campaign_id: str = Field(description="The campaign the file was imported into.")
    source: str = Field(max_length=100, description="The source's name; part of partner ids.")
    file_format: Literal["csv", "jsonl", "graphml"] = Field(description="The file's format.")
    layout: str = Field(max_length=50, description="The column layout (`coalition`, `irs_eo_bmf`).")
    rows: int = Field(ge=0, description="Rows read.")
    created: int = Field(ge=0, description="Rows that created a partner, position or tie.")
    updated: int = Field(ge=0, description="Rows that changed a known one.")
    unchanged: int = Field(ge=0, description="Rows with nothing new.")
    rejected: int = Field(ge=0, description="Rows skipped as bad (only with skip_bad_rows).")
    skip_bad_rows: bool = Field(description="Whether the caller asked to skip bad rows.")
    events: int = Field(ge=0, description="Events recorded, this one not included.")


__all__ = ["FileImported"]
