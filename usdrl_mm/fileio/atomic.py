"""Writing output files atomically, without races between writers.

An output is written to a temporary file beside it and then moved into
place, so a reader (or a rerun after a crash) sees either the complete old
state or the complete new file, never a truncated one:

- the temporary is named ``.<basename>.<pid>.<random hex>.tmp``: hidden,
  in the same directory (a rename is atomic only within one file system)
  and carrying the writer's pid, so that a later run can tell the leftover
  of a killed process (``kill -9`` runs no cleanup) from the temporary of a
  writer that is still alive, and remove only the former
  (:func:`remove_stale_temporaries`);
- the published file gets the permissions a plain ``open(path, 'w')``
  would give it (``0o666 & ~umask``), not the private mode of the
  temporary;
- without ``force`` the final move refuses to replace a file that appeared
  while the temporary was being written (another process converting to the
  same output), instead of silently overwriting it: it hard-links the
  temporary to the destination, which fails if the destination exists.

:func:`atomic_write` does all of it around a ``write(file)`` callback;
:func:`temporary_path` and :func:`publish` are the two halves for code that
produces the temporary itself.
"""
import errno
import json
import os
import os.path as osp
import secrets
from typing import Any, BinaryIO, Callable, List

# Where Linux (>= 4.7) reports the umask without changing it.
_PROC_STATUS = '/proc/self/status'

# errno values of os.link on a file system without hard links (FAT, some
# network and FUSE mounts); the move then falls back to check + replace.
_NO_LINKS = frozenset(
    getattr(errno, name)
    for name in ('EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS')
    if hasattr(errno, name))


