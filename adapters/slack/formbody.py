"""Percent-decoding Slack's interactive bodies at C speed.

An interactive request is a form of one field, ``payload=<url-encoded JSON>``: 5 to 20 KB with
thousands of ``%XX`` escapes, which ``urllib.parse.unquote`` (Bolt's ``parse_qsl``) decodes in
a Python loop. Here ``binascii.a2b_qp`` does it in C: quoted-printable's ``=XX`` is the same
escape, once ``%`` is written ``=`` (and ``+`` a space). Only bodies it decodes exactly as
``parse_qsl`` does are decoded here; any other is ``None``, for ``parse_qsl``.
"""

from __future__ import annotations

import binascii

_PREFIX = b"payload="
_FORM_TO_QP = bytes.maketrans(b"%+", b"= ")


def payload_field(raw: bytes) -> str | None:
    """The value of the only field of ``raw`` (UTF-8), when ``raw`` is ``payload=…`` with no
    ``&``, decoded as ``urllib.parse.parse_qsl`` decodes it.

    ``None`` when the body is any other form; when its value has an ``=``, a CR or a LF (which
    quoted-printable would read: an escape, a soft line break); when a ``%`` is not followed by
    two hex digits (``parse_qsl`` keeps it, ``a2b_qp`` keeps or drops it, never shrinking the
    text by the 2 bytes of an escape); or when the escaped bytes are not UTF-8 (``parse_qsl``
    puts U+FFFD). ``parse_qsl`` must then parse the body.
    """
    if not raw.startswith(_PREFIX) or b"&" in raw:
        return None
    value = raw[len(_PREFIX) :]
    if b"=" in value or b"\r" in value or b"\n" in value:
        return None
    decoded = binascii.a2b_qp(value.translate(_FORM_TO_QP))
    if len(decoded) != len(value) - 2 * value.count(b"%"):
        return None
    try:
        return decoded.decode("utf-8")
    except UnicodeDecodeError:
        return None
