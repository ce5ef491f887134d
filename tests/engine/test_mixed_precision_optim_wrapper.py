import pytest
import torch
from mmaction.registry import OPTIM_WRAPPERS

from usdrl_mm.engine.optim_wrappers.mixed_precision_optim_wrapper import \
    accelerator_available

pytestmark = pytest.mark.skipif(
    accelerator_available(), reason='checks the CPU (bf16) path')


def build(model, **kwargs):
    return OPTIM_WRAPPERS.build(
        dict(
            type='MixedPrecisionOptimWrapper',
            optimizer=torch.optim.SGD(model.parameters(), lr=0.1),
            **kwargs))


def test_cpu_path_autocasts_to_bf16_and_trains():
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1))
    wrapper = build(model, loss_scale='dynamic')
    x, y = torch.randn(64, 8), torch.randn(64, 1)
    losses = []
    for _ in range(30):
        with wrapper.optim_context(model):
            out = model(x)
            assert out.dtype == torch.bfloat16
            loss = (out.float() - y).pow(2).mean()
        wrapper.update_params(loss)
        losses.append(loss.item())
    assert all(torch.isfinite(torch.tensor(losses)))
    assert losses[-1] < losses[0]
    state = wrapper.state_dict()
    assert 'loss_scaler' not in state
    state['loss_scaler'] = {'scale': 1024.}  # as written on a GPU
    build(model).load_state_dict(state)


def test_fp16_on_cpu_is_refused():
    with pytest.raises(ValueError, match='bfloat16'):
        build(torch.nn.Linear(2, 2), dtype='float16')
