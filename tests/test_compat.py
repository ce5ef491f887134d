import logging
import subprocess
import sys
import uuid

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


# --------------------------------------------------------------------------
# shims: predicates, not firing when not needed, firing and fixing


@pytest.fixture
def fresh_shims(monkeypatch):
    """No shim has fired yet; the real record is restored afterwards."""
    monkeypatch.setattr(_compat, 'APPLIED', set())


def shim_logs(caplog):
    return [
        r.getMessage() for r in caplog.records
        if r.name == 'usdrl_mm._compat' and r.levelno == logging.DEBUG
    ]


def test_release_ignores_pre_release_and_local_parts():
    assert _compat.release('2.13.0+cpu') == (2, 13, 0)
    assert _compat.release('2.10.0a0+git1234') == (2, 10, 0)
    assert _compat.release('1.2.0rc1') == (1, 2, 0)
    assert _compat.release(None) == ()
    assert _compat.release('not a version') == ()


def test_version_predicates():
    allow_list = _compat.needs_checkpoint_allow_list
    assert [allow_list(v) for v in ('2.5.1+cpu', '2.6.0', '2.13.0+cpu')] \
        == [False, True, True]
    drn = _compat.needs_drn_stub
    assert [drn(v) for v in ('1.0.0', '1.1.0', '1.2.0', '1.2.1', None)] \
        == [False, False, True, True, False]
    index = _compat.needs_model_index_fix
    assert [index(v) for v in ('1.0.0', '1.1.0', '1.2.0', '1.3.0', None)] \
        == [True, True, False, False, False]


def test_import_applied_the_shims_the_installed_versions_need():
    from mmengine.config import utils
    version = _compat.mmaction_version()
    wrapped = hasattr(utils._get_cfg_metainfo, '__wrapped__')
    assert wrapped == (_compat.MODEL_INDEX in _compat.APPLIED)
    assert (_compat.MISSING_DRN in _compat.APPLIED) == \
        ('mmaction.models.localizers.drn' in sys.modules)
    if version == '1.1.0':  # the pinned stack
        assert wrapped
        assert _compat.MISSING_DRN not in _compat.APPLIED
    assert _compat.ALLOW_LIST in _compat.APPLIED  # torch >= 2.6 only


# torch >= 2.6: the allow-list


@pytest.fixture
def recorded_allow_list(monkeypatch):
    calls = []
    monkeypatch.setattr(torch.serialization, 'get_safe_globals', lambda: [])
    monkeypatch.setattr(torch.serialization, 'add_safe_globals',
                        lambda entries: calls.append(list(entries)))
    return calls


def test_allow_list_is_not_extended_on_old_torch(monkeypatch, fresh_shims,
                                                 recorded_allow_list):
    monkeypatch.setattr(_compat, 'torch_version', lambda: '2.5.1')
    assert not _compat.allow_mmengine_checkpoints()
    assert recorded_allow_list == []


def test_allow_list_is_extended_once_with_a_debug_log(fresh_shims, caplog,
                                                      recorded_allow_list):
    caplog.set_level(logging.DEBUG, logger='usdrl_mm._compat')
    assert _compat.allow_mmengine_checkpoints()
    assert not _compat.allow_mmengine_checkpoints()
    assert len(recorded_allow_list) == 1
    assert recorded_allow_list[0] == _compat.mmengine_checkpoint_globals()
    logs = shim_logs(caplog)
    assert len(logs) == 1 and _compat.ALLOW_LIST in logs[0]


def test_allow_list_entries_are_registered_once(fresh_shims):
    from mmengine.logging import HistoryBuffer

    # import registered them: a second run (a reload) adds nothing
    assert not _compat.allow_mmengine_checkpoints()
    registered = torch.serialization.get_safe_globals()
    assert sum(g is HistoryBuffer for g in registered) == 1


# mmaction2 >= 1.2.0: the missing drn/ folder


def fake_mmaction(root, name: str, version: str, with_drn: bool) -> str:
    """An mmaction-shaped package whose localizers import ``.drn.drn``."""
    localizers = root / name / 'models' / 'localizers'
    localizers.mkdir(parents=True)
    (root / name / '__init__.py').write_text(f'__version__ = {version!r}\n')
    (root / name / 'models' /
     '__init__.py').write_text('from . import localizers\n')
    (localizers / '__init__.py').write_text('from .drn.drn import DRN\n')
    if with_drn:
        (localizers / 'drn').mkdir()
        (localizers / 'drn' / '__init__.py').write_text('')
        (localizers / 'drn' / 'drn.py').write_text('DRN = "real"\n')
    return name


