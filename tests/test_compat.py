import subprocess
import sys

import pytest
import torch
from mmengine.model import BaseModel
from mmengine.runner import Runner
from torch.utils.data import DataLoader

from usdrl_mm import _compat


class ToyModel(BaseModel):

    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.fc(inputs)
        return dict(loss=out.pow(2).mean()) if mode == 'loss' else out


def runner_checkpoint(tmp_path) -> str:
    loader = DataLoader(
        torch.randn(8, 2),
        batch_size=4,
        collate_fn=lambda b: dict(inputs=torch.stack(b)))
    runner = Runner(
        model=ToyModel(),
        work_dir=str(tmp_path),
        train_dataloader=loader,
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
        train_cfg=dict(by_epoch=True, max_epochs=1),
        default_hooks=dict(checkpoint=dict(type='CheckpointHook', interval=1)),
        default_scope='mmengine')
    runner.train()
    return str(tmp_path / 'epoch_1.pth')


def test_runner_checkpoint_loads_with_weights_only(tmp_path):
    path = runner_checkpoint(tmp_path)
    ckpt = torch.load(path, map_location='cpu', weights_only=True)
    assert 'message_hub' in ckpt and 'state_dict' in ckpt
    allowed = {
        getattr(g, '__module__', '') + '.' + getattr(g, '__name__', '')
        for g in _compat.mmengine_checkpoint_globals()
        if not isinstance(g, tuple)
    }
    allowed |= {
        name
        for g in _compat.mmengine_checkpoint_globals() if isinstance(g, tuple)
        for name in [g[1]]
    }
    unsafe = set(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    assert unsafe <= allowed, unsafe - allowed

    # without the allow-list (a fresh interpreter without usdrl_mm) the same
    # file is refused: the fix is what makes it load
    code = ('import torch, sys\n'
            'try:\n'
            f'    torch.load({path!r}, weights_only=True)\n'
            'except Exception as e:\n'
            '    sys.exit(3)\n')
    assert subprocess.run([sys.executable, '-c', code]).returncode == 3


def test_unrelated_globals_stay_blocked(tmp_path):
    path = tmp_path / 'evil.pth'
    torch.save(dict(obj=subprocess.Popen), path)  # a class no one allowed
    try:
        torch.load(path, weights_only=True)
    except Exception as err:  # UnpicklingError
        assert 'Popen' in str(err)
    else:
        raise AssertionError('weights_only loading accepted a foreign global')


def test_getattr_stand_in_only_serves_history_buffer_methods():
    import pickle

    import numpy as np
    import pytest
    from mmengine.logging import HistoryBuffer
    assert _compat.history_buffer_getattr(HistoryBuffer, 'mean') is \
        HistoryBuffer.mean
    for obj, name in [(HistoryBuffer, '__init__'), (np.ndarray, 'tofile'),
                      (HistoryBuffer, '_set_default_statistics')]:
        with pytest.raises(pickle.UnpicklingError):
            _compat.history_buffer_getattr(obj, name)


def test_torch_without_weights_only_loading_is_refused():
    """torch < 2.6 unpickles checkpoints fully: importing is refused."""
    for old in ('2.5.1+cpu', '2.1.0', '1.13.1'):
        with pytest.raises(ImportError, match='torch >= 2.6'):
            _compat.require_safe_torch(old)
    for new in ('2.6.0', '2.13.0+cpu', '2.10.0a0+git1234', '3.0.0'):
        _compat.require_safe_torch(new)
