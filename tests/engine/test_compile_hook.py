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
