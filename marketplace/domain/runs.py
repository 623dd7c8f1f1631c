"""What starts a matching run, and how it ends."""
from enum import StrEnum


class RunTrigger(StrEnum):
    BEAT = "beat"
    EVENT = "event"
    MANUAL = "manual"
    DEMO = "demo"


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"  # another run held the lock
