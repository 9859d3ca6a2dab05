"""One version of an agreement as a document: canonical bytes, their hash, and the diff from
the version before.

The canonical form is what makes "the exact terms each party signed" checkable years later: the
JSON of the version's content with the agreement's id, campaign and version number, keys sorted,
no insignificant whitespace, UTF-8. Anyone holding those bytes can recompute the hash recorded
in `PartySigned`."""

from __future__ import annotations

import difflib
import hashlib
import json
from typing import Any

from coalition.shared.contracts.agreement import AgreementContent, ContentChange

KEYED_LISTS = {"goals": "goal_id", "responsibilities": "responsibility_id"}
"""List fields whose items have ids: the diff names the item changed, not the whole list."""


def canonical(
    agreement_id: str, campaign_id: str, version: int, content: AgreementContent
) -> bytes:
    document = {
        "agreement_id": agreement_id,
        "campaign_id": campaign_id,
        "version": version,
        "content": content.model_dump(mode="json"),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def content_hash(
    agreement_id: str, campaign_id: str, version: int, content: AgreementContent
) -> str:
    return hashlib.sha256(canonical(agreement_id, campaign_id, version, content)).hexdigest()


def diff(before: AgreementContent, after: AgreementContent) -> list[ContentChange]:
    """What changed, field by field; items of keyed lists by id; the terms also line by line."""
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    changes: list[ContentChange] = []
    for field in AgreementContent.model_fields:
        if old[field] == new[field]:
            continue
        if field in KEYED_LISTS:
            changes.extend(_keyed(field, KEYED_LISTS[field], old[field], new[field]))
        elif field == "terms":
            lines = difflib.unified_diff(
                old[field].splitlines(), new[field].splitlines(), "before", "after", lineterm=""
            )
            changes.append(
                ContentChange(
                    path="terms",
                    change="changed",
                    before=old[field],
                    after=new[field],
                    unified_diff="\n".join(lines),
                )
            )
        else:
            change = "added" if old[field] in (None, []) else "changed"
            if new[field] in (None, []):
                change = "removed"
            changes.append(
                ContentChange(path=field, change=change, before=old[field], after=new[field])
            )
    return changes


def _keyed(
    field: str, key: str, old: list[dict[str, Any]], new: list[dict[str, Any]]
) -> list[ContentChange]:
    before = {item[key]: item for item in old}
    after = {item[key]: item for item in new}
    changes = [
        ContentChange(path=f"{field}[{item_id}]", change="removed", before=item)
        for item_id, item in before.items()
        if item_id not in after
    ]
    for item_id, item in after.items():
        if item_id not in before:
            changes.append(ContentChange(path=f"{field}[{item_id}]", change="added", after=item))
        elif before[item_id] != item:
            changes.append(
                ContentChange(
                    path=f"{field}[{item_id}]", change="changed", before=before[item_id], after=item
                )
            )
    if not changes:  # same items, another order
        changes.append(ContentChange(path=field, change="changed", before=old, after=new))
    return changes
