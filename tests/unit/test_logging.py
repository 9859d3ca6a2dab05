"""In JSON mode every log line is one JSON object, from our loggers and from libraries alike,
and it carries the correlation id bound for the request or event being handled."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
import structlog

from coalition.shared.web.logging import configure_logging


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers, root.level = handlers, level
    structlog.reset_defaults()


def test_json_lines_carry_the_correlation_id(
    restored_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "INFO")
    structlog.contextvars.bind_contextvars(correlation_id="c0ffee")
    try:
        structlog.get_logger("coalition.test").info("ours", partner="p1")
        logging.getLogger("faststream.test").info("theirs %s", "too")
        logging.getLogger("coalition.test").debug("below the level")
    finally:
        structlog.contextvars.unbind_contextvars("correlation_id")

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [line["event"] for line in lines] == ["ours", "theirs too"]
    assert all(line["correlation_id"] == "c0ffee" for line in lines)
    assert lines[0]["partner"] == "p1"
    assert {line["logger"] for line in lines} == {"coalition.test", "faststream.test"}
    assert all(line["level"] == "info" and line["timestamp"].endswith("Z") for line in lines)
