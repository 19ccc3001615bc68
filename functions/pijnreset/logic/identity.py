"""Who a visitor is, without their address: one lead per normalised email address."""

import hashlib


def normalise_email(email: str) -> str:
    """The address as the lead's identity: trimmed and lower-cased (mailboxes ignore case in practice)."""
    return email.strip().lower()


def lead_id_for(email: str) -> str:
    """A stable, opaque id for the lead of ``email``: table keys and tokens carry this, never the address."""
    digest = hashlib.sha256(f"pijnreset-lead:{normalise_email(email)}".encode()).hexdigest()
    return digest[:32]


# Gmail delivers every spelling of one mailbox alike: dots in the local part are ignored and googlemail.com
# is the same service. Other providers' dots are significant, so only these domains lose them.
_GMAIL_DOMAINS = frozenset({"gmail.com", "googlemail.com"})


def mailbox_of(email: str) -> str:
    """The mailbox an address delivers to, for counting the emails it gets (the caps, logic/caps.py): lower
    case, a ``+tag`` dropped (sub-addressing reaches the same inbox at most providers), and for Gmail the dots
    of the local part dropped and googlemail.com read as gmail.com. Not the lead's identity: see lead_id_for."""
    local, _, domain = normalise_email(email).rpartition("@")
    local = local.split("+", 1)[0]
    if domain in _GMAIL_DOMAINS:
        local, domain = local.replace(".", ""), "gmail.com"
    return f"{local}@{domain}"
