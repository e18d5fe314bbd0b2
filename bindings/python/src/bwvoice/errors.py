"""Exceptions raised by :mod:`bwvoice`.

Every failure reported by the native library is a :class:`BandwidthError`;
its subclass says which ``bw_status`` the library returned (one class per
status, see :data:`STATUS_CLASSES`). Some subclasses also derive from the
matching built-in exception (``ValueError``, ``TimeoutError``,
``ConnectionError``) so generic handlers keep working.

Two statuses come only from :class:`bwvoice.AsyncClient`:
:class:`QueueFullError` (``BW_ERR_BUSY``) and :class:`CallCancelledError`
(``BW_ERR_CANCELLED``). The latter is a :class:`BandwidthError`, *not*
:class:`asyncio.CancelledError`: it reports a call the library dropped (its
client was closed while it waited), while a task that is itself cancelled
raises :class:`asyncio.CancelledError` as usual.
"""

from __future__ import annotations

from typing import ClassVar

from . import _ffi

__all__ = [
    "STATUS_CLASSES",
    "AuthenticationError",
    "BadRequestError",
    "BandwidthConnectionError",
    "BandwidthError",
    "BandwidthTimeoutError",
    "CallCancelledError",
    "ClientClosedError",
    "ConflictError",
    "ForbiddenError",
    "InternalError",
    "NotFoundError",
    "ProtocolError",
    "QueueFullError",
    "RateLimitedError",
    "ServerError",
    "TLSError",
    "ValidationError",
]


class BandwidthError(Exception):
    """A call to the Voice API, or the creation of a client, failed.

    ``str(error)`` is :attr:`message`. Attributes:

    * ``status`` -- the C status name, e.g. ``"BW_ERR_NOT_FOUND"``.
    * ``status_code`` -- the numeric ``bw_status``.
    * ``http_status`` -- HTTP status of the final response, or ``None`` if
      there was none (validation, timeout, connection failure...).
    * ``error_type`` / ``description`` / ``error_id`` -- Bandwidth's error
      ``type``, ``description`` and ``id`` when the server sent them, else ``None``.
    * ``retry_after`` -- the server's ``Retry-After`` in seconds (float), or ``None``.
    * ``field`` -- for :class:`ValidationError`: the offending argument.
    * ``attempts`` -- HTTP attempts made, retries included (0: nothing was sent).
    * ``maybe_applied`` -- ``True`` when the call failed but the request may
      have reached the server and taken effect (a timeout or reset after it
      was sent, a 5xx other than 503): repeating it may repeat its effect.
      ``False`` when it certainly had no effect.
    * ``message`` -- a readable explanation; never contains a credential.
    """

    #: The ``bw_status`` this class stands for (used when none is given).
    default_status_code: ClassVar[int] = _ffi.BW_ERR_INTERNAL

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        http_status: int | None = None,
        error_type: str | None = None,
        description: str | None = None,
        error_id: str | None = None,
        retry_after: float | None = None,
        field: str | None = None,
        attempts: int = 0,
        maybe_applied: bool = False,
    ) -> None:
        super().__init__(message)
        code = self.default_status_code if status_code is None else status_code
        self.message: str = message
        self.status_code: int = code
        self.status: str = _ffi.status_str(code)
        self.http_status: int | None = http_status
        self.error_type: str | None = error_type
        self.description: str | None = description
        self.error_id: str | None = error_id
        self.retry_after: float | None = retry_after
        self.field: str | None = field
        self.attempts: int = attempts
        self.maybe_applied: bool = maybe_applied

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        parts = [repr(self.message), f"status={self.status}"]
        if self.http_status is not None:
            parts.append(f"http_status={self.http_status}")
        if self.field is not None:
            parts.append(f"field={self.field!r}")
        return f"{type(self).__name__}({', '.join(parts)})"


class ValidationError(BandwidthError, ValueError):
    """``BW_ERR_INVALID_ARGUMENT``: an argument is invalid; nothing was sent.

    :attr:`field` names the argument.
    """

    default_status_code = _ffi.BW_ERR_INVALID_ARGUMENT


class AuthenticationError(BandwidthError):
    """``BW_ERR_UNAUTHORIZED``: HTTP 401, or the OAuth2 token endpoint refused the client."""

    default_status_code = _ffi.BW_ERR_UNAUTHORIZED


class ForbiddenError(BandwidthError):
    """``BW_ERR_FORBIDDEN``: HTTP 403; the credentials may not act on this account or call."""

    default_status_code = _ffi.BW_ERR_FORBIDDEN


