"""A client dropping its connection is one quiet debug line; other server errors still log."""

from __future__ import annotations

import logging
import socket
import struct
import time

import pytest

from ghemu.testing import running_emulator

SERVER_LOGGER = "ghemu.server"


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(4096)
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    while len(body) < length:
        body += sock.recv(4096)
    return head


def _disconnect_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r for r in caplog.records if r.name == SERVER_LOGGER and "disconnected" in r.getMessage()
    ]


def test_client_resetting_a_keep_alive_connection_logs_no_traceback(tmp_path, caplog, capfd):
    # given: a keep-alive connection that has had one answer
    caplog.set_level(logging.DEBUG, logger=SERVER_LOGGER)
    with running_emulator(tmp_path / "ghemu") as gh:
        host, port = gh.root_url.removeprefix("http://").split(":")
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(f"GET /_emulator/health HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
        head = _read_response(sock)

        # when: the client resets the connection (RST) while the server waits for a request
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
        deadline = time.monotonic() + 5
        while not _disconnect_records(caplog) and time.monotonic() < deadline:
            time.sleep(0.02)
        alive = gh.health()["status"]

    # then
    assert head.startswith(b"HTTP/1.1 200")
    [record] = _disconnect_records(caplog)
    assert record.levelno == logging.DEBUG and record.exc_info is None
    assert "ConnectionResetError" in record.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert "Traceback" not in capfd.readouterr().err
    assert alive == "ok"


@pytest.mark.parametrize(
    ("error", "quiet"),
    [
        (ConnectionResetError(104, "Connection reset by peer"), True),
        (BrokenPipeError(32, "Broken pipe"), True),
        (RuntimeError("handler broke"), False),
        (ValueError("invalid literal for int() with base 16: b'zz'"), False),
        (OSError(28, "No space left on device"), False),
    ],
)
def test_only_disconnects_are_quiet(tmp_path, caplog, error, quiet):
    # given
    caplog.set_level(logging.DEBUG, logger=SERVER_LOGGER)
    with running_emulator(tmp_path / "ghemu") as gh:
        assert gh.server is not None
        httpd = gh.server.httpd

        # when: the server reports an error raised while serving a connection
        try:
            raise error
        except Exception:
            httpd.handle_error(None, ("127.0.0.1", 50000))

    # then
    [record] = [r for r in caplog.records if r.name == SERVER_LOGGER]
    if quiet:
        assert record.levelno == logging.DEBUG and record.exc_info is None
        assert record.getMessage() == (
            f"client 127.0.0.1:50000 disconnected ({type(error).__name__})"
        )
    else:
        assert record.levelno == logging.ERROR and record.exc_info[1] is error
