from __future__ import annotations

import socket

from vtm.web.tcp import no_delay_on_listeners


def test_listeners_and_the_connections_they_accept_get_no_delay() -> None:
    listener = socket.socket(socket.AF_INET)  # protocol 0, as Streamlit binds it
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    other = socket.socket(socket.AF_INET)  # not listening: left alone
    try:
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        assert no_delay_on_listeners() >= 1
        assert listener.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
        assert other.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 0
        client = socket.create_connection(listener.getsockname())
        accepted, _ = listener.accept()
        with client, accepted:
            assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        listener.close()
        other.close()
