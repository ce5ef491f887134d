"""usdrl_mm installed from its wheel, driven by ``mim`` as MMAction2 is.

Run by ``.ci/check_wheel`` in an environment made with
``INSTALL=wheel tools/setup_env.sh`` and from a folder outside the checkout,
so that ``import usdrl_mm`` and every config and tool come from the
installed package. Not part of the default suite (it needs that
environment); it lives outside ``tests/`` so the README's test command never
collects it.
"""
import os
import os.path as osp
import subprocess
import sys
from typing import List

import pytest

PRETRAIN = 'mgfd_dste-tiny_1xb64-joint-24e_synthetic-xsub-keypoint-3d.py'
LINEAR = 'dste-tiny-linear_1xb64-joint-20e_synthetic-xsub-keypoint-3d.py'


def run(args: List[str], cwd: str) -> str:
    """Run a command; fail with its output when it fails."""
    done = subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        env=dict(os.environ, OMP_NUM_THREADS='1'))
    output = done.stdout + done.stderr
    assert done.returncode == 0, f'{" ".join(args)} failed:\n{output[-4000:]}'
    return output


@pytest.fixture(scope='module')
def package_dir() -> str:
    import usdrl_mm
    path = osp.dirname(usdrl_mm.__file__)
    assert 'site-packages' in path, (
        f'usdrl_mm comes from {path}, not from an installed wheel: run '
        '.ci/check_wheel')
    return path


@pytest.fixture(scope='module')
def work(tmp_path_factory, package_dir) -> str:
    """A user's folder with the synthetic data, written by the packaged
    generator."""
    root = str(tmp_path_factory.mktemp('user'))
    tool = osp.join(package_dir, '.mim', 'tools', 'data',
                    'generate_synthetic.py')
    run([sys.executable, tool, '--out', 'data/synthetic', '--seed', '0'], root)
    return root


def test_package_carries_configs_tools_and_index(package_dir):
    mim = osp.join(package_dir, '.mim')
    for name in ('model-index.yml', 'tools/train.py', 'tools/test.py',
                 f'configs/usdrl/{PRETRAIN}',
                 f'configs/usdrl/benchmarks/{LINEAR}',
                 'configs/usdrl/metafile.yml'):
        assert osp.isfile(osp.join(mim, name)), name
        assert not osp.islink(osp.join(mim, name)), name


def test_mim_search_lists_the_configs(work):
    out = run(['mim', 'search', 'usdrl_mm'], work)
    for name in (PRETRAIN, LINEAR):
        assert name[:-3] in out, out[-2000:]


def test_mim_train_then_test(work):
    run([
        'mim', 'train', 'usdrl_mm', PRETRAIN, '--work-dir', 'pretrain',
        '--cfg-options', 'train_cfg.max_epochs=1'
    ], work)
    pretrained = osp.join(work, 'pretrain', 'epoch_1.pth')
    assert osp.isfile(pretrained)
    run([
        'mim', 'train', 'usdrl_mm', LINEAR, '--work-dir', 'linear',
        '--cfg-options', 'train_cfg.max_epochs=1',
        f'model.backbone.init_cfg.checkpoint={pretrained}'
    ], work)
    linear = osp.join(work, 'linear', 'epoch_1.pth')
    assert osp.isfile(linear)
    out = run([
        'mim', 'test', 'usdrl_mm', LINEAR, '--checkpoint', linear,
        '--work-dir', 'linear_test'
    ], work)
    assert 'acc/top1' in out, out[-2000:]
