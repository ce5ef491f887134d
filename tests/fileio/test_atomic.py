"""usdrl_mm.fileio.atomic: outputs written through a temporary follow the
umask, refuse files that appear meanwhile, and leave nothing behind after
an exception or a ``kill -9``."""
import json
import os
import os.path as osp
import pickle
import re
import signal
import stat
import subprocess
import sys

import pytest
import torch

from usdrl_mm.datasets.converters.io import atomic_dump
from usdrl_mm.fileio import atomic as atomic_module
from usdrl_mm.fileio import (atomic_torch_save, atomic_write, publish,
                             remove_stale_temporaries, temporary_path)

ATOMIC_PY = atomic_module.__file__
posix_only = pytest.mark.skipif(
    os.name != 'posix', reason='pids are probed and killed with signals')


def temporaries(directory) -> list:
    return sorted(n for n in os.listdir(directory) if n.endswith('.tmp'))


def dead_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    proc = subprocess.Popen([sys.executable, '-c', ''])
    proc.wait()
    return proc.pid


def write_bytes(data: bytes):
    return lambda f: f.write(data)


def test_temporary_path_is_a_fresh_hidden_name_beside_the_output(tmp_path):
    path = str(tmp_path / 'out.pkl')
    first, second = temporary_path(path), temporary_path(path)
    assert first != second
    assert osp.dirname(first) == str(tmp_path)
    pattern = rf'\.out\.pkl\.{os.getpid()}\.[0-9a-f]+\.tmp'
    assert re.fullmatch(pattern, osp.basename(first))
    assert temporary_path('out.pkl').startswith('.out.pkl.')  # relative
    assert not os.listdir(tmp_path)  # only a name, nothing created


@posix_only
@pytest.mark.parametrize(
    'read_proc', [True, False], ids=['proc-status', 'umask-fallback'])
@pytest.mark.parametrize('umask, mode', [(0o022, 0o644), (0o077, 0o600)])
def test_output_follows_the_umask(tmp_path, monkeypatch, umask, mode,
                                  read_proc):
    if not read_proc:  # as on a system without /proc
        monkeypatch.setattr(atomic_module, '_PROC_STATUS',
                            str(tmp_path / 'no-proc'))
    old = os.umask(umask)
    try:
        path = atomic_write(str(tmp_path / 'out.bin'), write_bytes(b'x'))
        dumped = atomic_dump([1], str(tmp_path / 'out.pkl'))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    assert stat.S_IMODE(os.stat(dumped).st_mode) == mode


@posix_only
def test_stale_temporaries_of_dead_processes_only_are_removed(tmp_path):
    path = str(tmp_path / 'out.pkl')
    stale = tmp_path / f'.out.pkl.{dead_pid()}.0a1b2c3d.tmp'
    live = tmp_path / f'.out.pkl.{os.getpid()}.4e5f6a7b.tmp'
    # not temporaries of out.pkl: another file's, not the pattern
    other_file = tmp_path / f'.out.pkl.1.{dead_pid()}.0a1b.tmp'
    not_hex = tmp_path / f'.out.pkl.{dead_pid()}.xyz.tmp'
    for file in (stale, live, other_file, not_hex):
        file.write_bytes(b'partial')

    assert remove_stale_temporaries(path) == [str(stale)]
    assert not stale.exists()
    assert live.exists() and other_file.exists() and not_hex.exists()
    assert remove_stale_temporaries(path) == []
    assert remove_stale_temporaries(str(tmp_path / 'missing' / 'x')) == []

    # atomic_write cleans up the same way before it writes
    stale.write_bytes(b'partial')
    atomic_write(path, write_bytes(b'done'))
    assert not stale.exists() and live.exists()


def test_publish_refuses_a_file_that_appeared_meanwhile(tmp_path):
    path = tmp_path / 'out.pkl'
    tmp = temporary_path(str(path))
    with open(tmp, 'wb') as f:
        f.write(b'new')
    path.write_bytes(b'original')  # another converter finished first
    with pytest.raises(FileExistsError) as err:
        publish(tmp, str(path))
    assert str(path) in str(err.value) and '--force' in str(err.value)
    assert path.read_bytes() == b'original'
    assert not temporaries(tmp_path)  # removed on failure

    tmp = temporary_path(str(path))
    with open(tmp, 'wb') as f:
        f.write(b'new')
    assert publish(tmp, str(path), replace=True) == str(path)
    assert path.read_bytes() == b'new'
    assert not temporaries(tmp_path)


