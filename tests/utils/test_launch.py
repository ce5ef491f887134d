import os
import select
import signal
import socket
import subprocess
import sys
import time

import pytest
import torch.distributed as dist
from mmengine.config import Config

from usdrl_mm.utils import (adapt_amp_to_device, enable_amp,
                            init_cpu_process_group)
from usdrl_mm.utils.launch import accelerator_available, under_launcher

LAUNCHER_ENV = dict(
    TORCHELASTIC_RUN_ID='test', RANK='0', LOCAL_RANK='0', WORLD_SIZE='2')
# the worker: arms exit_with_launcher (optionally without prctl, the
# watcher thread of other systems), reports its pid on the pipe, then waits
WORKER = """
import os, sys, time
from usdrl_mm.utils import launch
mode, fd = sys.argv[1], int(sys.argv[2])
if mode == 'poll':
    launch._set_pdeathsig = lambda sig: False
assert launch.exit_with_launcher(interval=0.2)
os.write(fd, f'{os.getpid()}\\n'.encode())
time.sleep(300)
"""
# the launcher: starts the worker with the pipe and waits to be killed
LAUNCHER = """
import subprocess, sys, time
fd = int(sys.argv[3])
subprocess.Popen([sys.executable, sys.argv[1], sys.argv[2], str(fd)],
                 pass_fds=(fd, ))
time.sleep(300)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.skipif(accelerator_available(), reason='CPU-only path')
def test_gloo_group_and_ddp_wrapper(monkeypatch):
    monkeypatch.setenv('RANK', '0')
    monkeypatch.setenv('LOCAL_RANK', '0')
    monkeypatch.setenv('WORLD_SIZE', '1')
    monkeypatch.setenv('MASTER_ADDR', '127.0.0.1')
    monkeypatch.setenv('MASTER_PORT', str(free_port()))
    cfg = Config(dict(env_cfg=dict(dist_cfg=dict(backend='nccl'))))
    try:
        assert init_cpu_process_group(cfg, 'pytorch')
        assert dist.is_initialized() and dist.get_backend() == 'gloo'
        assert cfg.env_cfg.dist_cfg.backend == 'gloo'
        assert cfg.model_wrapper_cfg.device_ids is None
        assert not init_cpu_process_group(cfg, 'pytorch')  # already there
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
    assert not init_cpu_process_group(cfg, 'none')


def test_amp_flag_selects_the_device_aware_wrapper():
    cfg = Config(dict(optim_wrapper=dict(optimizer=dict(type='SGD', lr=1))))
    enable_amp(cfg)
    assert cfg.optim_wrapper.type == 'MixedPrecisionOptimWrapper'
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapperDict')))
    with pytest.raises(ValueError, match='--amp'):
        enable_amp(cfg)


@pytest.mark.skipif(accelerator_available(), reason='CPU-only path')
def test_amp_configs_run_on_cpu():
    cfg = Config(dict(optim_wrapper=dict(type='AmpOptimWrapper')))
    adapt_amp_to_device(cfg)
    assert cfg.optim_wrapper.type == 'MixedPrecisionOptimWrapper'


def test_under_launcher(monkeypatch):
    for key in ('TORCHELASTIC_RUN_ID', 'LOCAL_RANK', 'WORLD_SIZE'):
        monkeypatch.delenv(key, raising=False)
    assert not under_launcher()
    monkeypatch.setenv('LOCAL_RANK', '0')
    monkeypatch.setenv('WORLD_SIZE', '1')
    assert not under_launcher()  # one process: nothing to orphan
    monkeypatch.setenv('WORLD_SIZE', '2')
    assert under_launcher()
    monkeypatch.delenv('LOCAL_RANK')
    monkeypatch.setenv('TORCHELASTIC_RUN_ID', 'abc')
    assert under_launcher()


def read_line(fd: int, timeout: float) -> bytes:
    """One line from the pipe, b'' if it closed first."""
    data = b''
    deadline = time.monotonic() + timeout
    while not data.endswith(b'\n'):
        ready, _, _ = select.select([fd], [], [], deadline - time.monotonic())
        assert ready, f'nothing on the pipe within {timeout} s: {data!r}'
        chunk = os.read(fd, 1)
        if not chunk:
            return data
        data += chunk
    return data


def running(pid: int) -> bool:
    """Whether ``pid`` exists and is not a zombie (its new parent may not
    reap it)."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            state = f.read().rsplit(')', 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ('Z', 'X')


@pytest.mark.skipif(
    not sys.platform.startswith('linux'), reason='prctl and /proc: Linux')
@pytest.mark.parametrize('mode', ['prctl', 'poll'])
def test_workers_exit_when_the_launcher_is_killed(mode, tmp_path, tool_env):
    worker, launcher = tmp_path / 'worker.py', tmp_path / 'launcher.py'
    worker.write_text(WORKER)
    launcher.write_text(LAUNCHER)
    read, write = os.pipe()
    proc = subprocess.Popen(
        [sys.executable,
         str(launcher),
         str(worker), mode,
         str(write)],
        pass_fds=(write, ),
        env=dict(tool_env, **LAUNCHER_ENV))
    os.close(write)  # the pipe closes when the worker is gone
    pid = None
    try:
        pid = int(read_line(read, 180))  # the worker imports torch
        assert running(pid)
        proc.kill()  # SIGKILL: nothing forwarded to the worker
        proc.wait(10)
        # EOF once the worker has exited (its end of the pipe closed)
        assert read_line(read, 20) == b'', 'the worker is still running'
        deadline = time.monotonic() + 5
        while running(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not running(pid)
    finally:
        os.close(read)
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        if pid is not None and running(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(
    not sys.platform.startswith('linux'), reason='prctl: Linux')
def test_worker_exits_if_the_launcher_is_already_gone(tool_env):
    # prctl only watches a living parent: a launcher that died before the
    # call shows as another parent, and the worker ends at once
    code = ('import os\n'
            'from usdrl_mm.utils.launch import exit_with_launcher\n'
            'exit_with_launcher(parent=os.getppid() + 1)\n'
            'print("still running")\n')
    proc = subprocess.run([sys.executable, '-c', code],
                          env=dict(tool_env, **LAUNCHER_ENV),
                          capture_output=True,
                          text=True,
                          timeout=180)
    assert proc.returncode == -signal.SIGTERM
    assert 'still running' not in proc.stdout
    assert f'the launcher (pid {os.getpid() + 1}) is gone' in proc.stderr