def _current_umask() -> int:
    """The process umask.

    Read from ``/proc/self/status`` where available: the fallback has to set
    the umask to read it, and another thread creating a file in between
    would get the temporary value.
    """
    try:
        with open(_PROC_STATUS, encoding='ascii') as f:
            for line in f:
                if line.startswith('Umask:'):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _remove(path: str) -> None:
    """Delete ``path`` if it is still there."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _fsync_file(path: str) -> None:
    """Flush the data of ``path`` to disk, so that a crash right after the
    rename cannot publish a file whose blocks were never written."""
    # Windows can only flush a descriptor opened for writing.
    flags = os.O_RDONLY if os.name == 'posix' else os.O_RDWR
    fd = os.open(path, flags)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_directory(directory: str) -> None:
    """Make a rename in ``directory`` durable; best effort, since not every
    platform or file system can flush a directory."""
    if os.name != 'posix':
        return
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _exists_message(path: str) -> str:
    return (f'{path} appeared while this output was being written (another '
            'process writing the same file?); it was left as it is. Pass '
            'force=True (--force) to overwrite it')


def temporary_path(path: str) -> str:
    """A fresh temporary name beside ``path``.

    The name is ``<dir>/.<basename>.<pid>.<random hex>.tmp``: in the same
    directory as ``path``, so that the final rename is atomic, and with the
    pid of this process, so that a later run can tell a stale temporary of
    a dead process (:func:`remove_stale_temporaries`). Nothing is created.

    Args:
        path (str): The output file the temporary is for.

    Returns:
        str: The temporary path, relative when ``path`` is.
    """
    name = f'.{osp.basename(path)}.{os.getpid()}.{secrets.token_hex(8)}.tmp'
    return osp.join(osp.dirname(path), name)


def publish(tmp: str, path: str, replace: bool = False) -> str:
    """Move the finished temporary ``tmp`` to ``path``.

    ``tmp`` is flushed to disk first and given the permissions a normal
    ``open(path, 'w')`` would give the output (``0o666 & ~umask``).

    Args:
        tmp (str): The written temporary, in the directory of ``path``
            (see :func:`temporary_path`); it is gone afterwards, also when
            publishing fails.
        path (str): The destination.
        replace (bool): Replace an existing ``path`` (``os.replace``).
            Without it the move is a hard link plus an unlink of ``tmp``,
            which fails if ``path`` exists by then, so that a file another
            process wrote in the meantime is never overwritten. On a file
            system without hard links it falls back to an existence check
            right before ``os.replace``, which leaves a much smaller window
            for that race. Defaults to False.

    Returns:
        str: ``path``.

    Raises:
        FileExistsError: ``path`` exists and ``replace`` is False.
    """
    try:
        _fsync_file(tmp)
        os.chmod(tmp, 0o666 & ~_current_umask())
        if replace:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise FileExistsError(_exists_message(path)) from None
            except OSError as err:
                if err.errno not in _NO_LINKS:
                    raise
                if osp.lexists(path):
                    raise FileExistsError(_exists_message(path)) from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
    except BaseException:
        _remove(tmp)
        raise
    _fsync_directory(osp.dirname(osp.abspath(path)))
    return path


def remove_stale_temporaries(path: str) -> List[str]:
    """Delete the temporaries of ``path`` left behind by dead processes.

    A temporary ``.<basename>.<pid>.<hex>.tmp`` beside ``path`` is stale
    when no process ``pid`` exists (``os.kill(pid, 0)`` raises
    ``ProcessLookupError``); the temporaries of live processes, this one
    included, are kept. Only pids of this machine can be checked: a
    temporary that a process on another host is writing to a shared file
    system looks stale here, and removing it makes that writer's
    :func:`publish` fail rather than publish anything wrong. On platforms
    other than POSIX, where ``os.kill`` cannot probe a process, nothing is
    removed.

    Args:
        path (str): The output file whose temporaries to look for.

    Returns:
        list[str]: The removed paths, sorted.
    """
    if os.name != 'posix':
        return []
    directory = osp.dirname(path)
    prefix = f'.{osp.basename(path)}.'
    try:
        names = os.listdir(directory or '.')
    except OSError:  # no directory yet: nothing left behind
        return []
    removed = []
    for name in sorted(names):
        if not (name.startswith(prefix) and name.endswith('.tmp')):
            continue
        # exactly '<pid>.<hex>' in between; more parts belong to the
        # temporaries of another file whose name starts with this one's
        parts = name[len(prefix):-len('.tmp')].split('.')
        if len(parts) != 2 or not parts[0].isdigit() or not parts[1]:
            continue
        if any(c not in '0123456789abcdef' for c in parts[1]):
            continue
        pid = int(parts[0])
        if pid <= 0:
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            pass  # dead: the temporary is stale
        except OSError:
            continue  # e.g. PermissionError: alive, of another user
        else:
            continue  # alive
        tmp = osp.join(directory, name)
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            continue  # another run removed it first
        except OSError:
            continue  # not ours to remove (a directory, no permission)
        removed.append(tmp)
    return removed


def atomic_write(path: str,
                 write: Callable[[BinaryIO], Any],
                 force: bool = False) -> str:
    """Write ``path`` through a temporary file and :func:`publish`.

    The parent directory is created if missing, and stale temporaries of
    ``path`` left by killed runs are removed before writing. If anything
    goes wrong (an exception in ``write``, ``KeyboardInterrupt``, a file
    that appeared meanwhile), the temporary is removed, ``path`` is left as
    it was and the exception propagates.

    Args:
        path (str): The output file.
        write (Callable[[BinaryIO], Any]): Called once with the temporary
            opened for binary writing; writes the whole content. The file is
            closed (and published) after it returns.
        force (bool): Replace an existing ``path``. Without it an existing
            file raises :class:`FileExistsError` before any work is done,
            and so does one that appears while ``write`` runs. Defaults to
            False.

    Returns:
        str: ``path``.

    Raises:
        FileExistsError: ``path`` exists and ``force`` is False.
    """
    if osp.exists(path) and not force:
        raise FileExistsError(f'{path} exists; pass force=True (--force) to '
                              'overwrite it')
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    remove_stale_temporaries(path)
    tmp = temporary_path(path)
    # O_EXCL: never write into a file someone else created; 0600 keeps the
    # unfinished content private until publish() sets the final mode.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, 'O_BINARY', 0)
    fd = os.open(tmp, flags, 0o600)
    try:
        with os.fdopen(fd, 'wb') as f:
            write(f)
        return publish(tmp, path, replace=force)
    except BaseException:
        _remove(tmp)
        raise


def atomic_torch_save(obj: Any, path: str, force: bool = False) -> str:
    """``torch.save(obj, path)`` through :func:`atomic_write`: a killed run
    leaves no truncated checkpoint at ``path``.

    Args:
        obj (Any): What to save (a checkpoint dict, a state dict, ...).
        path (str): The output file.
        force (bool): Replace an existing ``path``; see
            :func:`atomic_write`. Defaults to False.

    Returns:
        str: ``path``.

    Raises:
        FileExistsError: ``path`` exists and ``force`` is False.
    """
    import torch  # here: the other writers of this module need no torch

    return atomic_write(path, lambda f: torch.save(obj, f), force=force)


def atomic_write_json(obj: Any,
                      path: str,
                      force: bool = True,
                      indent: int = 1) -> str:
    """``obj`` as UTF-8 JSON at ``path``, through :func:`atomic_write`: a
    run killed while writing leaves the old file (or none), never half of
    one. Replaces an existing file unless ``force`` is False, as the tools'
    ``--out`` options do.

    Returns:
        str: ``path``.
    """
    text = json.dumps(obj, indent=indent) + '\n'
    return atomic_write(
        path, lambda f: f.write(text.encode('utf-8')), force=force)
