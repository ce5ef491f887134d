import os.path as osp
import pickle
import sys
from typing import Any

from usdrl_mm.fileio.atomic import atomic_write


def atomic_dump(obj: Any, path: str, force: bool = False) -> str:
    """Pickle ``obj`` (protocol 4) to ``path`` with :func:`atomic_write`.

    An interrupted run never leaves a half-written file in place (nor, after
    the next run, a stale temporary), the file follows the umask, and an
    existing file is not replaced unless ``force``, also one that another
    process wrote meanwhile.
    """
    return atomic_write(
        path, lambda f: pickle.dump(obj, f, protocol=4), force=force)


def refuse_overwrite(path: str, force: bool) -> bool:
    """For converter CLIs, before any work: True (after printing the error)
    when ``path`` exists and ``--force`` was not given."""
    if osp.exists(path) and not force:
        print(
            f'error: {path} exists; pass --force to overwrite it',
            file=sys.stderr)
        return True
    return False
