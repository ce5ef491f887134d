"""MG-FD training steps under the CPU recipe (``MixedPrecisionOptimWrapper``:
bf16 autocast) against the same steps in fp32."""
import copy

import pytest
import torch
from mmaction.registry import MODELS, OPTIM_WRAPPERS

from usdrl_mm.engine.optim_wrappers.mixed_precision_optim_wrapper import \
    accelerator_available

pytestmark = pytest.mark.skipif(
    accelerator_available(), reason='checks the CPU (bf16) path')


def tiny_mgfd():
    torch.manual_seed(0)
    model = MODELS.build(
        dict(
            type='MGFD',
            backbone=dict(
                type='DSTE', hidden_dim=32, clip_len=16, drop_path=0.1),
            projector=dict(type='MGFDProjector'),
            head=dict(type='MGFDHead')))
    model.init_weights()
    return model


def wrapper(model, mixed):
    """The recipe's optimizer (fused Adam) in fp32 or in the CPU recipe's
    mixed precision."""
    optimizer = torch.optim.Adam(
        model.parameters(), lr=1e-3, weight_decay=1e-5, fused=True)
    kind = 'MixedPrecisionOptimWrapper' if mixed else 'OptimWrapper'
    return OPTIM_WRAPPERS.build(dict(type=kind, optimizer=optimizer))


def run_steps(model, optim, batches):
    """Per step: the loss terms (as the head returned them) and the
    backbone's output dtype."""
    out = []
    for i, data in enumerate(batches):
        torch.manual_seed(100 + i)  # the same DropPath draws in both runs
        with optim.optim_context(model):
            inputs = model.data_preprocessor(data, True)['inputs']
            losses = model.loss(inputs)
            tokens = model.backbone(inputs[:, 0])
        loss = sum(v for k, v in losses.items() if k.startswith('loss'))
        optim.update_params(loss)
        out.append((losses, tokens[0].dtype))
    return out


def test_bf16_steps_keep_fp32_losses_close_to_fp32():
    fp32_model = tiny_mgfd()
    bf16_model = copy.deepcopy(fp32_model)
    gen = torch.Generator().manual_seed(0)
    batches = [
        dict(inputs=[
            torch.randn(4, 2, 16, 25, 3, generator=gen) for _ in range(16)
        ]) for _ in range(4)
    ]
    ref = run_steps(fp32_model, wrapper(fp32_model, False), batches)
    got = run_steps(bf16_model, wrapper(bf16_model, True), batches)
    for step, ((ref_losses, ref_dtype), (losses,
                                         dtype)) in enumerate(zip(ref, got)):
        assert ref_dtype == torch.float32
        assert dtype == torch.bfloat16  # the encoder ran in bf16
        assert set(losses) == set(ref_losses)
        # the first step starts from the same weights; after it the two
        # runs' Adam trajectories drift apart (a few % in 3 steps, about as
        # much as with the previous bf16 layers)
        rtol = 2e-2 if step == 0 else 1e-1
        for name, value in losses.items():
            # the losses are computed in fp32 from fp32 embeddings
            assert value.dtype == torch.float32, name
            assert torch.isfinite(value), name
            assert torch.allclose(
                value, ref_losses[name], rtol=rtol, atol=1e-3), (step, name)
    # the optimizer stepped fp32 master weights
    for name, p in bf16_model.named_parameters():
        assert p.dtype == torch.float32, name
        assert torch.isfinite(p).all(), name
    first = [v for k, v in ref[0][0].items() if k.startswith('loss')]
    last = [v for k, v in got[-1][0].items() if k.startswith('loss')]
    assert sum(last) < sum(first)  # and trained
