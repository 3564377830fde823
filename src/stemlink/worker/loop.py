"""The background loop: deliver due webhooks, expire overdue carts, make standing-order prebooks.

Any number of workers may run against one database: deliveries are claimed with a lease
(`stemlink.integrations.services.claim_due_deliveries`), so two workers never send the same
delivery at the same time. The periodic jobs belong to other apps and are imported lazily, so a
worker still delivers webhooks when one of them is missing or broken.

Nothing logged here carries a secret: the URL, the delivery id, the event id and type, the
status code and timings only (never headers, which hold the signature).
"""

from __future__ import annotations

import importlib
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from safeguards.http import GuardedTransport, sanitised_reason
from stemlink.integrations import services as integrations
from stemlink.integrations import wake
from stemlink.worker import heartbeat

log = logging.getLogger("stemlink.worker")

# How many deliveries one claim takes; small, so a slow partner holds few leases.
DEFAULT_BATCH_SIZE = 10
# How many claims one pass makes at most before turning to the periodic jobs.
MAX_BATCHES_PER_PASS = 50


@dataclass
class PeriodicJob:
    """A function of another app, run every `interval_seconds`, imported only when first due."""

    name: str
    target: str  # "package.module:function"
    interval_seconds: float
    last_run: float | None = None
    _func: Callable[[], object] | None = None
    _warned: bool = False

    def due(self, clock: float) -> bool:
        return self.last_run is None or clock - self.last_run >= self.interval_seconds

    def resolve(self) -> Callable[[], object] | None:
        """Import the job's function; warn once (not every pass) when it is not there."""
        if self._func is not None:
            return self._func
        module_name, _, attr = self.target.partition(":")
        try:
            module = importlib.import_module(module_name)
            func = getattr(module, attr)
        except (ImportError, AttributeError) as exc:
            if not self._warned:
                log.warning(
                    "periodic job %s is not available (%s cannot be imported: %s); "
                    "the worker goes on without it",
                    self.name,
                    self.target,
                    exc,
                )
                self._warned = True
            return None
        self._func = func
        return func


def default_jobs() -> list[PeriodicJob]:
    """Return the periodic jobs every worker runs (each job is safe to run from several workers)."""
    return [
        PeriodicJob(
            "expire overdue web orders",
            "stemlink.orders.weborders:expire_overdue_web_orders",
            float(getattr(settings, "WORKER_EXPIRE_WEB_ORDERS_SECONDS", 15.0)),
        ),
        PeriodicJob(
            "generate standing-order prebooks",
            "stemlink.orders.standing:generate_standing_order_prebooks",
            float(getattr(settings, "WORKER_STANDING_ORDERS_SECONDS", 300.0)),
        ),
        PeriodicJob(
            "prune delivered webhook events",
            "stemlink.integrations.services:prune_outbox",
            float(getattr(settings, "WORKER_PRUNE_OUTBOX_SECONDS", 3600.0)),
        ),
        PeriodicJob(
            "sweep old API calls, rate windows and idempotency keys",
            "stemlink.api.services:sweep_gateway_records",
            float(getattr(settings, "WORKER_SWEEP_GATEWAY_SECONDS", 3600.0)),
        ),
    ]


@dataclass
class PassReport:
    """What one pass of the loop did."""

    delivered: int = 0
    failed: int = 0
    deferred: int = 0
    lost_leases: int = 0
    jobs_run: list[str] = field(default_factory=list)
    job_results: dict[str, object] = field(default_factory=dict)

    @property
    def attempted(self) -> int:
        return self.delivered + self.failed


