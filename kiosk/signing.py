"""Signed badge codes for offline devices: ``MS1.<payload>.<signature>`` (base64url, no padding),
the payload ``<event id>:<registration id>:<version>`` signed with the event's Ed25519 key. The
version is the first 16 hex digits of the SHA-256 of the badge's check-in token, which changes
when the badge is handed over: a code printed before a transfer carries the old version and is
*revoked*. Pure functions; the key pair lives in ``SigningKey`` (services.signing_key_of)."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

PREFIX = "MS1"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_version(checkin_token: str) -> str:
    return hashlib.sha256(checkin_token.encode("utf-8")).hexdigest()[:16]


def new_key_pair() -> tuple[bytes, bytes]:
    """(private, public) raw Ed25519 keys."""
    private = Ed25519PrivateKey.generate()
    raw_private = private.private_bytes_raw()
    raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return raw_private, raw_public


def public_key_text(raw_public: bytes) -> str:
    return _b64(raw_public)


def sign(*, private_key: bytes, event_id: int, registration_id: int, version: str) -> str:
    payload = f"{event_id}:{registration_id}:{version}".encode("ascii")
    signature = Ed25519PrivateKey.from_private_bytes(private_key).sign(payload)
    return f"{PREFIX}.{_b64(payload)}.{_b64(signature)}"


def looks_signed(secret: str) -> bool:
    return secret.startswith(f"{PREFIX}.")


@dataclass(frozen=True)
class SignedBadge:
    event_id: int
    registration_id: int
    version: str


def verify(secret: str, *, public_key: bytes) -> SignedBadge | None:
    """The badge a signed code names, or None when it is malformed or not signed by this key
    (another convention's, or forged)."""
    try:
        prefix, payload_text, signature_text = secret.split(".")
        payload, signature = _unb64(payload_text), _unb64(signature_text)
        if prefix != PREFIX:
            return None
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, payload)
        event_id, registration_id, version = payload.decode("ascii").split(":")
        return SignedBadge(int(event_id), int(registration_id), version)
    except (ValueError, InvalidSignature, binascii.Error, UnicodeDecodeError):
        return None
