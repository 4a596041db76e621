"""The per-charger discrete-event engine: clock, process heap, websocket link and frame columns."""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any

import orjson

from chargescope.readers.base import TO_CHARGER, TO_CSMS
from chargescope.simulate.clock import ChargerClock, UniqueIds, fmt_ms, uuid4
from chargescope.simulate.fleet import ChargerSpec

#: A simulated activity: a generator that yields how many milliseconds to sleep.
Process = Generator[int, None, Any]

#: Calls a charger keeps while offline and sends after reconnecting.
QUEUED = frozenset({"StartTransaction", "StopTransaction", "MeterValues", "TransactionEvent"})

#: A finding time: exact frame time (ms), or a marker resolved against the frames afterwards:
#: ("before", t) last frame at or before t, ("after", t) first frame at or after t, ("last",).
When = int | tuple[Any, ...]


class _NoAnswer:
    """The answer to a call that is never answered."""


NO_ANSWER = _NoAnswer()


@dataclass(frozen=True)
class CallError:
    """A CALLERROR answer."""

    code: str
    description: str = ""


Answer = dict[str, Any] | CallError | _NoAnswer | Callable[[int], dict[str, Any]]


@dataclass
class Columns:
    """One charger's frames as column lists, in emission order."""

    ts: list[int] = field(default_factory=list)
    direction: list[str] = field(default_factory=list)
    message_type: list[str] = field(default_factory=list)
    unique_id: list[str] = field(default_factory=list)
    action: list[str] = field(default_factory=list)
    payload: list[str] = field(default_factory=list)
    error_code: list[str | None] = field(default_factory=list)
    error_description: list[str | None] = field(default_factory=list)
    peer: list[int] = field(default_factory=list)  # row of the paired call/answer, -1 if none


@dataclass
class Finding:
    """A finding as the simulation knows it, times possibly still markers."""

    kind: str
    connector_id: int | None
    start: When
    end: When
    detail: dict[str, Any]


def dumps(obj: dict[str, Any]) -> str:
    """Compact, stable JSON text of a payload."""
    return orjson.dumps(obj).decode()


