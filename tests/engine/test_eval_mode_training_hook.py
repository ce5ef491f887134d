from types import SimpleNamespace

import torch
from torch import nn

from usdrl_mm.engine import EvalModeTrainingHook


def test_the_model_trains_in_eval_mode():
    model = nn.Sequential(nn.Linear(4, 4), nn.BatchNorm1d(4), nn.Dropout(0.5))
    runner = SimpleNamespace(model=model)
    model.train()  # what the loop does at the start of an epoch
    EvalModeTrainingHook().before_train_iter(runner, 0)
    assert not any(m.training for m in model.modules())
    # parameters still learn: eval mode only changes the layers' behaviour
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
    before = model[0].weight.detach().clone()
    model(torch.randn(8, 4)).sum().backward()
    optimizer.step()
    assert not torch.equal(model[0].weight, before)
    stats = model[1].running_mean.clone()
    model(torch.randn(8, 4) + 5)
    assert torch.equal(model[1].running_mean, stats)  # BN statistics kept
