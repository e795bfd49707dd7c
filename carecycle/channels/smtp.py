"""Hands emails to an SMTP server, one SMTP transaction per message.

The body goes out without its final dot first; `before_commit` runs next, then the dot.
The outbox records "transmitting" in that gap, so after a crash it can tell a message
the server never had in full (safe to send again) from one it may have accepted (which
is not sent again): the only window left is the few microseconds between that record
and the dot leaving.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from types import TracebackType

_LEADING_DOT = re.compile(rb"(?m)^\.")


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the SMTP server."""

    host: str
    port: int
    security: str = "none"
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0
    ca_file: str | None = None

    def tls_context(self) -> ssl.SSLContext:
        """Return a verifying TLS context, trusting `ca_file` when one is given."""
        return ssl.create_default_context(cafile=self.ca_file)


class SmtpRefusedError(Exception):
    """The server refused a message; `permanent` for 5xx replies."""

    def __init__(self, code: int, reply: str) -> None:
        super().__init__(f"{code} {reply}")
        self.code = code
        self.reply = reply

    @property
    def permanent(self) -> bool:
        """Return True when retrying the same message cannot help."""
        return 500 <= self.code < 600


class SmtpUnavailableError(Exception):
    """The server cannot be reached or dropped the connection."""


def wire_bytes(message: EmailMessage) -> bytes:
    """Return the message as SMTP DATA: CRLF line ends, leading dots doubled, final CRLF."""
    raw = message.as_bytes(policy=policy.SMTP)
    if not raw.endswith(b"\r\n"):
        raw += b"\r\n"
    return _LEADING_DOT.sub(b"..", raw)


class SmtpTransport:
    """An open SMTP session; use as a context manager."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        s = self.settings
        try:
            if s.security == "tls":
                context = s.tls_context()
                self._smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
            else:
                self._smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
            # The final dot goes out as its own small write after the body; without
            # TCP_NODELAY it waits for the delayed ACK of the body, 40 ms per email.
            if self._smtp.sock is not None:
                self._smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._smtp.ehlo()
            if s.security == "starttls":
                self._smtp.starttls(context=s.tls_context())
                self._smtp.ehlo()
            if s.username:
                self._smtp.login(s.username, s.password or "")
        except smtplib.SMTPAuthenticationError as exc:
            reply = f"{exc.smtp_code} {_text(exc.smtp_error)}"
            raise SmtpUnavailableError(f"SMTP login refused: {reply}") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise SmtpUnavailableError(
                f"cannot reach SMTP server {s.host}:{s.port}: {exc}"
            ) from None
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
        self._smtp = None

    def transmit(
        self,
        message: EmailMessage,
        *,
        sender: str,
        recipient: str,
        before_commit: Callable[[], None],
    ) -> str:
        """Send one message; return the server's acceptance reply, or raise SmtpRefusedError."""
        smtp = self._smtp
        assert smtp is not None, "use the transport as a context manager"
        try:
            return self._transmit(smtp, message, sender, recipient, before_commit)
        except SmtpRefusedError:
            self.reset()
            raise

    def _transmit(
        self,
        smtp: smtplib.SMTP,
        message: EmailMessage,
        sender: str,
        recipient: str,
        before_commit: Callable[[], None],
    ) -> str:
        try:
            _expect(smtp.mail(sender), 250)
            _expect(smtp.rcpt(recipient), 250, 251)
            _expect(smtp.docmd("DATA"), 354)
            smtp.send(wire_bytes(message))
            before_commit()
            smtp.send(b".\r\n")
            code, reply = smtp.getreply()
        except smtplib.SMTPServerDisconnected as exc:
            raise SmtpUnavailableError(f"SMTP server closed the connection: {exc}") from None
        except OSError as exc:
            raise SmtpUnavailableError(f"SMTP connection failed: {exc}") from None
        if code != 250:
            raise SmtpRefusedError(code, _text(reply))
        return f"{code} {_text(reply)}"

    def reset(self) -> None:
        """Abandon a transaction the server refused part-way, keeping the session."""
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.rset()


def _expect(answer: tuple[int, bytes], *codes: int) -> None:
    code, reply = answer
    if code not in codes:
        raise SmtpRefusedError(code, _text(reply))


def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else reply