def loggable_url(url: str) -> str:
    """Return the URL without its query string: partners sometimes put a key of their own there."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path}" + ("?…" if parts.query else "")


def _describe_error(exc: Exception) -> str:
    # The class name tells timeouts from refused connections; the message adds the detail, in
    # printable ASCII only and short.
    text = "".join(ch if 32 <= ord(ch) < 127 else "?" for ch in (str(exc) or exc.__class__.__name__))
    name = exc.__class__.__name__
    if name == "DestinationRefused":
        return f"not sent: {text}"[:300]
    return f"{name}: {text}"[:300]


class Worker:
    """One worker process's loop; `run_once` is one pass, `run_forever` loops until stopped."""

    def __init__(
        self,
        *,
        name: str | None = None,
        poll_seconds: float | None = None,
        timeout_seconds: float | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        jobs: list[PeriodicJob] | None = None,
        http_client: httpx.Client | None = None,
        stop_event: threading.Event | None = None,
        lease_seconds: float | None = None,
    ) -> None:
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.poll_seconds = float(settings.WORKER_POLL_SECONDS if poll_seconds is None else poll_seconds)
        self.timeout_seconds = float(
            settings.WEBHOOK_TIMEOUT_SECONDS if timeout_seconds is None else timeout_seconds
        )
        self.batch_size = max(1, batch_size)
        self.jobs = default_jobs() if jobs is None else jobs
        self.stop_event = stop_event or threading.Event()
        # httpx logs every request's full URL at INFO, query string included; ours say enough.
        logging.getLogger("httpx").setLevel(logging.WARNING)
        # Long enough for a whole batch to time out one by one, plus a margin; a crashed worker's
        # claims come back after this.
        default_lease = self.batch_size * (self.timeout_seconds + 1.0) + 30.0
        configured = getattr(settings, "WORKER_LEASE_SECONDS", None)
        default_lease = default_lease if configured is None else float(configured)
        self.lease_seconds = default_lease if lease_seconds is None else lease_seconds
        self._own_client = http_client is None
        self.started_on = timezone.now()
        self.heartbeat_seconds = float(getattr(settings, "WORKER_HEARTBEAT_SECONDS", 10.0))
        self._last_beat: float | None = None
        self._passes = 0
        # Every delivery: the address checked is the address connected to, one deadline for the
        # whole exchange, a cap on the bytes read, and no redirect followed (a 3xx is a failure).
        self.client = http_client or httpx.Client(
            transport=GuardedTransport(
                allow_private=lambda: bool(settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS),
                deadline_seconds=self.timeout_seconds,
                max_answer_bytes=int(settings.WEBHOOK_MAX_ANSWER_BYTES),
            ),
            timeout=httpx.Timeout(self.timeout_seconds),
            follow_redirects=False,
            # No proxy from the environment: a proxy would bypass the transport's address checks.
            trust_env=False,
        )

    def stop(self) -> None:
        """Ask the loop to stop after the delivery in hand (signal handlers call this)."""
        self.stop_event.set()

    def close(self) -> None:
        if self._own_client:
            self.client.close()

    # --- deliveries --------------------------------------------------------------------------

    def deliver_due(self, report: PassReport) -> None:
        """Claim and send due deliveries batch by batch until none are due or the worker is stopping."""
        for _ in range(MAX_BATCHES_PER_PASS):
            if self.stop_event.is_set():
                return
            lease_ends = time.monotonic() + self.lease_seconds
            batch = integrations.claim_due_deliveries(limit=self.batch_size, lease_seconds=self.lease_seconds)
            if not batch:
                return
            broken_endpoints: set[int] = set()
            for index, request in enumerate(batch):
                if request.endpoint_id in broken_endpoints:
                    # Its partner just failed and is paused: give the delivery back unattempted.
                    integrations.release_delivery(request.delivery_id, request.claim_token)
                    report.deferred += 1
                    continue
                if self.stop_event.is_set():
                    released = integrations.release_claims([r.claim_token for r in batch[index:]])
                    log.info("stopping: gave back %s claimed deliveries", released)
                    return
                # Slow partners can eat the lease; never start a send that could outlive it, or
                # another worker might claim the same delivery and send it too.
                if time.monotonic() + self.timeout_seconds + 5.0 > lease_ends:
                    integrations.release_claims([r.claim_token for r in batch[index:]])
                    break
                if not self._send(request, report):
                    broken_endpoints.add(request.endpoint_id)

    def _send(self, request: integrations.OutgoingWebhook, report: PassReport) -> bool:
        """Send one delivery and record the answer; return whether the partner took it."""
        started = time.monotonic()
        status_code: int | None = None
        error = ""
        try:
            with self.client.stream(
                "POST", request.url, content=request.body, headers=request.headers
            ) as answer:
                status_code = answer.status_code
                # Only the status and a short, sanitised reason are kept: never the partner's body
                # (an internal service's answer must not be readable on the endpoint page).
                if not 200 <= status_code < 300:
                    error = sanitised_reason(answer)
        except httpx.HTTPError as exc:
            error = _describe_error(exc)
        duration_ms = int((time.monotonic() - started) * 1000)
        kept = integrations.record_delivery_result(
            request.delivery_id,
            request.claim_token,
            status_code=status_code,
            error=error,
            duration_ms=duration_ms,
        )
        if not kept:
            report.lost_leases += 1
        if status_code is not None and 200 <= status_code < 300:
            report.delivered += 1
            log.info(
                "delivered #%s %s %s to %s: %s in %s ms",
                request.delivery_id,
                request.event_type,
                request.event_id,
                loggable_url(request.url),
                status_code,
                duration_ms,
            )
        else:
            report.failed += 1
            log.warning(
                "delivery #%s %s %s to %s failed (%s ms): %s; will retry",
                request.delivery_id,
                request.event_type,
                request.event_id,
                loggable_url(request.url),
                duration_ms,
                error,
            )
        return status_code is not None and 200 <= status_code < 300

    # --- periodic jobs -----------------------------------------------------------------------

    def run_jobs(self, report: PassReport, *, force: bool = False) -> None:
        """Run each periodic job that is due (all of them when forced); a failing job is logged, not fatal."""
        clock = time.monotonic()
        for job in self.jobs:
            if self.stop_event.is_set():
                return
            if not (force or job.due(clock)):
                continue
            job.last_run = clock
            func = job.resolve()
            if func is None:
                continue
            try:
                result = func()
            except Exception:
                log.exception("periodic job %s failed; it runs again in %s s", job.name, job.interval_seconds)
                continue
            report.jobs_run.append(job.name)
            report.job_results[job.name] = result
            if result:
                log.info("periodic job %s: %s", job.name, result)

    # --- the loop ----------------------------------------------------------------------------

    def run_once(self, *, force_jobs: bool = True) -> PassReport:
        """Do one pass: send every delivery due now, then run the periodic jobs."""
        report = PassReport()
        self.deliver_due(report)
        self.run_jobs(report, force=force_jobs)
        return report

    def run_forever(self) -> None:
        """Loop until stopped, sleeping the poll interval between passes that found nothing to send."""
        log.info(
            "worker %s started (poll %ss, webhook timeout %ss)",
            self.name,
            self.poll_seconds,
            self.timeout_seconds,
        )
        # Listening starts before the first look: a row committed after this is never missed.
        listener = wake.Listener()
        listener.start()
        try:
            while not self.stop_event.is_set():
                # A long-lived process must drop broken or expired connections itself (no request cycle).
                close_old_connections()
                try:
                    self.beat()
                    report = self.run_once(force_jobs=False)
                except Exception:
                    # The database may be restarting; keep the process and try again next poll.
                    log.exception("worker pass failed; retrying in %s s", self.poll_seconds)
                    report = PassReport()
                if report.attempted == 0:
                    # Woken at once by a commit that wrote outbox rows; the poll is the fallback.
                    listener.wait(self.poll_seconds, stopping=self.stop_event.is_set)
        finally:
            listener.close()
            close_old_connections()
            try:
                heartbeat.stopped(self.name)
            except Exception:
                log.warning("worker %s could not record that it stopped", self.name)
            self.close()
            log.info("worker %s stopped", self.name)

    def beat(self) -> None:
        """Write the heartbeat when the last one is older than WORKER_HEARTBEAT_SECONDS."""
        clock = time.monotonic()
        self._passes += 1
        if self._last_beat is not None and clock - self._last_beat < self.heartbeat_seconds:
            return
        heartbeat.beat(self.name, started_on=self.started_on, passes=self._passes)
        self._last_beat = clock
