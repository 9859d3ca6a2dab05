"""What partners committed to in engagement, as the agreement service keeps it: the start of a
draft. A commitment is named `partner_id/commitment_id` (commitment ids are unique within a
partner's pipeline entry)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coalition.shared.contracts.agreement import AgreementContent, ResourcePledge
from coalition.shared.web.problems import DomainError


@dataclass(frozen=True)
class Commitment:
    campaign_id: str
    partner_id: str
    commitment_id: str
    what: str
    resources: tuple[str, ...]
    withdrawn: bool = False

    @property
    def ref(self) -> str:
        return f"{self.partner_id}/{self.commitment_id}"


def start_from(
    content: AgreementContent, refs: Sequence[str], known: dict[str, Commitment]
) -> AgreementContent:
    """The draft with each cited commitment among its resources (unless already pledged under
    that commitment). Each one must stand and be a party's: the field at fault otherwise."""
    pledged = {pledge.commitment_id for pledge in content.resources if pledge.commitment_id}
    resources = list(content.resources)
    for i, ref in enumerate(refs):
        field = f"body.commitments[{i}]"
        commitment = known.get(ref)
        if commitment is None:
            raise DomainError(f"no commitment {ref} is known in this campaign", field=field)
        if commitment.withdrawn:
            raise DomainError(f"commitment {ref} was withdrawn", field=field)
        if commitment.partner_id not in content.parties:
            raise DomainError(
                f"{commitment.partner_id} made commitment {ref} but is not a party", field=field
            )
        if commitment.commitment_id in pledged:
            continue
        brings = "; ".join(commitment.resources)
        resources.append(
            ResourcePledge(
                party_id=commitment.partner_id,
                description=f"{commitment.what} ({brings})" if brings else commitment.what,
                commitment_id=commitment.commitment_id,
            )
        )
    return content.model_copy(update={"resources": resources})
