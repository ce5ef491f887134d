"""usdrl_mm.benchmarks.speed.original: loading the authors' code from a
checkout, their step, and the comparison rows.

The checkout is a fake written here (:func:`write_fake_original`): a tiny
``USDRL`` with the original's constructor and forward signatures and the
two loss functions, so the tests need no copy of the authors' code.
"""
import math
import sys
import textwrap
from pathlib import Path

import pytest
import torch
from mmengine.config import Config

from usdrl_mm.benchmarks.speed import original

TINY = 'configs/usdrl/mgfd_dste-tiny_1xb64-joint-24e_synthetic-' \
       'xsub-keypoint-3d.py'

FAKE_MODEL = '''
import torch
from torch import nn

from .loss import v_ac  # a relative import, as a package file may have


class USDRL(nn.Module):
    """Pools one linear embedding per stream; the original's interface."""

    def __init__(self, t_input_size, s_input_size, hidden_size, num_head,
                 num_layer, modality='joint', alpha=0.5, gap=4,
                 kernel_size=1):
        super().__init__()
        assert modality == 'joint' and callable(v_ac)
        self.t_emb = nn.Linear(t_input_size, hidden_size)
        self.s_emb = nn.Linear(s_input_size, hidden_size)
        self.t_proj = nn.Linear(hidden_size, 2 * hidden_size)
        self.s_proj = nn.Linear(hidden_size, 2 * hidden_size)
        self.i_proj = nn.Linear(2 * hidden_size, 4 * hidden_size)
        self.shapes = []

    def one_view(self, x):
        n, c, t, v, m = x.shape
        self.shapes.append(tuple(x.shape))
        y_t = self.t_emb(x.permute(0, 2, 4, 3, 1).reshape(n, t, m * v * c))
        y_s = self.s_emb(x.permute(0, 4, 3, 2, 1).reshape(n, m * v, t * c))
        y_t, y_s = y_t.amax(dim=1), y_s.amax(dim=1)
        return (self.t_proj(y_t), self.s_proj(y_s),
                self.i_proj(torch.cat([y_t, y_s], dim=-1)))

    def forward(self, data_v1, data_v2, data_v3, data_v4):
        outs = [self.one_view(x) for x in (data_v1, data_v2, data_v3,
                                           data_v4)]
        return tuple([o[g] for o in outs] for g in range(3))
'''

FAKE_LOSS = '''
import torch


def similarity(z_list, criterion):
    anchor = z_list[-1]
    centre = sum(z_list[:-1]) / (len(z_list) - 1)
    return sum(criterion(z, anchor) + criterion(z, centre)
               for z in z_list[:-1])


def v_ac(x):
    z = x - x.mean(dim=0)
    cov = z.T @ z / (x.shape[0] - 1)
    std = torch.sqrt(x.var(dim=0) + 1e-4)
    return torch.relu(1 - std).mean() + (cov - torch.diag(cov.diagonal())
                                         ).pow(2).sum() / x.shape[1]
'''


def write_fake_original(root: Path, model: bool = True) -> Path:
    """A fake original checkout under ``root``: ``model/DSTE.py`` (unless
    ``model`` is False) and ``model/loss.py``."""
    (root / 'model').mkdir(parents=True, exist_ok=True)
    if model:
        (root / 'model' / 'DSTE.py').write_text(textwrap.dedent(FAKE_MODEL))
    (root / 'model' / 'loss.py').write_text(textwrap.dedent(FAKE_LOSS))
    return root


def test_loads_under_private_names(tmp_path):
    before = sys.modules.get('model')
    code = original.load_original(str(write_fake_original(tmp_path)))
    assert code.model_class.__module__.startswith('_usdrl_original_')
    assert code.similarity.__module__.startswith('_usdrl_original_')
    assert sys.modules.get('model') is before  # no top-level 'model'
    assert code.cal_xc is None  # not in the fake
    # the same checkout is imported once
    assert original.load_original(str(tmp_path)).model_class is \
        code.model_class


def test_missing_files_are_named(tmp_path):
    write_fake_original(tmp_path, model=False)
    with pytest.raises(FileNotFoundError) as e:
        original.load_original(str(tmp_path))
    assert str(tmp_path / 'model' / 'DSTE.py') in str(e.value)
    assert 'loss.py' not in str(e.value).split('; ')[0]  # it exists
    with pytest.raises(FileNotFoundError, match='no such directory'):
        original.load_original(str(tmp_path / 'nothing'))


def test_missing_names_are_named(tmp_path):
    write_fake_original(tmp_path)
    (tmp_path / 'model' / 'loss.py').write_text('def v_ac(x):\n    return x\n')
    with pytest.raises(ImportError, match=r'loss\.py has no similarity'):
        original.load_original(str(tmp_path))