class Sim:
    """The state of one simulated charger and its CSMS link while its processes run."""

    def __init__(self, spec: ChargerSpec, t0: int, t1: int, seed: int) -> None:
        self.spec = spec
        self.t0, self.t_end = t0, t1
        self.rng = random.Random(seed)
        self.clock = ChargerClock(spec.ts_style)
        self.uids = UniqueIds(spec.uid_style, self.rng)
        self.cols = Columns()
        self.connections: list[tuple[int, str, str | None]] = []
        self.findings: list[Finding] = []
        self.sessions: list[dict[str, Any]] = []
        self.malformed: list[dict[str, Any]] = []
        self.now = t0
        self._heap: list[tuple[int, int, Process]] = []
        self._seq = 0
        self.online = not spec.boot_at_start
        self.registered = not spec.boot_at_start
        self.hold = False  # an incident owns the charger: no new sessions or routine commands
        self.incident = False
        self.calm_until = t0  # no new incident before this time
        self.last_ts = t0 - 1  # latest frame time emitted
        self.last_out = t0  # latest charger-originated call
        self.queue: list[tuple[int, str, str, Answer]] = []
        self.override: Answer | None = None  # replaces the answer of the next call or command
        conns = range(spec.connectors + 1)
        self.status: dict[int, str] = dict.fromkeys(conns, "Available")
        self.busy: dict[int, bool] = dict.fromkeys(conns, False)
        self.meter: dict[int, float] = {c: self.rng.uniform(1e6, 4e7) for c in conns}
        self.main_meter = sum(self.meter.values())
        self.firmware = spec.firmware
        self.txn_counter = 100_000 + spec.index * 100_000 + self.rng.randint(0, 5000)
        self.request_id = self.rng.randint(1, 900)
        self.tags = [f"{self.rng.getrandbits(bits):0{bits // 4}X}" for bits in (32, 32, 32, 56) * 4]

    # ---- scheduling -----------------------------------------------------------------------
    def spawn(self, proc: Process, at: int | None = None) -> None:
        """Start a process at time ``at`` (default now)."""
        self._seq += 1
        heapq.heappush(self._heap, (self.now if at is None else at, self._seq, proc))

    def run(self) -> None:
        """Run every process until the end of the simulated window."""
        heap = self._heap
        while heap:
            t, _, proc = heapq.heappop(heap)
            if t >= self.t_end:
                break
            self.now = t
            try:
                delay = next(proc)
            except StopIteration:
                continue
            self._seq += 1
            heapq.heappush(heap, (t + max(int(delay), 0), self._seq, proc))

    # ---- frames ----------------------------------------------------------------------------
    def _emit(
        self,
        ts: int,
        direction: str,
        mtype: str,
        uid: str,
        action: str,
        payload: str,
        code: str | None = None,
        desc: str | None = None,
    ) -> None:
        c = self.cols
        c.ts.append(ts)
        c.direction.append(direction)
        c.message_type.append(mtype)
        c.unique_id.append(uid)
        c.action.append(action)
        c.payload.append(payload)
        c.error_code.append(code)
        c.error_description.append(desc)
        c.peer.append(-1)
        if ts > self.last_ts:
            self.last_ts = ts

    def _answer(self, ts: int, direction: str, uid: str, action: str, answer: Answer) -> int:
        if isinstance(answer, _NoAnswer):
            return 0
        peers = self.cols.peer
        call_row = len(peers) - 1
        peers[call_row] = len(peers)
        if isinstance(answer, CallError):
            self._emit(
                ts, direction, "CALLERROR", uid, action, "{}", answer.code, answer.description
            )
        else:
            body = answer(ts) if callable(answer) else answer
            self._emit(ts, direction, "CALLRESULT", uid, action, dumps(body))
        peers[-1] = call_row
        return ts - self.now

    def call(self, action: str, payload: dict[str, Any] | str, answer: Answer) -> int:
        """Send a charger call (queued or dropped while offline); return the answer delay."""
        text = payload if isinstance(payload, str) else dumps(payload)
        if not self.online:
            if action in QUEUED:
                self.queue.append((self.now, action, text, answer))
            return 0
        if self.override is not None:
            answer, self.override = self.override, None
        uid = self.uids.next()
        self._emit(self.now, TO_CSMS, "CALL", uid, action, text)
        self.last_out = self.now
        lat = self.rng.randint(8, 250)
        self._answer(self.now + lat, TO_CHARGER, uid, action, answer)
        return lat

    def command(self, action: str, payload: dict[str, Any], answer: Answer) -> int:
        """Send a CSMS command to the charger (not while it is offline); return the answer delay."""
        if not self.online:
            return 0
        if self.override is not None:
            answer, self.override = self.override, None
        uid = uuid4(self.rng)
        self._emit(self.now, TO_CHARGER, "CALL", uid, action, dumps(payload))
        lat = self.rng.randint(60, 1500)
        self._answer(self.now + lat, TO_CSMS, uid, action, answer)
        return lat

    def last_uid(self) -> str:
        """The unique id of the latest frame emitted."""
        return self.cols.unique_id[-1]

    def ctime(self, ms: int | None = None) -> str:
        """A charger payload timestamp (now by default)."""
        return self.clock.text(self.now if ms is None else ms)

    def csms_time(self, ms: int) -> str:
        """A CSMS payload timestamp."""
        return fmt_ms(ms)

    # ---- link ------------------------------------------------------------------------------
    def wait_quiet(self, gap: int = 1500) -> Process:
        """Sleep until no frame is in flight and the last one is ``gap`` ms old."""
        while self.now < self.last_ts + gap:
            yield self.last_ts + gap - self.now

    def link_down(self, detail: str | None, logged_after: int = 0) -> None:
        """The websocket drops now; the CSMS logs it ``logged_after`` ms later."""
        self.online = False
        self.connections.append((self.now + logged_after, "disconnected", detail))

    def link_up(self, detail: str | None = None) -> None:
        """The websocket is back."""
        self.online = True
        self.connections.append((self.now, "connected", detail))

    def flush_queue(self) -> Process:
        """Send the calls kept while offline, with their original timestamps."""
        queued, self.queue = self.queue, []
        for _, action, text, answer in queued:
            lat = self.call(action, text, answer)
            yield lat + self.rng.randint(30, 300)

    # ---- records ---------------------------------------------------------------------------
    def finding(
        self,
        kind: str,
        start: When,
        end: When | None = None,
        connector: int | None = None,
        **detail: Any,
    ) -> Finding:
        """Record a finding of ``kind``."""
        f = Finding(kind, connector, start, start if end is None else end, detail)
        self.findings.append(f)
        return f

    def open_session(self, tx: Tx, start_ms: int) -> None:
        """Record a started transaction (``start_ms`` as the charger reported it)."""
        tx.record = {
            "charger_id": self.spec.charger_id,
            "connector_id": tx.connector,
            "transaction_id": tx.id,
            "start": start_ms,
            "end": None,
            "energy_wh": None,
            "stop_reason": None,
            "id_tag": tx.id_tag,
        }
        self.sessions.append(tx.record)

    def close_session(self, tx: Tx, end_ms: int, stop_wh: int, reason: str) -> None:
        """Record how a transaction ended."""
        tx.record.update(end=end_ms, energy_wh=float(stop_wh - tx.start_wh), stop_reason=reason)

    def mark_malformed(self, uid: str, action: str, reason: str) -> None:
        """Record a deliberately malformed call."""
        self.malformed.append(
            {
                "charger_id": self.spec.charger_id,
                "unique_id": uid,
                "action": action,
                "reason": reason,
                "malformed": True,
            }
        )

    def next_txn_id(self) -> int:
        """The CSMS's next 1.6 transaction id for this charger."""
        self.txn_counter += self.rng.randint(1, 40)
        return self.txn_counter

    def next_request_id(self) -> int:
        """A fresh requestId / remoteStartId."""
        self.request_id += self.rng.randint(1, 7)
        return self.request_id


@dataclass
class Tx:
    """One transaction as the charger tracks it."""

    connector: int
    id_tag: str
    token_type: str = "ISO14443"
    id: str = ""  # as the truth file and 2.0.1 carry it
    num: int = 0  # 1.6 integer id from the CSMS
    seq: int = 0  # 2.0.1 seqNo
    remote_start_id: int | None = None
    start_wh: int = 0
    last_wh: int = 0  # energy register in the latest meter value sent
    start_frame_ts: int = 0
    stop_frame_ts: int = 0
    record: dict[str, Any] = field(default_factory=dict)
