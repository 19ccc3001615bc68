"""Who a visitor is, without their address: one lead per normalised email address."""

import hashlib


def normalise_email(email: str) -> str:
    """The address as the lead's identity: trimmed and lower-cased (mailboxes ignore case in practice)."""
    return email.strip().lower()


def lead_id_for(email: str) -> str:
    """A stable, opaque id for the lead of ``email``: table keys and tokens carry this, never the address."""
    digest = hashlib.sha256(f"pijnreset-lead:{normalise_email(email)}".encode()).hexdigest()
    return digest[:32]
