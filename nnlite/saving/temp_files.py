"""Temporary files of atomic saves, and cleaning up after writers that died.

A save writes ``.<target>.<host>-<pid>-<random>.tmp`` next to the target
and renames it over the target when it is complete.  A writer killed
mid-save (``kill -9``, a power cut) leaves its temporary file behind.  The
next save of a matching target in the same folder removes such leftovers,
but only files that nnlite's own naming pattern identifies as belonging to
a writer that is certainly gone:

* written on this host by a process that no longer exists, or
* not modified for :data:`STALE_AFTER_SECONDS` (a writer on another host
  sharing the folder, a reused process id, or a file from an older nnlite
  that did not record the writer).

A live writer's file — another thread of this process, another process,
another machine on a network folder — is never touched while it is being
written.

>>> import re
>>> name = temp_name_pattern(re.escape("model.h5"))
>>> bool(name.fullmatch(".model.h5.myhost-4242-k3j_x9a2.tmp"))
True
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import tempfile
import time

#: a temporary file untouched this long is a leftover whatever its writer
STALE_AFTER_SECONDS = 3600.0

_RANDOM = r"[a-z0-9_]{8}"  # tempfile's random part
_HOST_PID = r"(?P<host>[A-Za-z0-9-]{0,32})-(?P<pid>\d{1,10})-"


def _host_tag() -> str:
    """This machine's name, reduced to letters, digits and dashes."""
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:32]


def make_temp_file(path: str) -> tuple[int, str]:
    """Open a new temporary file for ``path`` in its folder: ``(fd, temp path)``."""
    folder, base = os.path.split(os.path.abspath(path))
    return tempfile.mkstemp(prefix=f".{base}.{_host_tag()}-{os.getpid()}-", suffix=".tmp",
                            dir=folder)


def temp_name_pattern(target_regex: str) -> re.Pattern:
    """The names of nnlite temporary files for targets matching ``target_regex``.

    Matches this version's names (with writer host and pid) and older ones
    (``.<target>.<random>.tmp``, no writer recorded).
    """
    return re.compile(rf"\.(?:{target_regex})\.(?:{_HOST_PID})?{_RANDOM}\.tmp")


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True  # exists (owned by someone else), or cannot tell: keep the file
    return True


def _is_leftover(match: re.Match, age_seconds: float) -> bool:
    if age_seconds > STALE_AFTER_SECONDS:
        return True
    pid = match.group("pid")
    if pid is None or match.group("host") != _host_tag() or int(pid) == os.getpid():
        return False  # no writer recorded, another machine's, or one of our threads
    return not _process_exists(int(pid))


def remove_stale_temp_files(folder: str, target_regex: str) -> list[str]:
    """Delete leftovers of dead writers for targets matching ``target_regex``.

    Returns the removed paths.  Errors (a file already gone, no permission)
    are ignored: cleaning up must never make a save fail.
    """
    pattern, now, removed = temp_name_pattern(target_regex), time.time(), []
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            match = pattern.fullmatch(entry.name)
            if match is None:
                continue
            with contextlib.suppress(OSError):
                if entry.is_file(follow_symlinks=False) and \
                        _is_leftover(match, now - entry.stat(follow_symlinks=False).st_mtime):
                    os.unlink(entry.path)
                    removed.append(entry.path)
    return removed
