"""Upload tickets: made by the server from the token, valid until they expire, useless
with another token, and they do not contain the token."""

from __future__ import annotations

import pytest

from vtm import tickets


def test_a_ticket_is_valid_until_it_expires() -> None:
    ticket = tickets.mint("s3cret", now=1000, ttl_s=60)
    assert tickets.valid("s3cret", ticket, now=1000)
    assert tickets.valid("s3cret", ticket, now=1060)
    assert not tickets.valid("s3cret", ticket, now=1061)
    assert "s3cret" not in ticket


@pytest.mark.parametrize("ticket", ["", "abc", "1000.", ".abc", "99999999999.deadbeef", "x.y.z"])
def test_forged_tickets_are_refused(ticket: str) -> None:
    assert not tickets.valid("s3cret", ticket, now=0)


def test_another_token_makes_other_tickets() -> None:
    assert not tickets.valid("s3cret", tickets.mint("other", now=0), now=0)
    assert not tickets.valid("", tickets.mint("", now=0), now=0)
