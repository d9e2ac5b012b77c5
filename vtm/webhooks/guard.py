"""Which URLs the server may send webhooks to.

A webhook makes the server send requests where a user says, so a URL must not reach
the server's own network: every address the host name resolves to must be public —
not loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local (169.254/16,
where cloud metadata services live; fe80::/10), shared (100.64/10), multicast,
unspecified or reserved; IPv4 inside IPv6 (::ffff:a.b.c.d, 64:ff9b::/96) is checked
as the IPv4 address it carries. `VTM_WEBHOOKS_ALLOW_PRIVATE=1` lifts this (receivers
on the same network, tests).

The check runs when a webhook is registered and again before every attempt, and the
sender connects to the very address that was checked (`Target.addresses`), never
resolving the name again: a DNS answer that changes in between (rebinding) cannot
redirect a delivery inside.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from vtm.errors import InvalidInput

MAX_URL = 2048
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str  # as written (for the Host header, TLS name and certificate check)
    port: int
    path: str  # path and query
    addresses: tuple[str, ...]  # checked addresses, to connect to


def parse(url: str) -> tuple[str, str, int, str]:
    """(scheme, host, port, path) of an http(s) URL, or InvalidInput saying what is wrong."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput("url: give the http:// or https:// address that should receive the events.")
    if len(url) > MAX_URL or any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise InvalidInput(f"url: at most {MAX_URL} characters, without spaces or control characters.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput(f"url {url!r} is not a valid URL ({exc}).") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidInput(f"url {url!r}: only http:// and https:// URLs can receive webhooks.")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("url: put no user name or password in the URL; verify the signature instead.")
    host = parts.hostname or ""
    if not host:
        raise InvalidInput(f"url {url!r} has no host name.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, host, port or (443 if parts.scheme == "https" else 80), path


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_public(str(ip.ipv4_mapped))
        if ip in _NAT64:
            return is_public(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback or ip.is_link_local)


def check(url: str, *, allow_private: bool) -> Target:
    """Resolve the URL's host and refuse it unless every address is allowed."""
    scheme, host, port, path = parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise InvalidInput(f"url: the host {host!r} cannot be resolved ({exc.args[-1] if exc.args else exc}).") from None
    addresses = tuple(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses:
        raise InvalidInput(f"url: the host {host!r} has no address.")
    if not allow_private:
        inside = [a for a in addresses if not is_public(a)]
        if inside:
            raise InvalidInput(
                f"url: {host} resolves to {', '.join(inside)}, a loopback, private or reserved address; webhooks "
                "go to public addresses only (set VTM_WEBHOOKS_ALLOW_PRIVATE=1 to allow your own network).",
                code="webhook_address_refused",
            )
    return Target(scheme, host, port, path, addresses)
