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
