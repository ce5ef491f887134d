"""The arithmetic a measured step actually runs in, named exactly:
``'fp32'``, ``'bf16-autocast'``, ``'fp16-autocast'`` (and ``'fp16'``,
``'bf16'``, ``'fp64'`` for tensors of that type without autocast).

A training step's precision is read from its *built* optim wrapper, not
from a flag: mmengine's ``AmpOptimWrapper`` and usdrl_mm's
``MixedPrecisionOptimWrapper`` autocast the forward pass (to ``cast_dtype``,
or to the device's autocast default when it is ``None``: fp16 on a GPU), and
the latter does so in bf16 on a CPU-only machine, so a config whose
``optim_wrapper.type`` is mixed precision runs bf16 on a CPU even without
``--amp``.
"""
import contextlib
from typing import ContextManager

import torch
from mmengine.device import get_device
from mmengine.optim import AmpOptimWrapper

_NAMES = {
    torch.float32: 'fp32',
    torch.float16: 'fp16',
    torch.bfloat16: 'bf16',
    torch.float64: 'fp64',
}


def dtype_name(dtype: torch.dtype) -> str:
    """``'fp32'``, ``'fp16'``, ``'bf16'`` or ``'fp64'``; else torch's name."""
    return _NAMES.get(dtype, str(dtype).replace('torch.', ''))


def default_autocast_dtype(device_type: str) -> torch.dtype:
    """What ``torch.autocast(device_type)`` casts to without a dtype."""
    if hasattr(torch, 'get_autocast_dtype'):  # torch >= 2.4
        return torch.get_autocast_dtype(device_type)
    if device_type == 'cpu':
        return torch.get_autocast_cpu_dtype()
    return torch.get_autocast_gpu_dtype()


def autocast_precision(dtype: torch.dtype) -> str:
    """The name of autocasting to ``dtype``, e.g. ``'bf16-autocast'``."""
    return f'{dtype_name(dtype)}-autocast'


def optim_wrapper_precision(optim_wrapper, device: torch.device) -> str:
    """What the training steps of ``optim_wrapper`` run in on ``device``.

    An ``AmpOptimWrapper`` (``MixedPrecisionOptimWrapper`` included)
    autocasts on the machine's accelerator, or on the CPU where the
    mixed-precision wrapper found none; a model on another device is not
    touched by that autocast and runs fp32.
    """
    if not isinstance(optim_wrapper, AmpOptimWrapper):
        return 'fp32'
    autocast_device = 'cpu' if getattr(optim_wrapper, 'on_cpu',
                                       False) else get_device()
    if autocast_device != torch.device(device).type:
        return 'fp32'
    dtype = optim_wrapper.cast_dtype
    if isinstance(dtype, str):
        dtype = getattr(torch, dtype)
    return autocast_precision(dtype or default_autocast_dtype(autocast_device))


def inference_autocast_dtype(device: torch.device) -> torch.dtype:
    """``--amp`` of an inference benchmark: fp16 on a GPU, bf16 on a CPU."""
    return torch.float16 if torch.device(device).type == 'cuda' \
        else torch.bfloat16


def inference_precision(device: torch.device, amp: bool) -> str:
    """The precision of :func:`inference_context`."""
    if not amp:
        return 'fp32'
    return autocast_precision(inference_autocast_dtype(device))


def inference_context(device: torch.device, amp: bool) -> ContextManager:
    """``torch.no_grad()`` and, with ``amp``, autocast for a forward pass."""
    stack = contextlib.ExitStack()
    stack.enter_context(torch.no_grad())
    if amp:
        device = torch.device(device)
        stack.enter_context(
            torch.autocast(
                device.type, dtype=inference_autocast_dtype(device)))
    return stack
