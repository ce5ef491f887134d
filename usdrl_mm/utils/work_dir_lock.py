"""One training run per work directory.

Two runs in the same work directory overwrite each other's checkpoints,
logs and config copy without a word. :func:`lock_work_dir` takes an
exclusive ``flock`` on ``WORK_DIR/.train.lock`` for the life of the
process; a second run is refused with a message naming the process that
holds it. The kernel releases the lock when its process ends, however it
ends, so a lock is never left stale by a crash; a lock file whose process
is gone is only a note of the previous run and is taken over (and said
so). Only rank 0 of a distributed run takes the lock.
"""
import fcntl
import json
import os
import os.path as osp
import socket
import sys
import time
from typing import IO, Callable, Dict, Optional

LOCK_NAME = '.train.lock'


class WorkDirBusyError(RuntimeError):
    """The work directory is used by another training run."""


def _holder(path: str) -> Dict:
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _describe(holder: Dict) -> str:
    if not holder:
        return 'another process'
    started = time.strftime('%Y-%m-%d %H:%M:%S',
                            time.localtime(holder.get('started', 0)))
    return (f"process {holder.get('pid')} on {holder.get('host')} (started "
            f"{started}: {holder.get('command', '?')})")


class WorkDirLock:
    """The held lock; :meth:`release` (or process exit) frees it."""

    def __init__(self, path: str, handle: IO[str]) -> None:
        self.path = path
        self._handle: Optional[IO[str]] = handle

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            self._handle.seek(0)
            self._handle.truncate()
            fcntl.flock(self._handle, fcntl.LOCK_UN)
        finally:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> 'WorkDirLock':
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def lock_work_dir(work_dir: str,
                  log: Callable[[str], None] = print) -> WorkDirLock:
    """Lock ``work_dir`` for this training run.

    Raises:
        WorkDirBusyError: Another live process holds the lock; the message
            names it and the fixes.
    """
    os.makedirs(work_dir, exist_ok=True)
    path = osp.join(work_dir, LOCK_NAME)
    handle = open(path, 'a+')
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = _holder(path)
        handle.close()
        raise WorkDirBusyError(
            f'{work_dir} is in use by {_describe(holder)}. Two trainings in '
            'one work directory overwrite each other\'s checkpoints. Wait '
            'for it to finish or stop it, or pass another --work-dir.'
        ) from None
    previous = _holder(path)
    if previous.get('pid'):
        log(f'{work_dir}: the previous run ({_describe(previous)}) ended '
            'without releasing its lock note; taking it over')
    handle.seek(0)
    handle.truncate()
    json.dump(
        dict(
            pid=os.getpid(),
            host=socket.gethostname(),
            started=time.time(),
            command=' '.join(sys.argv)), handle)
    handle.flush()
    return WorkDirLock(path, handle)


def launch_rank() -> int:
    """This process's global rank as its launcher set it (torchrun, slurm,
    MPI), before any process group exists; 0 when not launched."""
    for key in ('RANK', 'SLURM_PROCID', 'OMPI_COMM_WORLD_RANK', 'PMI_RANK'):
        value = os.environ.get(key)
        if value is not None and value.strip().isdigit():
            return int(value)
    return 0