def test_publish_without_hard_links_still_refuses(tmp_path, monkeypatch):
    """On a file system that cannot link, the move falls back to a check
    right before the rename."""

    def no_links(src, dst):
        raise PermissionError(1, 'Operation not permitted')

    monkeypatch.setattr(atomic_module.os, 'link', no_links)
    path = tmp_path / 'out.pkl'
    for expected in (None, FileExistsError):
        tmp = temporary_path(str(path))
        with open(tmp, 'wb') as f:
            f.write(b'new')
        if expected is None:
            publish(tmp, str(path))
            assert path.read_bytes() == b'new'
        else:
            path.write_bytes(b'original')
            with pytest.raises(expected, match='--force'):
                publish(tmp, str(path))
            assert path.read_bytes() == b'original'
        assert not temporaries(tmp_path)


@pytest.mark.parametrize('force', [False, True])
def test_atomic_write_race_with_another_writer(tmp_path, force):
    """The existence check at the start cannot see a file that another
    process publishes while ``write`` runs; the final move does."""
    path = tmp_path / 'out.pkl'

    def write(f):
        f.write(b'ours')
        path.write_bytes(b'theirs')

    if force:
        atomic_write(str(path), write, force=True)
        assert path.read_bytes() == b'ours'
    else:
        with pytest.raises(FileExistsError, match='--force'):
            atomic_write(str(path), write)
        assert path.read_bytes() == b'theirs'
    assert not temporaries(tmp_path)


def test_existing_output_is_refused_up_front(tmp_path):
    path = tmp_path / 'out.pth'
    path.write_bytes(b'keep me')
    calls = []
    with pytest.raises(FileExistsError) as err:
        atomic_write(str(path), calls.append)
    assert str(path) in str(err.value) and '--force' in str(err.value)
    assert calls == [] and path.read_bytes() == b'keep me'

    atomic_torch_save({'w': torch.arange(3)}, str(path), force=True)
    assert torch.equal(
        torch.load(path, weights_only=True)['w'], torch.arange(3))


@pytest.mark.parametrize('error', [ValueError, KeyboardInterrupt])
def test_exception_in_write_leaves_nothing(tmp_path, error):
    path = tmp_path / 'sub' / 'out.pkl'

    def write(f):
        f.write(b'partial')
        raise error('stop')

    with pytest.raises(error):
        atomic_write(str(path), write)
    assert not path.exists()
    assert os.listdir(tmp_path / 'sub') == []  # made, but no temporary


def test_atomic_dump_round_trip(tmp_path):
    path = str(tmp_path / 'new' / 'data.pkl')
    assert atomic_dump({'a': [1, 2]}, path) == path
    with open(path, 'rb') as f:
        assert f.read(2) == b'\x80\x04'  # protocol 4
    with open(path, 'rb') as f:
        assert pickle.load(f) == {'a': [1, 2]}
    with pytest.raises(FileExistsError, match='--force'):
        atomic_dump({}, path)
    atomic_dump({}, path, force=True)
    with open(path, 'rb') as f:
        assert pickle.load(f) == {}


# Loads atomic.py by its path (no heavy package import), writes part of the
# output and kills itself, as `kill -9` would, from inside write().
KILLED_WRITER = """
import importlib.util, os, signal, sys
spec = importlib.util.spec_from_file_location('atomic', sys.argv[1])
atomic = importlib.util.module_from_spec(spec)
spec.loader.exec_module(atomic)

def write(f):
    f.write(b'partial')
    f.flush()
    os.kill(os.getpid(), signal.SIGKILL)

atomic.atomic_write(sys.argv[2], write)
"""


@posix_only
def test_kill_9_during_a_write_leaves_no_output(tmp_path):
    path = tmp_path / 'out.pkl'
    proc = subprocess.Popen(
        [sys.executable, '-c', KILLED_WRITER, ATOMIC_PY,
         str(path)],
        stderr=subprocess.PIPE)
    _, stderr = proc.communicate()
    assert proc.returncode == -signal.SIGKILL, stderr
    assert not path.exists()
    leftover = temporaries(tmp_path)
    assert len(leftover) == 1
    assert leftover[0].startswith(f'.out.pkl.{proc.pid}.')

    atomic_write(str(path), write_bytes(b'complete'))
    assert path.read_bytes() == b'complete'
    assert os.listdir(tmp_path) == ['out.pkl']  # the leftover is gone


def test_atomic_write_json_replaces_whole_files(tmp_path):
    from usdrl_mm.fileio import atomic_write_json
    path = str(tmp_path / 'sub' / 'out.json')
    assert atomic_write_json({'a': [1, 2]}, path) == path
    assert json.loads(open(path).read()) == {'a': [1, 2]}
    atomic_write_json({'b': 'é'}, path)  # replaces, UTF-8
    with open(path, encoding='utf-8') as f:
        assert json.load(f) == {'b': 'é'}
    with pytest.raises(FileExistsError):
        atomic_write_json({}, path, force=False)
    # an object JSON cannot hold leaves the old file and no temporary
    with pytest.raises(TypeError):
        atomic_write_json({'c': object()}, path)
    with open(path, encoding='utf-8') as f:
        assert json.load(f) == {'b': 'é'}
    assert os.listdir(osp.dirname(path)) == ['out.json']
