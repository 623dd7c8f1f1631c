"""A real SMTP server (aiosmtpd) in a thread, recording every message it accepts."""
import asyncio
import email
import threading
import time
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from functools import cached_property

from aiosmtpd.controller import Controller

from tests.support.servers import free_port


@dataclass(frozen=True)
class Received:
    message_id: str
    recipients: tuple
    content: bytes

    @cached_property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.content, policy=policy.default)

    @property
    def to(self):
        return self.message["To"]

    @property
    def subject(self):
        return self.message["Subject"]

    @property
    def text(self):
        return self.message.get_body(("plain",)).get_content()


class RecordingHandler:
    """Accept and record every message, or refuse (451) the next ones when told to, or slowly when told to."""

    def __init__(self):
        self.lock = threading.Lock()
        self.received = []
        self.refused = 0
        self.to_refuse = 0
        self.delay = 0.0
        self.unknown_recipients = set()  # refused for good (550) at RCPT

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.unknown_recipients:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            refuse = self.to_refuse > 0
            if refuse:
                self.to_refuse -= 1
                self.refused += 1
        if refuse:
            return "451 4.3.0 Try again later"
        if self.delay:
            await asyncio.sleep(self.delay)
        # Only the headers now: the server must keep up with the benchmark.
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(envelope.content)
        with self.lock:
            self.received.append(Received(headers["Message-ID"], tuple(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 OK"


class SmtpServer:
    """Start with .start(); read .received, .message_ids(); make it refuse with .refuse_next(count)."""

    def __init__(self):
        self.port = free_port()
        self.handler = RecordingHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def received(self):
        with self.handler.lock:
            return list(self.handler.received)

    def message_ids(self):
        return [r.message_id for r in self.received]

    def refuse_next(self, count):
        """Refuse (451) the next count messages, however long the sender takes to come."""
        with self.handler.lock:
            self.handler.to_refuse = count

    def slow_down(self, seconds_per_message):
        self.handler.delay = seconds_per_message

    def wait_for(self, predicate, timeout=60, interval=0.1):
        """Wait until predicate(received) is true; return the received messages."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            received = self.received
            if predicate(received):
                return received
            time.sleep(interval)
        raise TimeoutError(f"SMTP server got {len(self.received)} messages; condition not met")

    def wait_for_ids(self, expected_ids, timeout=60):
        """Wait until every Message-ID in expected_ids arrived; return the received messages."""
        expected = set(expected_ids)
        return self.wait_for(lambda received: expected <= {r.message_id for r in received}, timeout)
