"""What a partner covers of what a campaign needs: constituencies, regions, capabilities, the
issues it must win and its objectives. Complementarity and the recommended coalition both
count coverage; each covered item says where in the profile it was found."""

from __future__ import annotations

from collections.abc import Mapping

from coalition.scoring.domain.facts import CampaignFacts, PartnerFacts
from coalition.scoring.domain.text import mentions, term, words

NEED_KINDS = {"constituencies": "constituency", "regions": "region", "capabilities": "capability"}
PRIORITY_WEIGHT = {"critical": 1.0, "high": 0.75, "medium": 0.5, "low": 0.25}


def needs(facts: CampaignFacts) -> dict[str, str]:
    """Each stated need as an item key (`region:north-west`) -> its label as stated."""
    items: dict[str, str] = {}
    for field_name, prefix in NEED_KINDS.items():
        for label in facts.needs.get(field_name, []):
            if term(label):
                items[f"{prefix}:{term(label)}"] = label
    return items


def covered_needs(partner: PartnerFacts, items: Mapping[str, str]) -> dict[str, str]:
    """The needs `partner` covers -> where its profile shows it."""
    profile = partner.profile
    regions = {term(r): r for r in profile.get("regions", [])}
    if profile.get("country"):
        regions.setdefault(term(profile["country"]), profile["country"])
    resources = profile.get("resources") or {}
    skills = [*profile.get("expertise", []), *resources.get("logistics", [])]
    about = [
        profile.get("name", ""),
        profile.get("mission") or "",
        *profile.get("goals", []),
        *profile.get("expertise", []),
    ]
    found: dict[str, str] = {}
    for item, label in items.items():
        prefix, _, key = item.partition(":")
        if prefix == "region":
            if key in regions:
                found[item] = f"active in {regions[key]}"
        elif prefix == "capability":
            hit = next((s for s in skills if term(s) == key), None) or mentions(label, skills)
            if hit:
                found[item] = f"offers {hit}"
        else:
            hit = mentions(label, about)
            if hit:
                found[item] = f"reaches {label}: {_clip(hit)}"
    return found


def objective_items(facts: CampaignFacts) -> dict[str, tuple[str, float]]:
    """`objective:<id>` -> (title, weight by priority)."""
    return {
        f"objective:{objective_id}": (
            str(data["title"]),
            PRIORITY_WEIGHT.get(str(data.get("priority")), 0.5),
        )
        for objective_id, (data, _event) in facts.objectives.items()
    }


def covered_objectives(
    partner: PartnerFacts, objectives: Mapping[str, tuple[str, float]]
) -> dict[str, str]:
    """Objectives whose significant words the partner's goals, mission or expertise share (two
    words, or every word of a one-word title)."""
    profile = partner.profile
    texts = [profile.get("mission") or "", *profile.get("goals", []), *profile.get("expertise", [])]
    theirs = set().union(*(words(t) for t in texts)) if texts else set()
    found: dict[str, str] = {}
    for item, (title, _weight) in objectives.items():
        wanted = words(title)
        shared = wanted & theirs
        if wanted and len(shared) >= min(2, len(wanted)):
            found[item] = f"its aims share {', '.join(sorted(shared))} with '{title}'"
    return found


def issue_items(facts: CampaignFacts) -> dict[str, float]:
    """`issue:<key>` -> weight, for every issue the campaign takes a side on."""
    return {
        f"issue:{issue}": weight for issue, (stance, weight, _e) in facts.issues.items() if stance
    }


def covered_issues(partner: PartnerFacts, facts: CampaignFacts) -> dict[str, str]:
    """Issues where the partner stands on the campaign's side."""
    found: dict[str, str] = {}
    for issue, (stance, _weight, _event) in facts.issues.items():
        known = partner.positions.get(issue)
        if stance and known and known[0] * stance > 0:
            found[f"issue:{issue}"] = f"stands with the campaign on {issue}"
    return found


def _clip(text: str, limit: int = 120) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
