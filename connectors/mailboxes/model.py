"""Messages and mailboxes as a mail server would hold them, provider-neutral.

One ``Message`` (one RFC 822 Message-ID) can sit in several mailboxes: when two reps are
on the same mail, each mailbox holds its own ``Entry`` pointing at the shared message.
Every mailbox keeps an append-only change log with a mailbox-wide sequence number, so
each emulator can derive its own cursors from it (Gmail history ids, Graph delta tokens)
without keeping a second copy of the data.
"""

from __future__ import annotations

import bisect
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Folder = Literal["inbox", "sent"]
ChangeKind = Literal["added", "deleted"]


@dataclass(frozen=True, slots=True)
class Address:
    """A mailbox address with the display name the sender's client put on it."""

    email: str
    name: str = ""

    def formatted(self) -> str:
        return f'"{self.name}" <{self.email}>' if self.name else self.email


@dataclass(frozen=True, slots=True)
class Message:
    """One mail as sent: the same object is shared by every mailbox that holds it."""

    message_id: str
    thread_root: str
    sender: Address
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    subject: str
    body: str
    date: datetime
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    extra_headers: tuple[tuple[str, str], ...] = ()
    automated: bool = False
    internal_only: bool = False

    @property
    def date_ms(self) -> int:
        return int(self.date.timestamp() * 1000)

    @property
    def recipients(self) -> tuple[Address, ...]:
        return self.to + self.cc


@dataclass(slots=True)
class Entry:
    """A message as held by one mailbox: its own key, folder and read state."""

    key: str
    message: Message
    folder: Folder
    is_read: bool
    added_seq: int = 0
    deleted_seq: int | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_seq is not None

    @property
    def sort_key(self) -> tuple[int, str]:
        return (self.message.date_ms, self.key)


@dataclass(frozen=True, slots=True)
class Change:
    """One line of a mailbox's change log; ``at`` is wall-clock epoch seconds."""

    seq: int
    kind: ChangeKind
    entry: Entry
    at: float


def entry_key(owner: str, message_id: str, folder: Folder) -> str:
    """A stable 16-hex-digit key per mailbox and message, the shape of a Gmail id."""
    digest = hashlib.blake2b(f"{owner}|{message_id}|{folder}".encode(), digest_size=8)
    return digest.hexdigest()


@dataclass
class Mailbox:
    """One rep's mailbox: entries by key, by date, and the log of every change."""

    owner: Address
    object_id: str
    entries: dict[str, Entry] = field(default_factory=dict)
    log: list[Change] = field(default_factory=list)
    _by_date: list[tuple[int, str]] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def email(self) -> str:
        return self.owner.email

    @property
    def seq(self) -> int:
        """The sequence number of the newest change (0 for an empty mailbox)."""
        with self._lock:
            return self.log[-1].seq if self.log else 0

    def add(self, entry: Entry, at: float | None = None) -> Change:
        with self._lock:
            entry.added_seq = self.seq + 1
            change = Change(entry.added_seq, "added", entry, time.time() if at is None else at)
            self.entries[entry.key] = entry
            self.log.append(change)
            bisect.insort(self._by_date, entry.sort_key)
            return change

    def delete(self, key: str) -> Change:
        with self._lock:
            entry = self.entries[key]
            if entry.deleted:
                raise KeyError(key)
            entry.deleted_seq = self.seq + 1
            change = Change(entry.deleted_seq, "deleted", entry, time.time())
            self.log.append(change)
            return change

    def live(self, key: str) -> Entry | None:
        """The entry under this key, or None when it is unknown or deleted."""
        entry = self.entries.get(key)
        return None if entry is None or entry.deleted else entry

    def newest_first(self, before: tuple[int, str] | None = None) -> Iterator[Entry]:
        """Live entries from newest to oldest, starting strictly below ``before``."""
        with self._lock:
            stop = (
                len(self._by_date) if before is None else bisect.bisect_left(self._by_date, before)
            )
            keys = [key for _, key in reversed(self._by_date[:stop])]
        for key in keys:
            entry = self.entries[key]
            if not entry.deleted:
                yield entry

    def changes_after(self, seq: int) -> list[Change]:
        """Changes with a sequence number above ``seq``, oldest first."""
        with self._lock:
            start = bisect.bisect_right(self.log, seq, key=lambda change: change.seq)
            return self.log[start:]

    def live_count(self, folder: Folder | None = None) -> int:
        with self._lock:
            return sum(
                1
                for entry in self.entries.values()
                if not entry.deleted and (folder is None or entry.folder == folder)
            )


Listener = Callable[[Mailbox, Change], None]
