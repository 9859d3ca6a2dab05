"""REST routes of bulk imports: send a file (or dry-run it), follow its progress, page through
its row report."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel, Field

from coalition.research.adapters.imports import MEDIA_TYPES, Format, Layout
from coalition.research.domain.imports import Outcome, RowResult
from coalition.research.service_layer import bulk_import
from coalition.shared.web.auth import PrincipalDep, require_campaign, visible
from coalition.shared.web.deps import ContextDep, StoreDep
from coalition.shared.web.models import MULTILINE_TEXT
from coalition.shared.web.problems import PROBLEM_RESPONSES, DomainError, NotFoundError

router = APIRouter(prefix="/imports", tags=["imports"])
ImportId = Annotated[str, Path(max_length=100, pattern=r"^[0-9a-f-]{1,100}$")]
ID_PATTERN = r"^[A-Za-z0-9_.-]+$"
FILE_BODY: dict[str, Any] = {
    "required": True,
    "description": "The file: CSV, JSON Lines or GraphML (docs/imports.md gives the columns).",
    # No `type`: the body is a file of any text (`{}` sent as text/csv is a CSV file with one
    # column and no rows), so no body is of a "wrong type"; bad rows are reported per row.
    "content": {
        media: {"schema": {"description": f"A file, as {media}."}} for media in MEDIA_TYPES
    },
}


class UnsupportedMediaTypeError(DomainError):
    status = 415
    kind = "unsupported-media-type"


class ImportPublic(BaseModel):
    import_id: str
    campaign_id: str
    source: str
    format: Format
    layout: str
    dry_run: bool
    skip_bad_rows: bool
    status: bulk_import.Status = Field(
        description="`running`; `completed` (written, or the dry run done); `rejected` (bad "
        "rows, nothing written); `failed` (the file could not be read, see `error`)."
    )
    phase: str = Field(description="reading, deciding, writing or done.")
    rows_total: int
    rows_processed: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    events: int = Field(description="Events recorded (0 for a dry run or a rejected file).")
    error: str | None
    started_at: datetime | None
    finished_at: datetime | None
    report_available: bool = Field(description="Whether `rows` can still list the row report.")


class RowPublic(BaseModel):
    row: int = Field(description="The line (CSV, JSON Lines) or element (GraphML) number.")
    record: str
    key: str | None = Field(description="The row's id (or its tie's ends).")
    outcome: Outcome
    field: str | None = Field(description="The column at fault, for a rejected row.")
    message: str | None = Field(description="Why it was rejected.")


class RowPage(BaseModel):
    items: list[RowPublic]
    next_cursor: str | None


def _public(job: bulk_import.ImportJob) -> ImportPublic:
    return ImportPublic(
        import_id=job.import_id,
        campaign_id=job.campaign_id,
        source=job.source,
        format=job.file_format,
        layout=job.layout,
        dry_run=job.dry_run,
        skip_bad_rows=job.skip_bad_rows,
        status=job.status,
        phase=job.phase,
        rows_total=job.total,
        rows_processed=job.processed,
        created=job.counts["created"],
        updated=job.counts["updated"],
        unchanged=job.counts["unchanged"],
        rejected=job.counts["rejected"],
        events=job.events,
        error=job.error,
        started_at=job.started_at,
        finished_at=job.finished_at,
        report_available=True,
    )


def _format_of(request: Request) -> Format:
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    found = MEDIA_TYPES.get(media)
    if found is None:
        raise UnsupportedMediaTypeError(
            f"Content-Type {media or '(none)'} is not an import format: one of "
            + ", ".join(MEDIA_TYPES),
            field="header.content-type",
        )
    return found


@router.post(
    "",
    status_code=202,
    summary="Import a file of organisations, positions and relationships (or dry-run it).",
    openapi_extra={"requestBody": FILE_BODY},
    responses={
        415: {
            "description": "The Content-Type is not an import format.",
            "content": {
                "application/problem+json": PROBLEM_RESPONSES[422]["content"][
                    "application/problem+json"
                ]
            },
        }
    },
)
async def start_import(
    request: Request,
    store: StoreDep,
    context: ContextDep,
    principal: PrincipalDep,
    response: Response,
    campaign_id: Annotated[
        str, Query(min_length=1, max_length=100, pattern=ID_PATTERN, description="The campaign.")
    ],
    reason: Annotated[
        str,
        Query(
            min_length=1, max_length=2000, pattern=MULTILINE_TEXT, description="Why it is imported."
        ),
    ],
    source: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            pattern=ID_PATTERN,
            description="The source's name: partner ids derive from it, so a re-import of the "
            "same source finds its partners again.",
        ),
    ] = "import",
    layout: Annotated[Layout, Query(description="The columns: ours, or a real data set's.")] = (
        "coalition"
    ),
    dry_run: Annotated[bool, Query(description="Report what would happen; write nothing.")] = False,
    skip_bad_rows: Annotated[
        bool, Query(description="Write the good rows of a file with bad ones.")
    ] = False,
) -> ImportPublic:
    """Answers at once (202); the import runs on, its progress at `Location`. A file with a
    rejected row writes nothing unless `skip_bad_rows`."""
    file_format = _format_of(request)
    require_campaign(principal, campaign_id)
    data = await request.body()
    job = bulk_import.ImportJob(
        campaign_id=campaign_id,
        source=source,
        file_format=file_format,
        layout=layout,
        dry_run=dry_run,
        skip_bad_rows=skip_bad_rows,
    )
    metadata = context.metadata(reason=reason, campaign_id=campaign_id)
    bulk_import.jobs_of(store).start(store, job, data, metadata)
    response.headers["Location"] = f"imports/{job.import_id}"
    return _public(job)


async def _job_or_record(
    store: StoreDep, principal: PrincipalDep, import_id: str
) -> ImportPublic | bulk_import.ImportJob:
    missing = NotFoundError(f"import {import_id} not found", import_id=import_id)
    job = bulk_import.jobs_of(store).get(import_id)
    if job is not None:
        visible(principal, job.campaign_id, missing)
        return job
    done = await bulk_import.completed(store, import_id)
    if done is None:
        raise missing
    visible(principal, done.campaign_id, missing)
    return ImportPublic(
        import_id=done.import_id,
        campaign_id=done.campaign_id,
        source=done.source,
        format=done.file_format,
        layout=done.layout,
        dry_run=False,
        skip_bad_rows=done.skip_bad_rows,
        status="completed",
        phase="done",
        rows_total=done.rows,
        rows_processed=done.rows,
        created=done.created,
        updated=done.updated,
        unchanged=done.unchanged,
        rejected=done.rejected,
        events=done.events,
        error=None,
        started_at=None,
        finished_at=None,
        report_available=False,
    )


@router.get("/{import_id}", summary="An import's status and counts, while it runs and after.")
async def get_import(import_id: ImportId, store: StoreDep, principal: PrincipalDep) -> ImportPublic:
    found = await _job_or_record(store, principal, import_id)
    return _public(found) if isinstance(found, bulk_import.ImportJob) else found


@router.get("/{import_id}/rows", summary="The row report of an import, in row order.")
async def import_rows(
    import_id: ImportId,
    store: StoreDep,
    principal: PrincipalDep,
    outcome: Annotated[Outcome | None, Query(description="Only rows with this outcome.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    cursor: Annotated[
        str | None,
        Query(
            max_length=10, pattern=r"^[0-9]{1,9}$", description="`next_cursor` of the last page."
        ),
    ] = None,
) -> RowPage:
    """Ordered by row number (a row of the IRS layout with a chapter's tie has two results);
    the cursor is a place in that order. Kept by the process that ran the import, for its last
    hundred imports."""
    found = await _job_or_record(store, principal, import_id)
    if not isinstance(found, bulk_import.ImportJob):
        raise NotFoundError(f"the row report of import {import_id} is no longer kept")
    ordered = sorted(found.rows, key=lambda result: result.number)
    chosen = [r for r in ordered if outcome is None or r.outcome == outcome]
    start = int(cursor) if cursor is not None else 0
    page = chosen[start : start + limit]
    items = [RowPublic(row=r.number, **_fields(r)) for r in page]
    more = start + limit < len(chosen)
    return RowPage(items=items, next_cursor=str(start + limit) if more else None)


def _fields(result: RowResult) -> dict[str, Any]:
    return {
        name: getattr(result, name) for name in ("record", "key", "outcome", "field", "message")
    }
