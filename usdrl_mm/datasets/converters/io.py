import os
import os.path as osp
import pickle
import sys
import tempfile
from typing import Any


def atomic_dump(obj: Any, path: str, force: bool = False) -> str:
    """Pickle ``obj`` to ``path`` through a temporary file and a rename, so
    an interrupted run never leaves a half-written file in place; refuse to
    replace an existing file unless ``force``."""
    if osp.exists(path) and not force:
        raise FileExistsError(f'{path} exists; pass force=True (--force) to '
                              'overwrite it')
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, suffix='.tmp')
    try:
        with os.fdopen(fd, 'wb') as f:
            pickle.dump(obj, f, protocol=4)
        os.replace(tmp, path)
    except BaseException:
        if osp.exists(tmp):
            os.remove(tmp)
        raise
    return path


def refuse_overwrite(path: str, force: bool) -> bool:
    """For converter CLIs, before any work: True (after printing the error)
    when ``path`` exists and ``--force`` was not given."""
    if osp.exists(path) and not force:
        print(
            f'error: {path} exists; pass --force to overwrite it',
            file=sys.stderr)
        return True
    return False
