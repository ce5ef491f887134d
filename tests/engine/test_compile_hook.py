from types import SimpleNamespace

import pytest
import torch
from mmengine.logging import MMLogger

from usdrl_mm.engine import CompileModulesHook
from usdrl_mm.models import DSTE


class Model(torch.nn.Module):

    def __init__(self) -> None:
        super().__init__()
        self.backbone = DSTE(hidden_dim=8, clip_len=8, num_layers=1)
        self.head = torch.nn.Linear(16, 2)


def runner_of(model):
    return SimpleNamespace(
        model=model, logger=MMLogger.get_instance('compile_test'))


def test_compiles_the_named_module_in_place():
    model = Model()
    keys = list(model.state_dict())
    CompileModulesHook(modules=['backbone']).before_train(runner_of(model))
    assert model.backbone._compiled_call_impl is not None
    assert getattr(model.head, '_compiled_call_impl', None) is None
    # in place: checkpoints keep the eager key names
    assert list(model.state_dict()) == keys


def test_unknown_module_is_named():
    with pytest.raises(AttributeError, match='neck'):
        CompileModulesHook(modules=['neck']).before_train(runner_of(Model()))


@pytest.mark.slow
def test_compiled_backbone_trains_and_matches_eager():
    torch.manual_seed(0)
    model = Model()
    model.backbone.init_weights()
    x = torch.randn(2, 2, 8, 25, 3)
    model.eval()
    eager = model.backbone(x)[0]
    CompileModulesHook(modules=['backbone']).before_train(runner_of(model))
    assert torch.allclose(model.backbone(x)[0], eager, atol=1e-5)
    model.train()
    optim = torch.optim.Adam(model.parameters(), lr=1e-3)
    for _ in range(3):
        yt, ys = model.backbone(x)
        loss = yt.pow(2).mean() + ys.pow(2).mean()
        optim.zero_grad()
        loss.backward()
        optim.step()
        assert torch.isfinite(loss)


@pytest.fixture
def counted_compile(monkeypatch):
    """``nn.Module.compile`` replaced by a call counter (nothing compiles)
    that, like a torch without the private ``_compiled_call_impl``, leaves
    no trace on the module."""
    calls = []
    monkeypatch.setattr(torch.nn.Module, 'compile',
                        lambda module, **kwargs: calls.append(module))
    return calls


def test_compiles_once_without_the_private_attribute(monkeypatch,
                                                     counted_compile):
    # a torch whose Module has no `_compiled_call_impl` at all
    monkeypatch.delattr(torch.nn.Module, '_compiled_call_impl')
    model = Model()
    assert not CompileModulesHook.is_compiled(model.backbone)
    hook = CompileModulesHook(modules=['backbone'])
    hook.before_train(runner_of(model))
    hook.before_test(runner_of(model))  # test after train: no second compile
    assert counted_compile == [model.backbone]


def test_skips_a_module_compiled_elsewhere(monkeypatch, counted_compile):
    model = Model()
    # what nn.Module.compile leaves behind
    monkeypatch.setattr(
        model.backbone, '_compiled_call_impl', object(), raising=False)
    assert CompileModulesHook.is_compiled(model.backbone)
    CompileModulesHook(modules=['backbone', 'head']).before_train(
        runner_of(model))
    assert counted_compile == [model.head]
