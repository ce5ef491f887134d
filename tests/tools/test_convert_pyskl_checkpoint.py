import os
import os.path as osp
import signal
import subprocess
import sys

import pytest
import torch
from mmaction.registry import MODELS
from mmengine.config import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def stgcn():
    cfg = Config.fromfile(
        osp.join(
            REPO, 'configs/baselines/'
            'stgcn_1xb16-joint-u64-10e_synthetic-xsub-keypoint-3d.py'))
    return MODELS.build(cfg.model)


def test_pyskl_head_names_are_mapped_and_load_strictly(tmp_path):
    reference = stgcn()
    state = {
        k.replace('cls_head.fc.', 'cls_head.fc_cls.'):
        torch.randn_like(v) if v.is_floating_point() else v
        for k, v in reference.state_dict().items()
    }
    assert any('fc_cls' in k for k in state)
    src, dst = tmp_path / 'pyskl.pth', tmp_path / 'mm.pth'
    torch.save(dict(state_dict=state, meta=dict(env='pyskl')), src)
    out = subprocess.run([
        sys.executable, 'tools/convert_pyskl_checkpoint.py',
        str(src),
        str(dst)
    ],
                         cwd=REPO,
                         capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    converted = torch.load(dst, weights_only=True)['state_dict']
    model = stgcn()
    model.load_state_dict(converted, strict=True)
    for key, value in state.items():
        new = key.replace('cls_head.fc_cls.', 'cls_head.fc.')
        assert torch.equal(model.state_dict()[new], value)


def test_unreadable_or_foreign_files_are_refused(tmp_path):
    src = tmp_path / 'x.pth'
    torch.save(dict(state_dict={'encoder.w': torch.zeros(2)}), src)
    out = subprocess.run([
        sys.executable, 'tools/convert_pyskl_checkpoint.py',
        str(src),
        str(tmp_path / 'y.pth')
    ],
                         cwd=REPO,
                         capture_output=True,
                         text=True)
    assert out.returncode != 0 and 'recognizer checkpoint' in out.stderr
    torch.save(dict(state_dict={'cls_head.fc_cls.w': subprocess.Popen}), src)
    out = subprocess.run([
        sys.executable, 'tools/convert_pyskl_checkpoint.py',
        str(src),
        str(tmp_path / 'y.pth')
    ],
                         cwd=REPO,
                         capture_output=True,
                         text=True)
    assert out.returncode != 0 and '--unsafe-load' in out.stderr


@pytest.mark.skipif(os.name != 'posix', reason='kills itself with SIGKILL')
def test_killed_conversion_leaves_no_partial_output(killed_in_save, tmp_path):
    src, dst = tmp_path / 'pyskl.pth', tmp_path / 'mm.pth'
    state = {'backbone.w': torch.ones(2), 'cls_head.fc_cls.w': torch.ones(3)}
    torch.save(dict(state_dict=state), src)
    args = ['tools/convert_pyskl_checkpoint.py', str(src), str(dst)]
    out = subprocess.run([sys.executable, '-c', killed_in_save, *args],
                         cwd=REPO,
                         capture_output=True,
                         text=True)
    assert out.returncode == -signal.SIGKILL, out.stderr
    assert not dst.exists()  # the partial file is a temporary beside it
    assert [p.name for p in tmp_path.glob('.mm.pth.*.tmp')]

    # a rerun needs no --force and removes the dead run's temporary
    out = subprocess.run([sys.executable, *args],
                         cwd=REPO,
                         capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr
    converted = torch.load(dst, weights_only=True)['state_dict']
    assert set(converted) == {'backbone.w', 'cls_head.fc.w'}
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ['mm.pth', 'pyskl.pth']  # no temporary left
