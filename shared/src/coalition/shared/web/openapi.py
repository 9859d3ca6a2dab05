"""One OpenAPI document for the whole surface: every service's paths under its prefix.

Each service keeps its own document at `/<service>/openapi.json`; the process (or the edge) also
serves `/openapi.json` with all of them, so a CRM integrator generates one client. Operation ids
and tags are prefixed with the service; a schema name that two services use for different
shapes is prefixed too, and its references rewritten.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI


def without_null_parameters(document: dict[str, Any]) -> dict[str, Any]:
    """An optional header or query parameter is absent, never JSON `null`: say so, so that
    clients (and fuzzers) do not send the text "null" for it."""
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                variants = schema.get("anyOf")
                if not variants:
                    continue
                concrete = [variant for variant in variants if variant != {"type": "null"}]
                if len(concrete) == 1 and len(concrete) < len(variants):
                    rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
                    parameter["schema"] = {**concrete[0], **rest}
    return document


IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": (
        "Makes a retry safe: a POST repeated with the same key (same actor, same path, same body) "
        "returns the first response, with `Idempotent-Replayed: true`, and writes nothing again. "
        "Keys are kept 24 hours."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": 255,
        "pattern": "^[!-~]([ -~]*[!-~])?$",
    },
}


def with_idempotency_key(document: dict[str, Any]) -> dict[str, Any]:
    """Document the `Idempotency-Key` header (handled by middleware) on every POST."""
    for operations in document.get("paths", {}).values():
        post = operations.get("post")
        if isinstance(post, dict):
            post.setdefault("parameters", []).append(dict(IDEMPOTENCY_KEY))
    return document


SECURITY_SCHEMES = {
    "bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key (`coal_...`) or a person's bearer token (a JWT).",
    },
    "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
}
PUBLIC_OPERATIONS = frozenset({"/healthz", "/readyz"})


def with_security(document: dict[str, Any], public: frozenset[str] = frozenset()) -> dict[str, Any]:
    """Document that every operation but the health checks (and a service's public pages)
    needs a key or a token."""
    document.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
    for path, operations in document.get("paths", {}).items():
        if path in PUBLIC_OPERATIONS or path in public:
            continue
        for operation in operations.values():
            if isinstance(operation, dict):
                operation["security"] = [{"bearer": []}, {"apiKey": []}]
    return document


def _rename_schemas(document: dict[str, Any], renames: dict[str, str]) -> dict[str, Any]:
    if not renames:
        return document
    text = json.dumps(document)
    for old, new in renames.items():
        text = text.replace(f'"#/components/schemas/{old}"', f'"#/components/schemas/{new}"')
    renamed: dict[str, Any] = json.loads(text)
    schemas = renamed.get("components", {}).get("schemas", {})
    for old, new in renames.items():
        schemas[new] = schemas.pop(old)
    return renamed


def merged_openapi(
    children: Mapping[str, FastAPI], *, title: str, version: str, description: str
) -> dict[str, Any]:
    merged: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version, "description": description},
        "paths": {},
        "components": {"schemas": {}, "securitySchemes": SECURITY_SCHEMES},
        "tags": [],
    }
    schemas: dict[str, Any] = merged["components"]["schemas"]
    for name, child in children.items():
        document = child.openapi()
        own = document.get("components", {}).get("schemas", {})
        renames = {
            schema: f"{name.capitalize()}{schema}"
            for schema, shape in own.items()
            if schema in schemas and schemas[schema] != shape
        }
        document = _rename_schemas(document, renames)
        schemas.update(document.get("components", {}).get("schemas", {}))
        merged["tags"].append({"name": name, "description": child.description})
        for path, operations in document.get("paths", {}).items():
            for operation in operations.values():
                if isinstance(operation, dict) and "operationId" in operation:
                    operation["operationId"] = f"{name}_{operation['operationId']}"
                    operation["tags"] = [name, *operation.get("tags", [])]
            merged["paths"][f"/{name}{path}"] = operations
    return merged
