from contextlib import contextmanager
from typing import Optional, Union

import torch
from mmaction.registry import OPTIM_WRAPPERS
from mmengine.device import (is_cuda_available, is_mlu_available,
                             is_musa_available, is_npu_available)
from mmengine.optim import AmpOptimWrapper, OptimWrapper
from mmengine.runner.amp import autocast
from torch import nn


def accelerator_available() -> bool:
    return (is_cuda_available() or is_npu_available() or is_mlu_available()
            or is_musa_available())


@OPTIM_WRAPPERS.register_module()
class MixedPrecisionOptimWrapper(AmpOptimWrapper):
    """``AmpOptimWrapper`` that also runs on a CPU-only machine.

    mmengine 0.10.7's ``AmpOptimWrapper`` asserts a GPU (or NPU/MLU/MUSA).
    With an accelerator this class *is* that wrapper (autocast to ``dtype``,
    fp16 by default, with a dynamic ``GradScaler``). Without one it
    autocasts the forward pass to bfloat16 on the CPU and steps the plain
    optimizer: bf16 keeps fp32's exponent range, so no loss scaling is
    needed. ``tools/train.py --amp`` selects this wrapper.

    Args:
        loss_scale: As in ``AmpOptimWrapper`` (accelerator only).
        dtype (str | torch.dtype, optional): Autocast dtype. On the CPU only
            ``'bfloat16'`` (the default there) is accepted.
        use_fsdp (bool): As in ``AmpOptimWrapper``.
    """

    def __init__(self,
                 loss_scale: Union[str, float, dict] = 'dynamic',
                 dtype: Optional[Union[str, torch.dtype]] = None,
                 use_fsdp: bool = False,
                 **kwargs) -> None:
        self.on_cpu = not accelerator_available()
        if not self.on_cpu:
            super().__init__(
                loss_scale=loss_scale,
                dtype=dtype,
                use_fsdp=use_fsdp,
                **kwargs)
            return
        OptimWrapper.__init__(self, **kwargs)  # skip the GPU assertion
        if isinstance(dtype, str):
            dtype = getattr(torch, dtype)
        if dtype not in (None, torch.bfloat16):
            raise ValueError('CPU mixed precision supports bfloat16 only, '
                             f'got {dtype}; drop optim_wrapper.dtype or use '
                             "'bfloat16'")
        self.cast_dtype = torch.bfloat16
        self.loss_scaler = None  # bf16 needs no loss scaling
        self._scale_update_param = None

    def backward(self, loss: torch.Tensor, **kwargs) -> None:
        if self.loss_scaler is None:
            return OptimWrapper.backward(self, loss, **kwargs)
        return super().backward(loss, **kwargs)

    def step(self, **kwargs) -> None:
        if self.loss_scaler is None:
            return OptimWrapper.step(self, **kwargs)
        return super().step(**kwargs)

    def state_dict(self) -> dict:
        if self.loss_scaler is None:
            return OptimWrapper.state_dict(self)
        return super().state_dict()

    def load_state_dict(self, state_dict: dict) -> None:
        if self.loss_scaler is None:
            # a checkpoint written on a GPU may carry scaler state: not used
            state_dict.pop('loss_scaler', None)
            return OptimWrapper.load_state_dict(self, state_dict)
        return super().load_state_dict(state_dict)

    @contextmanager
    def optim_context(self, model: nn.Module):
        if self.loss_scaler is not None:
            with super().optim_context(model):
                yield
            return
        with OptimWrapper.optim_context(self, model), autocast(
                device_type='cpu', dtype=self.cast_dtype):
            yield
