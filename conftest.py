"""Shared pytest fixtures for tests/ and projects/*/tests."""
import os
import os.path as osp
import sys

import pytest

REPO_ROOT = osp.dirname(osp.abspath(__file__))
if REPO_ROOT not in sys.path:  # usdrl_mm and projects.* from a fresh clone
    sys.path.insert(0, REPO_ROOT)

from mmengine.registry import init_default_scope  # noqa: E402

import usdrl_mm  # noqa: E402,F401  registers modules, checkpoint allow-list


@pytest.fixture(autouse=True)
def mmaction_scope():
    """Build from MMAction2's registries, as configs do with
    default_scope='mmaction' (a Runner in an earlier test may have switched
    the default scope)."""
    init_default_scope('mmaction')


@pytest.fixture(scope='session')
def repo_root() -> str:
    return REPO_ROOT


@pytest.fixture(scope='session')
def synthetic_data(tmp_path_factory) -> dict:
    """A small synthetic dataset written once per test session."""
    from usdrl_mm.datasets.synthetic import write_synthetic_dataset
    out = tmp_path_factory.mktemp('synthetic')
    return write_synthetic_dataset(
        str(out),
        seed=0,
        num_classes=4,
        num_subjects=6,
        num_reps=1,
        num_sequences=4)


@pytest.fixture(scope='session')
def tool_env() -> dict:
    """Environment for subprocess calls of tools/*.py: the repo on the
    path."""
    env = dict(os.environ)
    env['PYTHONPATH'] = REPO_ROOT + os.pathsep + env.get('PYTHONPATH', '')
    return env


@pytest.fixture(scope='session')
def run_tool(tool_env):
    """``run_tool(['tools/train.py', ...])`` runs a tool with this python
    from the repo root, asserts it succeeded (showing the end of its output
    otherwise) and returns stdout + stderr."""
    import subprocess

    def run(args, timeout: int = 600) -> str:
        proc = subprocess.run([sys.executable, *args],
                              cwd=REPO_ROOT,
                              env=tool_env,
                              capture_output=True,
                              text=True,
                              timeout=timeout)
        out = proc.stdout + proc.stderr
        assert proc.returncode == 0, out[-3000:]
        return out

    return run


@pytest.fixture(scope='session')
def loader_options():
    """``--cfg-options`` that point the given dataloaders of a config at an
    annotation file with ``classes`` classes, in-process (no workers)."""

    def options(ann, classes, loaders=('train', 'val', 'test'), **extra):
        opts = []
        for loader in loaders:
            opts += [
                f'{loader}_dataloader.dataset.ann_file={ann}',
                f'{loader}_dataloader.dataset.num_classes={classes}',
                f'{loader}_dataloader.num_workers=0',
                f'{loader}_dataloader.persistent_workers=False'
            ]
            opts += [f'{loader}_dataloader.{k}={v}' for k, v in extra.items()]
        return opts

    return options


@pytest.fixture(scope='session')
def killed_in_save() -> str:
    """A ``python -c`` script that runs the tool ``argv[1:]`` with a
    ``torch.save`` that writes part of the file and then SIGKILLs the
    process, as ``kill -9`` during a save would."""
    return """
import os, runpy, signal, sys
import torch

def save(obj, f, *args, **kwargs):
    if isinstance(f, (str, os.PathLike)):
        f = open(f, 'wb')
    f.write(b'PK partial')
    f.flush()
    os.kill(os.getpid(), signal.SIGKILL)

torch.save = save
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name='__main__')
"""
