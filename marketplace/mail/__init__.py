"""Outgoing mail, one way to send: `notify` writes an outbox row in the caller's transaction.

outbox: rendering and the row; message: the MIME bytes; transports: SMTP or .eml files;
hooks: the send task queued after commit (registered by the factory).
"""
from .outbox import notify

__all__ = ["notify"]
