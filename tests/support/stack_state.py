"""What a running local stack stored and sent: infra.local.stored, which the bench's load run uses too."""

from infra.local.stored import emails_sent, entity_counts, items, sent_count, settle

__all__ = ["emails_sent", "entity_counts", "items", "sent_count", "settle"]
