"""The SMTP transport against a real server: STARTTLS, implicit TLS and login."""

from __future__ import annotations

import ssl
import subprocess
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from carecycle.channels.smtp import (
    SmtpSettings,
    SmtpTransport,
    SmtpUnavailableError,
    wire_bytes,
)
from tests.smtp_server import Mailbox, free_port

USER, PASSWORD = "care", "s3cret"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Return a self-signed certificate for 127.0.0.1 and its key."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def _authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[tuple[Mailbox, int]]:
    """Run an SMTP server that requires STARTTLS and a login."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    mailbox, port = Mailbox(), free_port()
    controller = Controller(
        mailbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticate,
        auth_required=True,
    )
    controller.start()
    try:
        yield mailbox, port
    finally:
        controller.stop()


def message() -> EmailMessage:
    made = EmailMessage()
    made["From"], made["To"], made["Subject"] = "care@example.com", "a@example.cn", "Hello"
    made.set_content(".leading dot survives\nsecond line\n")
    return made


def send(settings: SmtpSettings) -> str:
    with SmtpTransport(settings) as smtp:
        return smtp.transmit(
            message(),
            sender="care@example.com",
            recipient="a@example.cn",
            before_commit=lambda: None,
        )


def test_starttls_and_login_deliver_through_a_server_that_requires_both(
    tls_server: tuple[Mailbox, int], certificate: tuple[Path, Path]
) -> None:
    mailbox, port = tls_server
    settings = SmtpSettings(
        "127.0.0.1", port, "starttls", USER, PASSWORD, timeout=5, ca_file=str(certificate[0])
    )
    assert send(settings).startswith("250")
    (received,) = mailbox.messages
    assert received.message.get_content().startswith(".leading dot survives")


def test_a_wrong_password_is_a_clear_error(
    tls_server: tuple[Mailbox, int], certificate: tuple[Path, Path]
) -> None:
    settings = SmtpSettings(
        "127.0.0.1",
        tls_server[1],
        "starttls",
        USER,
        "wrong",
        timeout=5,
        ca_file=str(certificate[0]),
    )
    with pytest.raises(SmtpUnavailableError, match="SMTP login refused: 535"):
        send(settings)
    assert tls_server[0].messages == []


def test_an_untrusted_certificate_is_refused(tls_server: tuple[Mailbox, int]) -> None:
    settings = SmtpSettings("127.0.0.1", tls_server[1], "starttls", USER, PASSWORD, timeout=5)
    with pytest.raises(SmtpUnavailableError, match="CERTIFICATE_VERIFY_FAILED"):
        send(settings)


def test_without_starttls_the_server_refuses_and_nothing_is_sent(
    tls_server: tuple[Mailbox, int],
) -> None:
    settings = SmtpSettings("127.0.0.1", tls_server[1], "none", timeout=5)
    with pytest.raises(Exception, match="530"):
        send(settings)
    assert tls_server[0].messages == []


def test_lines_starting_with_a_dot_are_doubled_on_the_wire() -> None:
    wire = wire_bytes(message())
    assert b"\r\n..leading dot survives\r\n" in wire
    assert wire.endswith(b"\r\n")


def test_implicit_tls_delivers(certificate: tuple[Path, Path]) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    mailbox, port = Mailbox(), free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, ssl_context=context)
    controller.start()
    try:
        settings = SmtpSettings("127.0.0.1", port, "tls", timeout=5, ca_file=str(certificate[0]))
        assert send(settings).startswith("250")
    finally:
        controller.stop()
    assert len(mailbox.messages) == 1
