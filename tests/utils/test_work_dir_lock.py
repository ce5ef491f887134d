"""One training run per work directory."""
import json
import os
import subprocess
import sys

import pytest

from usdrl_mm.utils.work_dir_lock import (LOCK_NAME, WorkDirBusyError,
                                          launch_rank, lock_work_dir)

HOLD = """
import sys, time
from usdrl_mm.utils.work_dir_lock import lock_work_dir
lock = lock_work_dir(sys.argv[1])
print('locked', flush=True)
time.sleep(60)
"""


def test_a_second_lock_is_refused_while_the_first_lives(tmp_path, tool_env):
    holder = subprocess.Popen(
        [sys.executable, '-c', HOLD, str(tmp_path)],
        env=tool_env,
        stdout=subprocess.PIPE,
        text=True)
    try:
        assert holder.stdout.readline().strip() == 'locked'
        with pytest.raises(WorkDirBusyError) as err:
            lock_work_dir(str(tmp_path))
        assert f'process {holder.pid}' in str(err.value)
        assert '--work-dir' in str(err.value)
    finally:
        holder.kill()  # SIGKILL: no clean-up runs in the holder
        holder.wait()
    # the kernel freed the lock; its note says who held it
    notes = []
    with lock_work_dir(str(tmp_path), log=notes.append) as lock:
        assert f'({os.getpid()}' not in notes[0]
        assert f'process {holder.pid}' in notes[0]
        with open(lock.path) as f:
            assert json.load(f)['pid'] == os.getpid()
    # released: the note is cleared and the next run says nothing
    notes = []
    with lock_work_dir(str(tmp_path), log=notes.append):
        pass
    assert not notes
    assert (tmp_path / LOCK_NAME).read_text() == ''


def test_launch_rank_reads_the_launchers(monkeypatch):
    for key in ('RANK', 'SLURM_PROCID', 'OMPI_COMM_WORLD_RANK', 'PMI_RANK'):
        monkeypatch.delenv(key, raising=False)
    assert launch_rank() == 0
    monkeypatch.setenv('SLURM_PROCID', '3')
    assert launch_rank() == 3
    monkeypatch.setenv('RANK', '1')
    assert launch_rank() == 1
