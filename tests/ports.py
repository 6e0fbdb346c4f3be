"""Free local ports for the parts a test starts on its own (never a fixed one that a
running stack, or another test run, may hold)."""

from __future__ import annotations

import socket


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def free_pair() -> int:
    """A port whose successor is free too (the Kafka port and its controller's)."""
    while True:
        port = free_port()
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
