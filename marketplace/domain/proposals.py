"""The states of a proposal, where it comes from, and each side's answer."""
from enum import StrEnum


class ProposalStatus(StrEnum):
    PENDING = "pending"  # waiting for one side or both
    ACCEPTED = "accepted"  # both sides accepted: an order exists
    DECLINED = "declined"  # one side declined: reservation released
    EXPIRED = "expired"  # nobody answered in time: reservation released


class ProposalSource(StrEnum):
    MATCHING = "matching"
    DIRECT_REQUEST = "direct_request"  # a buyer asked for an offer from the catalogue


class Decision(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"