class NotFoundError(BandwidthError):
    """``BW_ERR_NOT_FOUND``: HTTP 404; the call is unknown or has already ended."""

    default_status_code = _ffi.BW_ERR_NOT_FOUND


class ConflictError(BandwidthError):
    """``BW_ERR_CONFLICT``: HTTP 409; the call cannot be modified in its state (not answered)."""

    default_status_code = _ffi.BW_ERR_CONFLICT


class RateLimitedError(BandwidthError):
    """``BW_ERR_RATE_LIMITED``: HTTP 429; :attr:`retry_after` says when to try again."""

    default_status_code = _ffi.BW_ERR_RATE_LIMITED


class BadRequestError(BandwidthError):
    """``BW_ERR_BAD_REQUEST``: HTTP 400 or another 4xx; the server rejected the request."""

    default_status_code = _ffi.BW_ERR_BAD_REQUEST


class ServerError(BandwidthError):
    """``BW_ERR_SERVER``: HTTP 5xx."""

    default_status_code = _ffi.BW_ERR_SERVER


class BandwidthTimeoutError(BandwidthError, TimeoutError):
    """``BW_ERR_TIMEOUT``: the connect timeout or the call's time budget expired."""

    default_status_code = _ffi.BW_ERR_TIMEOUT


class BandwidthConnectionError(BandwidthError, ConnectionError):
    """``BW_ERR_CONNECT``: DNS failure, connection refused, or closed before a response."""

    default_status_code = _ffi.BW_ERR_CONNECT


class TLSError(BandwidthError, ConnectionError):
    """``BW_ERR_TLS``: TLS certificate or handshake failure."""

    default_status_code = _ffi.BW_ERR_TLS


class ProtocolError(BandwidthError):
    """``BW_ERR_PROTOCOL``: a malformed or oversized response."""

    default_status_code = _ffi.BW_ERR_PROTOCOL


class InternalError(BandwidthError):
    """``BW_ERR_INTERNAL``: a bug inside the native library. Please report it."""

    default_status_code = _ffi.BW_ERR_INTERNAL


class QueueFullError(BandwidthError):
    """``BW_ERR_BUSY``: the :class:`bwvoice.AsyncClient`'s queue is full (``max_queued``).

    Raised at once by the call that found it full; nothing was queued or sent.
    """

    default_status_code = _ffi.BW_ERR_BUSY


class CallCancelledError(BandwidthError):
    """``BW_ERR_CANCELLED``: the library cancelled an asynchronous call before it completed.

    A :class:`bwvoice.AsyncClient` call raises it when the client was closed
    (:meth:`~bwvoice.AsyncClient.aclose`) while the call still waited in the
    queue: it was never sent. Not an :class:`asyncio.CancelledError`: a
    cancelled *task* raises that one instead, never this.
    """

    default_status_code = _ffi.BW_ERR_CANCELLED


class ClientClosedError(ValueError):
    """The client was used after ``Client.close()`` or ``AsyncClient.aclose()``."""


#: ``bw_status`` code -> exception class. Codes missing here (from a newer
#: library) raise :class:`BandwidthError` itself.
STATUS_CLASSES: dict[int, type[BandwidthError]] = {
    cls.default_status_code: cls
    for cls in (
        ValidationError,
        AuthenticationError,
        ForbiddenError,
        NotFoundError,
        ConflictError,
        RateLimitedError,
        BadRequestError,
        ServerError,
        BandwidthTimeoutError,
        BandwidthConnectionError,
        TLSError,
        ProtocolError,
        InternalError,
        QueueFullError,
        CallCancelledError,
    )
}


def _text(raw: bytes) -> str | None:
    """A ``bw_error`` string field as ``str``, or ``None`` when empty."""
    return raw.decode("utf-8", "replace") or None


def from_native(err: _ffi.bw_error, status: int) -> BandwidthError:
    """Builds the exception for a failed call from the ``bw_error`` it filled."""
    cls = STATUS_CLASSES.get(status, BandwidthError)
    return cls(
        _text(err.message) or _ffi.status_str(status),
        status_code=status,
        http_status=err.http_status or None,
        error_type=_text(err.error_type),
        description=_text(err.description),
        error_id=_text(err.error_id),
        retry_after=None if err.retry_after_ms < 0 else err.retry_after_ms / 1000.0,
        field=_text(err.field),
        attempts=err.attempts,
        maybe_applied=bool(err.maybe_applied),
    )


def invalid(field: str, message: str) -> ValidationError:
    """A :class:`ValidationError` raised by the binding itself (nothing was sent)."""
    return ValidationError(message, field=field)
