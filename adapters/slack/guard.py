"""HTTP mode's front door: each ``POST /slack/events`` is checked before Bolt parses it.

In order: the signature on the raw bytes, before anything is parsed (else 401); a body that
decodes and parses the way Bolt will parse it (else 400); the shape Slack documents for its
kind (else 200, ignored: a signed request is Slack's, and any other status makes it retry);
then Bolt itself, whose exceptions end as 200 too. A body that cannot be read (the client gone
mid-body, a broken chunked or compressed encoding) is refused with 400. Each refusal is one log
line: no traceback, no body, no secret. Slack's ``ssl_check`` is answered 200 unsigned, as Bolt
does before its own check. Bolt then gets the body parsed here, not the bytes: parsing (and
checking the signature) once is a tenth of a request's CPU.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.http_exceptions import PayloadEncodingError
from aiohttp.typedefs import Handler, Middleware
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.request.internals import (
    build_normalized_headers,
    extract_content_type,
    parse_body,
)

from adapters.slack.formbody import payload_field
from adapters.slack.shapes import Kind, shape_problem

log = logging.getLogger(__name__)

MAX_AGE_SECONDS = 300
"""How far a request's timestamp may be from now (Slack's rule, and Bolt's)."""
_TIMESTAMP_DIGITS = 12
SSL_CHECK_BYTES = 512
"""The most an unsigned body is read for, to tell Slack's ``ssl_check`` (a few dozen bytes)."""
BODY_SECONDS = 10.0
"""How long a request's body may take to arrive once its headers have (Slack sends it at once):
a client trickling it, or stopping half-way without closing, is answered 408 and let go."""


def signature_problem(
    secret: str, timestamp: str | None, signature: str | None, raw: bytes
) -> str | None:
    """Why ``signature`` is not Slack's HMAC-SHA256 of ``v0:{timestamp}:{raw}`` with
    ``timestamp`` an integer within :data:`MAX_AGE_SECONDS` of now, or ``None`` if it is
    (compared in constant time)."""
    if not timestamp or not signature:
        return "signature or timestamp header missing"
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= _TIMESTAMP_DIGITS):
        return "timestamp is not a number of seconds"
    if abs(time.time() - int(timestamp)) > MAX_AGE_SECONDS:
        return f"timestamp more than {MAX_AGE_SECONDS} s from now (replayed, or a clock is off)"
    mac = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256)
    expected = ("v0=" + mac.hexdigest()).encode()
    if not secret or not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
        return "signature does not match"
    return None


def parse(request: web.Request, raw: bytes) -> tuple[Kind, dict[str, Any]] | str:
    """The body as Bolt will see it and its kind, or why it can't be parsed."""
    if (request.charset or "utf-8").lower() not in ("utf-8", "utf8"):
        return "not UTF-8"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "not UTF-8"
    headers = build_normalized_headers(request.headers)  # type: ignore[arg-type] # as Bolt does
    content_type = extract_content_type(headers)
    try:
        if content_type == "application/json" or text.startswith("{"):  # as Bolt's parse_body
            kind: Kind = "json"
            body = parse_body(text, content_type)
        else:
            kind, body = _form(raw, text)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return "body does not parse"
    if not isinstance(body, dict):
        return f"{kind} body is not an object"
    return kind, body


def _form(raw: bytes, text: str) -> tuple[Kind, Any]:
    """A form body: an interactive payload when it has a ``payload`` field (its JSON value,
    decoded at C speed when it is the only field), else a slash command's fields.

    Bolt's own ``parse_body`` takes any form whose text merely contains the word "payload" for
    an interactive one (a channel named #payload-team, ``/ecoute lang payload``): here only a
    field named ``payload`` makes it one.
    """
    payload = payload_field(raw)
    if payload is not None:
        return "payload", json.loads(payload)
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "payload" in fields:
        return "payload", json.loads(fields["payload"])
    return "form", fields


def slack_guard(secret: str, path: str, bolt: AsyncApp) -> Middleware:
    """An aiohttp middleware guarding ``POST path`` with the signing ``secret``.

    A request that passes is dispatched to ``bolt`` as the body already parsed here (Bolt's
    "socket mode" request: no second parse, no second signature check).
    """

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "POST" or request.path != path:
            return await handler(request)
        try:
            async with asyncio.timeout(BODY_SECONDS):
                raw = await request.read()
        except TimeoutError:
            return _refuse(request, 408, f"body not received within {BODY_SECONDS:g} s")
        except web.HTTPRequestEntityTooLarge:
            return _refuse(request, 413, "body too large")
        except (ConnectionError, EOFError, PayloadEncodingError) as exc:
            return _refuse(request, 400, f"body unreadable, {_unread(exc)}")  # no one reads it
        timestamp = request.headers.get("X-Slack-Request-Timestamp")
        signature = request.headers.get("X-Slack-Signature")
        unsigned = signature_problem(secret, timestamp, signature, raw)
        if unsigned is not None:
            if len(raw) <= SSL_CHECK_BYTES and _is_ssl_check(parse(request, raw)):
                return web.Response(status=200)  # what Bolt answers, before any check
            return _refuse(request, 401, unsigned)
        parsed = parse(request, raw)
        if _is_ssl_check(parsed):
            return web.Response(status=200)
        if isinstance(parsed, str):
            return _refuse(request, 400, parsed)
        problem = shape_problem(*parsed)
        if problem is not None:
            return _refuse(request, 200, problem)
        return await _dispatch(bolt, request, parsed[1])

    return guard


def _unread(exc: Exception) -> str:
    """Why a body could not be read, in words (aiohttp's own are "Connection lost")."""
    if isinstance(exc, ConnectionError | EOFError):
        return "the client closed the connection before the whole body arrived"
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:200]


def _is_ssl_check(parsed: tuple[Kind, dict[str, Any]] | str) -> bool:
    """Slack's check of the certificate: ``ssl_check=1&token=…``, a form it doesn't sign."""
    return isinstance(parsed, tuple) and parsed[0] == "form" and parsed[1].get("ssl_check") == "1"


async def _dispatch(bolt: AsyncApp, request: web.Request, body: dict[str, Any]) -> web.Response:
    checked = AsyncBoltRequest(
        body=body,
        query=request.query_string,
        headers=request.headers,  # type: ignore[arg-type] # as Bolt's own adapter does
        mode="socket_mode",  # verified above, on the raw bytes
    )
    try:
        return await to_aiohttp_response(await bolt.async_dispatch(checked))
    except Exception as exc:  # the edge: a bug or a shape not checked must not make Slack retry
        log.error("Slack request ignored, it broke the app: %s: %.200s", type(exc).__name__, exc)
        return web.Response(status=200)


def _refuse(request: web.Request, status: int, why: str) -> web.Response:
    verdict = "ignored" if status == 200 else f"refused ({status})"
    log.warning("Slack request from %s %s: %s", request.remote, verdict, why)
    return web.Response(status=status)
