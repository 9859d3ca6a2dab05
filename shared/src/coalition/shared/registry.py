"""Finds the installed services through the `coalition.services` entry-point group, so the
shared kernel never imports a service (imports point down, never up)."""

from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points

from coalition.shared.service import ServiceSpec

ORDER = ["research", "scoring", "engagement", "agreement", "projections"]


def _entries() -> dict[str, EntryPoint]:
    found = {entry.name: entry for entry in entry_points(group="coalition.services")}
    return dict(sorted(found.items(), key=lambda item: [*ORDER, item[0]].index(item[0])))


def _load(entry: EntryPoint) -> ServiceSpec:
    spec = entry.load()
    if not isinstance(spec, ServiceSpec):
        raise TypeError(f"{entry.value} is not a ServiceSpec")
    return spec


def installed_services() -> dict[str, ServiceSpec]:
    return {name: _load(entry) for name, entry in _entries().items()}


def select(name: str) -> list[ServiceSpec]:
    """`all`, one service name, or a comma-separated list."""
    entries = _entries()
    names = list(entries) if name == "all" else name.split(",")
    unknown = [part for part in names if part not in entries]
    if unknown:
        raise KeyError(f"unknown service {unknown[0]!r}; installed: {', '.join(entries)}")
    return [_load(entries[part]) for part in names]