@pytest.fixture
def fake_package(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    name = f'fake_mma_{uuid.uuid4().hex[:8]}'
    yield lambda *args, **kwargs: fake_mmaction(tmp_path, name, *args, **kwargs
                                                )
    for key in [k for k in sys.modules if k.split('.')[0] == name]:
        del sys.modules[key]


def test_drn_stub_fires_on_1_2_and_fixes_the_import(fresh_shims, caplog,
                                                    fake_package):
    import importlib
    caplog.set_level(logging.DEBUG, logger='usdrl_mm._compat')
    name = fake_package('1.2.0', with_drn=False)
    with pytest.raises(ModuleNotFoundError, match='drn'):
        importlib.import_module(f'{name}.models')
    assert _compat.stub_missing_drn(name)
    assert importlib.import_module(f'{name}.models').localizers.DRN is None
    assert not _compat.stub_missing_drn(name)  # once
    logs = shim_logs(caplog)
    assert len(logs) == 1 and _compat.MISSING_DRN in logs[0]


@pytest.mark.parametrize('version,with_drn', [('1.1.0', False),
                                              ('1.2.0', True)])
def test_drn_stub_does_not_fire_when_not_needed(fresh_shims, fake_package,
                                                version, with_drn):
    import importlib
    name = fake_package(version, with_drn=with_drn)
    assert not _compat.stub_missing_drn(name)
    assert f'{name}.models.localizers.drn' not in sys.modules
    if with_drn:  # the real module, not a stub
        assert importlib.import_module(f'{name}.models').localizers.DRN == \
            'real'


def test_drn_stub_does_not_fire_on_the_pinned_mmaction(fresh_shims):
    if _compat.needs_drn_stub(_compat.mmaction_version()):
        pytest.skip('mmaction2 >= 1.2.0 is installed')
    assert not _compat.stub_missing_drn()
    assert 'mmaction.models.localizers.drn' not in sys.modules


# mmaction2 < 1.2.0: the model index with a list-valued Config


@pytest.fixture
def unpatched_lookup(monkeypatch, fresh_shims):
    """mmengine's own ``_get_cfg_metainfo``, as before ``import usdrl_mm``."""
    from mmengine.config import utils
    lookup = utils._get_cfg_metainfo
    original = getattr(lookup, '__wrapped__', lookup)
    monkeypatch.setattr(utils, '_get_cfg_metainfo', original)
    return original


@pytest.fixture
def fake_indexed_package(tmp_path, monkeypatch):
    """A package with 1.1.0's kind of model index (one list ``Config``),
    loadable as ``<name>::base/base.py``."""
    from mmengine.config import utils
    name = f'fake_idx_{uuid.uuid4().hex[:8]}'
    mim = tmp_path / name / '.mim'
    (mim / 'configs' / 'base').mkdir(parents=True)
    (tmp_path / name / '__init__.py').write_text("__version__ = '1.1.0'\n")
    (mim / 'model-index.yml').write_text('Import:\n  - meta.yml\n')
    (mim / 'meta.yml').write_text(
        'Models:\n  - Name: bsn\n    Config:\n      - a.py\n      - b.py\n')
    (mim / 'configs' / 'base' / 'base.py').write_text('answer = 42\n')
    (tmp_path / 'child.py').write_text(f"_base_ = '{name}::base/base.py'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(utils.MODULE2PACKAGE, name, name)
    yield name, str(tmp_path / 'child.py')
    sys.modules.pop(name, None)


def test_model_index_fix_fires_on_1_1_and_fixes_base_configs(
        unpatched_lookup, fake_indexed_package, caplog):
    from mmengine.config import Config, utils
    caplog.set_level(logging.DEBUG, logger='usdrl_mm._compat')
    name, child = fake_indexed_package
    with pytest.raises(AttributeError, match='partition'):
        Config.fromfile(child)
    assert _compat.tolerate_list_configs_in_model_index(name)
    assert Config.fromfile(child).answer == 42
    assert utils._get_cfg_metainfo.__wrapped__ is unpatched_lookup
    assert not _compat.tolerate_list_configs_in_model_index(name)  # once
    logs = shim_logs(caplog)
    assert len(logs) == 1 and _compat.MODEL_INDEX in logs[0]


def test_model_index_fix_reads_mmaction_base_configs(unpatched_lookup):
    from mmengine.config import Config
    if not _compat.needs_model_index_fix(_compat.mmaction_version()):
        pytest.skip('the installed mmaction2 has a well-formed index')
    base = 'mmaction::skeleton/stgcn/' \
        'stgcn_8xb16-joint-u100-80e_ntu60-xsub-keypoint-3d.py'
    with pytest.raises(AttributeError):
        Config._get_cfg_path(base, __file__)
    assert _compat.tolerate_list_configs_in_model_index()
    path, scope = Config._get_cfg_path(base, __file__)
    assert scope == 'mmaction' and path.endswith(base.split('::')[1])


def test_model_index_fix_does_not_fire_on_1_2(monkeypatch, unpatched_lookup,
                                              fake_indexed_package):
    from mmengine.config import utils
    name, _ = fake_indexed_package
    monkeypatch.setattr(_compat, 'package_version', lambda package: '1.2.0')
    assert not _compat.tolerate_list_configs_in_model_index(name)
    assert utils._get_cfg_metainfo is unpatched_lookup


def test_model_index_fix_does_not_fire_without_the_symptom(
        monkeypatch, fresh_shims, fake_indexed_package):
    from mmengine.config import utils
    name, _ = fake_indexed_package

    def fixed_lookup(package_path, cfg_path):  # a future mmengine
        raise ValueError(f'{cfg_path} is not in the index')

    monkeypatch.setattr(utils, '_get_cfg_metainfo', fixed_lookup)
    assert not _compat.tolerate_list_configs_in_model_index(name)
    assert utils._get_cfg_metainfo is fixed_lookup


def test_model_index_fix_skips_an_mmengine_without_the_private_lookup(
        monkeypatch, fresh_shims, fake_indexed_package):
    from mmengine.config import utils
    name, _ = fake_indexed_package
    monkeypatch.delattr(utils, '_get_cfg_metainfo')
    assert not _compat.tolerate_list_configs_in_model_index(name)
    assert not hasattr(utils, '_get_cfg_metainfo')
