"""`as_of` as clients send it: a day means its end (UTC); a moment still to come is now; a
moment before the first one UTC can name holds nothing (not a 500)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from coalition.projections.entrypoints.as_of import moment


def test_a_day_is_its_last_moment_utc() -> None:
    assert moment(date(2026, 3, 1)) == datetime(2026, 3, 1, 23, 59, 59, 999999, tzinfo=UTC)


def test_a_moment_is_read_in_utc() -> None:
    paris = timezone(timedelta(hours=1))
    assert moment(datetime(2026, 3, 1, 10, 0, tzinfo=paris)) == datetime(2026, 3, 1, 9, tzinfo=UTC)


def test_the_future_is_now_and_the_far_past_is_the_first_moment() -> None:
    before = datetime.now(UTC)
    assert before <= moment(date(9999, 12, 31)) <= datetime.now(UTC)
    far_east = timezone(timedelta(hours=14))
    assert moment(datetime(1, 1, 1, tzinfo=far_east)) == datetime.min.replace(tzinfo=UTC)
    assert before <= moment(None) <= datetime.now(UTC)
