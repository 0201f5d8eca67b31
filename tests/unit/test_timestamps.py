"""Timestamps are stored as text in one format and read back as the same UTC moment."""

from __future__ import annotations

from datetime import UTC, datetime

from chalicelib.domain.clock import isoformat_z, parse_isoformat_z


def test_a_stored_timestamp_reads_back_as_the_moment_written():
    for moment in (
        datetime(2025, 4, 17, 13, 22, 25, 166148, tzinfo=UTC),
        datetime(2025, 1, 1, tzinfo=UTC),
    ):
        assert parse_isoformat_z(isoformat_z(moment)) == moment
        assert parse_isoformat_z(isoformat_z(moment)).tzinfo == UTC