def test_views_are_the_originals_layout():
    n, k, m, t, v, c = 2, 4, 2, 5, 3, 3
    inputs = torch.randn(n, k, m, t, v, c)
    views = original.original_views(inputs)
    assert len(views) == k
    for i, view in enumerate(views):
        assert view.shape == (n, c, t, v, m) and view.is_contiguous()
        # (N, C, T, V, M)[n, c, t, v, m] == (N, K, M, T, V, C)[n, k, m, t,
        # v, c]
        assert view[1, 2, 4, 0, 1] == inputs[1, i, 1, 4, 0, 2]
        assert torch.equal(view.permute(0, 4, 2, 3, 1), inputs[:, i])


def test_the_original_loss_weighs_grains_and_terms(tmp_path):
    code = original.load_original(str(write_fake_original(tmp_path)))
    torch.manual_seed(0)
    z = {g: [torch.randn(6, 4) for _ in range(4)] for g in 'tsi'}
    loss = original.original_loss(code, z['t'], z['s'], z['i'])
    mse = torch.nn.MSELoss()
    sim = {g: code.similarity(z[g], mse) for g in 'tsi'}
    vac = {g: sum(code.v_ac(x) for x in z[g]) for g in 'tsi'}
    expected = 5 * (sim['i'] + 0.5 * (sim['t'] + sim['s'])) + \
        (vac['i'] + 0.5 * (vac['t'] + vac['s']))
    assert math.isclose(loss.item(), expected.item(), rel_tol=1e-6)


def test_the_original_step_trains_on_the_views(tmp_path):
    code = original.load_original(str(write_fake_original(tmp_path)))
    cfg = Config.fromfile(TINY)
    kwargs = original.original_model_kwargs(cfg, 8)
    assert kwargs['t_input_size'] == 2 * 25 * 3  # M * V * C
    assert kwargs['s_input_size'] == 64 * 3  # T * C
    inputs = torch.randn(3, 4, 2, 64, 25, 3)
    step = original.OriginalStep(code, kwargs, inputs)
    before = [p.detach().clone() for p in step.model.parameters()]
    step()
    assert step.model.shapes == [(3, 3, 64, 25, 2)] * 4
    assert all(not torch.equal(b, p)
               for b, p in zip(before, step.model.parameters()))
    assert step.precision == 'fp32'
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match='needs a GPU'):
            original.OriginalStep(code, kwargs, inputs, 'fp16-autocast')


def test_hard_coded_token_counts_are_refused():

    class Layer(torch.nn.Module):

        def __init__(self, tokens):
            super().__init__()
            self.DSA = torch.nn.Module()
            self.DSA.wt1 = torch.nn.Linear(tokens, tokens)

    model = torch.nn.Module()
    model.backbone = torch.nn.Module()
    model.backbone.spe = torch.nn.Parameter(torch.zeros(1, 34, 4))
    model.backbone.t_tr = Layer(64)
    model.backbone.s_tr = Layer(34)
    original.check_token_counts(model, (2, 64, 17, 3), 'x')  # fits
    with pytest.raises(ValueError) as e:
        original.check_token_counts(model, (2, 64, 25, 3), 'DSTE.py')
    assert 'backbone.spe has 34 spatial tokens' in str(e.value)
    assert 'backbone.s_tr.DSA.wt1 has 34' in str(e.value)
    assert 't_tr' not in str(e.value)  # 64 frames fit
    assert original.TOKENS_34_CONFIG in str(e.value)


def test_only_mgfd_dste_configs():
    cfg = Config.fromfile(TINY)
    assert original.check_config(cfg) == 'joint'
    cfg.model.backbone.type = 'STTR'
    with pytest.raises(ValueError, match='DSTE'):
        original.check_config(cfg)


def test_the_plain_variant_keeps_the_optimizer():
    cfg = Config.fromfile(TINY)
    cfg.optim_wrapper.type = 'MixedPrecisionOptimWrapper'
    cfg.optim_wrapper.loss_scale = 'dynamic'
    plain = original.usdrl_mm_config(cfg, 8, plain=True)
    recipe = original.usdrl_mm_config(cfg, 8, plain=False)
    assert plain.optim_wrapper.type == 'OptimWrapper'
    assert 'loss_scale' not in plain.optim_wrapper
    assert plain.optim_wrapper.optimizer == cfg.optim_wrapper.optimizer
    assert recipe.optim_wrapper == cfg.optim_wrapper
    assert plain.model.backbone.hidden_dim == 8
    assert cfg.model.backbone.hidden_dim == 64  # not modified
