"""usdrl_mm.benchmarks.speed.precision: what a step runs in, read from the
built optim wrapper."""
import pytest
import torch
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from usdrl_mm.benchmarks.speed.precision import (inference_context,
                                                 inference_precision,
                                                 optim_wrapper_precision)
from usdrl_mm.benchmarks.speed.steps import build_training
from usdrl_mm.engine.optim_wrappers.mixed_precision_optim_wrapper import \
    accelerator_available

TINY = 'configs/usdrl/mgfd_dste-tiny_1xb64-joint-24e_synthetic-' \
       'xsub-keypoint-3d.py'
CPU = torch.device('cpu')


def wrapper(**cfg):
    return build_optim_wrapper(
        torch.nn.Linear(2, 2), dict(optimizer=dict(type='SGD', lr=0.1), **cfg))


def test_a_plain_wrapper_is_fp32():
    assert optim_wrapper_precision(wrapper(type='OptimWrapper'), CPU) == \
        'fp32'


@pytest.mark.skipif(accelerator_available(), reason='CPU-only machine')
def test_the_mixed_precision_wrapper_is_bf16_on_a_cpu():
    built = wrapper(type='MixedPrecisionOptimWrapper')
    assert optim_wrapper_precision(built, CPU) == 'bf16-autocast'


@pytest.mark.skipif(not torch.cuda.is_available(), reason='needs a GPU')
def test_the_mixed_precision_wrapper_on_a_gpu():
    gpu = torch.device('cuda')
    built = wrapper(type='MixedPrecisionOptimWrapper')
    assert optim_wrapper_precision(built, gpu) == 'fp16-autocast'
    # the autocast is the GPU's: a model on the CPU is not touched by it
    assert optim_wrapper_precision(built, CPU) == 'fp32'
    built = wrapper(type='MixedPrecisionOptimWrapper', dtype='bfloat16')
    assert optim_wrapper_precision(built, gpu) == 'bf16-autocast'


@pytest.mark.parametrize('options, amp',
                         [({}, False), ({}, True),
                          ({
                              'optim_wrapper.type': 'AmpOptimWrapper'
                          }, False)])
def test_training_precision_of_the_tiny_config(options, amp):
    cfg = Config.fromfile(TINY)
    cfg.merge_from_dict(options)
    device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    _, built, precision = build_training(cfg, device, amp=amp)
    mixed = amp or bool(options)
    if not mixed:
        assert precision == 'fp32'
    elif device.type == 'cuda':
        assert precision == 'fp16-autocast'
    else:  # an AmpOptimWrapper config runs bf16 on a CPU without --amp
        assert precision == 'bf16-autocast'
    assert cfg.optim_wrapper.type == (options.get('optim_wrapper.type')
                                      or 'OptimWrapper')  # not modified


def test_inference_precision_matches_its_autocast():
    assert inference_precision(CPU, False) == 'fp32'
    assert inference_precision(CPU, True) == 'bf16-autocast'
    x = torch.randn(2, 3)
    layer = torch.nn.Linear(3, 3)
    with inference_context(CPU, True):
        y = layer(x)
    assert y.dtype == torch.bfloat16 and not y.requires_grad
    with inference_context(CPU, False):
        assert layer(x).dtype == torch.float32
