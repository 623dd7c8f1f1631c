"""Benchmark the mail outbox: 10,000 notifications through real Celery workers to a real SMTP server.

Run: .venv/bin/python benchmarks/mail.py [--count 10000] [--concurrency 2]
Starts what it needs: a database of its own on PostgreSQL (the machine's, or a throwaway one), a
private Redis, an aiosmtpd server, and `celery worker` processes. Prints a table, rewrites the
"mail" section of benchmarks/RESULTS.md, and ends with one RESULT line.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import flask_migrate  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.mail import notify  # noqa: E402
from marketplace.models import Notification, User  # noqa: E402
from tests.support.servers import PostgresForTests, PrivateRedis  # noqa: E402
from tests.support.smtp import SmtpServer  # noqa: E402

RESULTS = ROOT / "benchmarks" / "RESULTS.md"
SECTION_START, SECTION_END = "<!-- mail:start -->", "<!-- mail:end -->"


def build_app(database_url, redis_url, outbox):
    os.environ.update(DATABASE_URL=database_url, REDIS_URL=redis_url, OUTBOX_DIR=outbox, MARKETPLACE_ENV="testing")
    app = create_app("testing")
    with app.app_context():
        flask_migrate.upgrade(directory=str(ROOT / "migrations"), revision="heads")
    return app


def start_workers(count, concurrency, env, logdir):
    command = [sys.executable, "-m", "celery", "-A", "workers.worker", "worker", "--loglevel", "WARNING",
               "--without-gossip", "--without-mingle", "--concurrency", str(concurrency)]
    return [
        subprocess.Popen([*command, "-n", f"bench{n}@%h"], cwd=ROOT, env=env,
                         stdout=open(Path(logdir) / f"worker{n}.log", "w"), stderr=subprocess.STDOUT)
        for n in range(count)
    ]


def queue_notifications(count):
    """Commit count password-reset notifications (one user each), in chunks; return their Message-IDs."""
    message_ids = []
    for start in range(0, count, 1000):
        users = [User(email=f"bench{n}@example.fr", full_name=f"Bench {n}", password_hash="x", role="buyer_member",
                      locale="fr") for n in range(start, min(count, start + 1000))]
        db.session.add_all(users)
        db.session.flush()
        message_ids += [notify(u, "reset_password", user=u, link="http://127.0.0.1/reset").message_id for u in users]
        db.session.commit()
    return message_ids


def run(count, workers, concurrency):
    postgres, redis, smtp = PostgresForTests(), PrivateRedis(), SmtpServer().start()
    database_url, redis_url = postgres.create(), redis.start()
    logdir = tempfile.mkdtemp(prefix="mail-bench-")
    processes = []
    try:
        app = build_app(database_url, redis_url, logdir)
        env = {**os.environ, "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp.port), "MAIL_USE_STARTTLS": "0"}
        with app.app_context():
            started = time.monotonic()
            message_ids = queue_notifications(count)
            queued = time.monotonic() - started
            # The queue is full before the workers start, so the producer does not compete for CPU.
            booted = time.monotonic()
            processes = start_workers(workers, concurrency, env, logdir)
            smtp.wait_for(lambda received: len(received) >= 1, timeout=120, interval=0.01)
            first = time.monotonic()
            smtp.wait_for(lambda received: len(received) >= count, timeout=600, interval=0.05)
            elapsed, from_boot = time.monotonic() - first, time.monotonic() - booted
            time.sleep(2)  # let any duplicate show up
            received = Counter(smtp.message_ids())
            sent_rows = db.session.scalar(select(func.count()).where(Notification.status == "sent"))
            db.session.remove()
            db.engine.dispose()
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(30)
        smtp.stop()
        redis.stop()
        postgres.drop()
    lost = len(set(message_ids) - set(received))
    duplicated = sum(n - 1 for n in received.values())
    return {"count": count, "workers": workers, "concurrency": concurrency, "queued_s": queued,
            "elapsed_s": elapsed, "from_boot_s": from_boot, "per_s": count / elapsed, "sent_rows": sent_rows, "lost": lost,
            "duplicated": duplicated, "unknown": len(set(received) - set(message_ids))}


def table(row):
    header = ("| mails | workers × processes | committed in (s) | worker start to last mail (s) | "
              "first to last mail (s) | mails/s | rows sent | lost | duplicated |")
    line = (f"| {row['count']:,} | {row['workers']} × {row['concurrency']} | {row['queued_s']:.1f} | "
            f"{row['from_boot_s']:.1f} | {row['elapsed_s']:.1f} | {row['per_s']:.0f} | {row['sent_rows']:,} | "
            f"{row['lost']} | {row['duplicated']} |")
    return "\n".join([header, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|", line])


def write_section(text):
    section = (f"{SECTION_START}\n## Mail outbox\n\n`.venv/bin/python benchmarks/mail.py`: notifications committed in "
               f"chunks of 1,000 (rendered in French, their tasks queued in Redis), then real Celery workers "
               f"started, sending over one reused SMTP connection per batch of 50 to an aiosmtpd server on the "
               f"same machine (2 shared cores). mails/s counts from the first mail accepted to the last. Lost and "
               f"duplicated are counted on the SMTP server's log of Message-IDs.\n\n{text}\n{SECTION_END}")
    current = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    if SECTION_START in current:
        before, rest = current.split(SECTION_START, 1)
        current = before + section + rest.split(SECTION_END, 1)[1]
    else:
        current = current.rstrip("\n") + "\n\n" + section + "\n"
    RESULTS.write_text(current)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()
    row = run(args.count, args.workers, args.concurrency)
    text = table(row)
    print(text)
    write_section(text)
    print(f"RESULT mail sent={row['count'] - row['lost']} lost={row['lost']} duplicated={row['duplicated']} "
          f"per_s={row['per_s']:.0f}")


if __name__ == "__main__":
    main()
