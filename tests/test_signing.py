"""Signed image URLs: what is signed, and every way a URL can be missing, wrong or expired."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import parse_qsl, urlsplit

import pytest

from vtm.errors import Forbidden, InvalidInput
from vtm.signing import parse_expires, sign, verify
from vtm.web.errors import status_of

KEY = "k3y-for-tests-0123456789"
NOW = 1_767_225_600  # 2026-01-01 00:00:00 UTC
URL = "/api/videos/7/thumbnail.jpg?width=320&time=12.5&fit_mode=smartcrop"


def split(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path, parts.query


def reason(url: str, *, key: str = KEY, now: float = NOW) -> str:
    try:
        verify(*split(url), key, now)
    except Forbidden as error:
        assert status_of(error) == 403
        return error.code
    return "ok"


def test_a_signed_url_verifies_until_it_expires() -> None:
    signed = sign(URL, KEY, NOW + 3600)
    assert reason(signed) == "ok"
    assert reason(signed, now=NOW + 3600) == "ok"
    assert reason(signed, now=NOW + 3601) == "signature_expired"


def test_the_signature_is_an_hmac_sha256_of_path_and_sorted_query() -> None:
    """Written out independently of the module: the scheme a client in another language
    would implement from the documentation."""
    signed = sign(URL, KEY, NOW)
    pairs = dict(parse_qsl(split(signed)[1]))
    message = b"v1\n/api/videos/7/thumbnail.jpg\nexpires=1767225600&fit_mode=smartcrop&time=12.5&width=320"
    digest = hmac.new(KEY.encode(), message, hashlib.sha256).digest()
    assert pairs["signature"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert len(pairs["signature"]) == 43 and pairs["expires"] == str(NOW)


@pytest.mark.parametrize(
    "change",
    [
        lambda u: u.replace("width=320", "width=3200"),  # another size
        lambda u: u.replace("/7/", "/8/"),  # another video
        lambda u: u.replace("thumbnail.jpg", "thumbnail.png"),
        lambda u: u + "&flip_h=true",  # a parameter added
        lambda u: u.replace("&time=12.5", ""),  # a parameter removed
        lambda u: u.replace(f"expires={NOW + 60}", f"expires={NOW + 999_999}"),  # a longer life
        lambda u: u.replace("signature=", "signature=A"),
        lambda u: u.replace("signature=", "signature=") + "&signature=x",  # two signatures
        lambda u: u + f"&expires={NOW + 60}",  # two expiries
        lambda u: u.replace(f"expires={NOW + 60}", "expires=%EF%BC%91"),  # a non-ASCII digit
    ],
)
def test_any_change_makes_it_wrong(change) -> None:
    signed = sign(URL, KEY, NOW + 60)
    assert reason(signed) == "ok"
    assert reason(change(signed)) == "signature_wrong"


def test_another_key_is_wrong_and_says_nothing_of_expiry() -> None:
    signed = sign(URL, "another-key-0123456789", NOW - 10)
    assert reason(signed) == "signature_wrong"


@pytest.mark.parametrize("url", [URL, URL + f"&expires={NOW + 60}", URL + "&signature=abc", "/api/videos/7/thumbnail.jpg"])
def test_missing(url: str) -> None:
    assert reason(url) == "signature_missing"


def test_order_encoding_and_host_do_not_matter() -> None:
    signed = sign("https://vtm.example:8501" + URL, KEY, NOW + 60)
    assert signed.startswith("https://vtm.example:8501/api/videos/7/thumbnail.jpg?")
    path, query = split(signed)
    shuffled = "&".join(reversed(query.split("&")))
    assert reason(f"{path}?{shuffled}") == "ok"
    assert reason(path.replace("thumbnail", "%74humbnail") + "?" + query.replace("12.5", "12%2E5")) == "ok"


def test_existing_signature_parameters_are_replaced() -> None:
    again = sign(sign(URL, KEY, NOW + 5), KEY, NOW + 60)
    pairs = parse_qsl(split(again)[1])
    assert [k for k, _ in pairs].count("signature") == 1 and dict(pairs)["expires"] == str(NOW + 60)
    assert reason(again, now=NOW + 30) == "ok"


def test_special_characters_survive() -> None:
    url = "/api/videos/7/thumbnail.jpg?at=40%25&name=caf%C3%A9%20%26%20cr%C3%A8me&empty="
    signed = sign(url, KEY, NOW + 60)
    assert reason(signed) == "ok"
    assert dict(parse_qsl(split(signed)[1], keep_blank_values=True))["name"] == "café & crème"


def test_expired_message_gives_the_time() -> None:
    with pytest.raises(Forbidden, match="expired at 2026-01-01 00:00:00 UTC"):
        verify(*split(sign(URL, KEY, NOW)), KEY, NOW + 1)


def test_short_keys_are_refused() -> None:
    with pytest.raises(InvalidInput, match="16 characters"):
        sign(URL, "short", NOW)


@pytest.mark.parametrize(("text", "seconds"), [("90s", 90), ("10m", 600), ("1h", 3600), ("2d", 172_800), ("3600", 3600),
                                               (" 1H ", 3600), ("1", 1), ("366d", 366 * 86_400)])
def test_parse_expires(text: str, seconds: int) -> None:
    assert parse_expires(text) == seconds


@pytest.mark.parametrize("text", ["", "0", "0s", "-1", "1.5h", "1w", "h", "1 h", "367d", "9999999999", "1e3", "١h", "10ms"])
def test_parse_expires_refuses(text: str) -> None:
    with pytest.raises(InvalidInput, match="expires"):
        parse_expires(text)
