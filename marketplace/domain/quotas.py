"""Per-buyer quota policies, as data.

The 2020 retail channel for micro-companies allowed 25 masks per person per company per
fortnight, for at most 250 persons (the Economy ministry's note "Masques à destination des
entreprises", 24 April 2020). Which buyer kinds a policy applies to, and on which channel
(direct demands or shares of a pool), is set in the BUYER_QUOTAS setting.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from .errors import DomainError, ErrorCode, N_


@dataclass(frozen=True)
class QuotaPolicy:
    per_person: int  # masks per person per period
    max_persons: int  # persons counted at most
    period_days: int
    epoch: date  # periods run back to back from this day

    def cap(self, headcount):
        """Return how many masks an organisation of this headcount may ask for per period."""
        return self.per_person * min(headcount, self.max_persons)

    def period_of(self, day):
        """Return the first day of the period holding day, and the day the quota renews."""
        start = self.epoch + timedelta(days=(day - self.epoch).days // self.period_days * self.period_days)
        return start, start + timedelta(days=self.period_days)


# Monday 4 May 2020: fortnights of the retail channel are counted from this day.
RETAIL_2020 = QuotaPolicy(per_person=25, max_persons=250, period_days=14, epoch=date(2020, 5, 4))

POLICIES = {"retail_2020": RETAIL_2020}


class Channel(StrEnum):
    DEMAND = "demand"
    POOL = "pool"


def policy_for(setting, channel, buyer_kind):
    """Return the quota policy of a buyer kind on a channel, from the BUYER_QUOTAS setting, or None."""
    policy = setting.get(channel, {}).get(str(buyer_kind))
    return POLICIES[policy] if isinstance(policy, str) else policy


def check_quota(policy, headcount, already_asked, asking, renews_on):
    """Refuse a request that takes an organisation beyond its quota, saying the figure and the renewal date."""
    cap = policy.cap(headcount)
    if already_asked + asking <= cap:
        return
    raise DomainError(
        N_("This exceeds your quota of %(cap)s masks per %(days)s days (%(per_person)s per person, "
           "for at most %(persons)s persons): %(asked)s already asked, %(left)s left. "
           "Your quota renews on %(renews_on)s."),
        ErrorCode.CONFLICT,
        field="quantity",
        cap=cap,
        days=policy.period_days,
        per_person=policy.per_person,
        persons=min(headcount, policy.max_persons),
        asked=already_asked,
        left=max(cap - already_asked, 0),
        renews_on=renews_on,
    )
