"""Speed and peak memory of one config: a training step (``pretrain``), a
forward pass (``infer``) or the data pipeline (``data``).

- ``pretrain``: a full training step per iteration (data preprocessor,
  forward, backward and optimizer step through ``model.train_step`` with the
  config's optim wrapper), on random inputs of the shape of one sample of
  the training set, or on the batches of the config's training dataloader
  with ``real_data`` (then the wait for the next batch counts too, as in a
  training loop);
- ``infer``: the model's forward pass in ``'tensor'`` mode under
  ``torch.no_grad()`` on one preprocessed batch (test set when the config
  has one, else the training set; random inputs unless ``real_data``);
- ``data``: the training dataloader (next batch) followed by the data
  preprocessor on the device, timed separately; for a config that draws
  the views on the device (``BatchMultiViewPreprocessor``) the second part
  is the augmentation.

Rates follow :mod:`.rates`, peak memory :mod:`.memory`, precision
:mod:`.precision`. ``pretrain`` and ``infer`` count the FLOPs of one step
(:mod:`.flops`; on one extra, untimed step after the timed ones, so the
peak memory still spans the first step; with ``compile`` on the eager
forward pass, which runs the same FLOPs) and give the achieved GFLOP/s and the
fraction of the machine's measured GEMM peak for the step's precision
(:mod:`.gemm_peak`), unless ``flops=False``.
"""
import copy
import os.path as osp
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import torch
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper

from usdrl_mm.models import BatchMultiViewPreprocessor
from usdrl_mm.utils import adapt_amp_to_device, enable_amp
from .flops import count_flops, flop_fields
from .inputs import (batches, clips_per_sample, loader_key, one_sample,
                     random_batch)
from .memory import PeakMemory
from .precision import (dtype_name, inference_context, inference_precision,
                        optim_wrapper_precision)
from .rates import rates, speed_summary, step_statistics
from .timing import machine_fields, synchronize, time_steps

MODES = ('pretrain', 'infer', 'data')


def build_training(
        cfg: Config,
        device: torch.device,
        amp: bool = False,
        compile_forward: bool = False) -> Tuple[torch.nn.Module, object, str]:
    """The config's model in training mode on ``device``, its built optim
    wrapper (mixed precision with ``amp``; an ``AmpOptimWrapper`` becomes
    bf16 on a CPU-only machine) and the precision the steps run in."""
    cfg = copy.deepcopy(cfg)
    if amp:
        enable_amp(cfg)
    adapt_amp_to_device(cfg)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.to(device).train()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    if compile_forward:
        compile_model_forward(model)
    return model, optim_wrapper, optim_wrapper_precision(optim_wrapper, device)


def compile_model_forward(model: torch.nn.Module) -> None:
    """``torch.compile`` the model's forward pass (``--compile``)."""
    model.forward = torch.compile(model.forward)


def step_flops(step: Callable[[], object], enabled: bool,
               model: torch.nn.Module) -> Optional[int]:
    """:func:`.flops.count_flops` of one call of ``step``, or ``None``;
    a forward pass compiled by :func:`compile_model_forward` runs eagerly
    for the count."""
    if not enabled:
        return None
    compiled = model.__dict__.pop('forward', None)
    try:
        return count_flops(step)
    finally:
        if compiled is not None:
            model.forward = compiled


@dataclass(frozen=True)
class StepSettings:
    """How :func:`benchmark_config` measures: ``iters`` timed steps of
    ``batch_size`` samples after ``warmup`` untimed ones, the peak ``memory``
    of the timed ones, mixed precision (``amp``), a compiled forward, real
    batches or random ones of ``input_shape``, and the FLOP count against
    the GEMM peak (``gemm_sizes``)."""
    batch_size: int
    iters: int
    warmup: int
    memory: PeakMemory
    amp: bool = False
    compile_forward: bool = False
    real_data: bool = False
    input_shape: Optional[Sequence[int]] = None
    flops: bool = True
    gemm_sizes: Optional[Sequence[int]] = None


def timed_step(step: Callable[[], None], model: torch.nn.Module,
               device: torch.device, settings: StepSettings, precision: str,
               samples: int, clips: int) -> Dict:
    """Time ``step`` (``settings.iters`` after ``settings.warmup``), count
    its FLOPs, and return the row: ``precision``, the rates of
    :func:`speed_summary` for ``samples`` samples of ``clips`` clips per
    step, and the FLOP fields of :func:`flop_fields`."""
    times = time_steps(step, settings.iters, settings.warmup, device,
                       settings.memory)
    counted = step_flops(step, settings.flops, model)
    result = dict(precision=precision)
    result.update(speed_summary(times, samples, clips))
    result.update(
        flop_fields(counted, result['step_s'], precision, device,
                    settings.gemm_sizes))
    return result


def measure_pretrain(cfg: Config, device: torch.device,
                     settings: StepSettings) -> Dict:
    """Training steps; see the module docstring."""
    model, optim_wrapper, precision = build_training(cfg, device, settings.amp,
                                                     settings.compile_forward)
    key = 'train_dataloader'
    if settings.real_data:
        source = batches(cfg, key, settings.batch_size)
        k = clips_per_sample(model.data_preprocessor, next(source))

        def step() -> None:
            model.train_step(next(source), optim_wrapper)
    else:
        batch = random_batch(
            one_sample(cfg, key, settings.input_shape), settings.batch_size)
        k = clips_per_sample(model.data_preprocessor, batch)

        def step() -> None:
            model.train_step(batch, optim_wrapper)

    return timed_step(step, model, device, settings, precision,
                      settings.batch_size, k)


def measure_infer(cfg: Config, device: torch.device,
                  settings: StepSettings) -> Dict:
    """Forward passes; see the module docstring."""
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.to(device).eval()
    key = loader_key(cfg, 'infer')
    if settings.real_data:
        batch = next(batches(cfg, key, settings.batch_size))
    else:
        batch = random_batch(
            one_sample(cfg, key, settings.input_shape), settings.batch_size)
    with torch.no_grad():
        data = model.data_preprocessor(batch, False)
    inputs, samples = data['inputs'], data['data_samples']

    def step() -> None:
        with inference_context(device, settings.amp):
            model(inputs, samples, mode='tensor')

    if settings.compile_forward:
        compile_model_forward(model)
    # inputs: (N, K, ...) with K views or clips per sample
    return timed_step(step, model, device, settings,
                      inference_precision(device, settings.amp),
                      inputs.shape[0], inputs.shape[1])


def measure_data(cfg: Config, device: torch.device,
                 settings: StepSettings) -> Dict:
    """The training dataloader and the data preprocessor; see the module
    docstring. The step is both; ``loader_s_*`` and ``preprocess_s_*`` are
    its parts, ``preprocess_*_per_s`` the preprocessor's rates alone."""
    if 'data_preprocessor' in cfg.model:
        preprocessor = MODELS.build(cfg.model.data_preprocessor)
    else:  # an MMAction2 recognizer's default one
        preprocessor = MODELS.build(cfg.model).data_preprocessor
    preprocessor.to(device)
    source = batches(cfg, 'train_dataloader', settings.batch_size)
    loader_s: List[float] = []
    preprocess_s: List[float] = []
    outputs: List[torch.Tensor] = []

    def step() -> None:
        start = time.perf_counter()
        batch = next(source)
        loaded = time.perf_counter()
        with torch.no_grad():
            out = preprocessor(batch, True)['inputs']
        synchronize(device)
        loader_s.append(loaded - start)
        preprocess_s.append(time.perf_counter() - loaded)
        outputs[:] = [out]  # the last one: (N, K, ...)

    times = time_steps(step, settings.iters, settings.warmup, device,
                       settings.memory)
    out = outputs[0]
    k = int(out.shape[1])
    result = dict(precision=dtype_name(out.dtype))
    result.update(speed_summary(times, settings.batch_size, k))
    # the lists also hold the warm-up steps
    for name, part in (('loader', loader_s), ('preprocess', preprocess_s)):
        stats = step_statistics(part[-settings.iters:])
        result.update({
            f'{name}_s_{stat}': stats[f'step_s_{stat}']
            for stat in ('median', 'mean', 'std')
        })
    result.update(
        rates(settings.batch_size, k, result['preprocess_s_median'],
              'preprocess_'))
    result['batched_augment'] = isinstance(preprocessor,
                                           BatchMultiViewPreprocessor)
    return result


MEASUREMENTS: Dict[str, Callable[..., Dict]] = dict(
    pretrain=measure_pretrain, infer=measure_infer, data=measure_data)


def benchmark_config(mode: str,
                     cfg: Config,
                     config_path: str,
                     device: torch.device,
                     batch_size: Optional[int] = None,
                     iters: int = 10,
                     warmup: int = 2,
                     amp: bool = False,
                     compile_forward: bool = False,
                     real_data: bool = False,
                     input_shape: Optional[Sequence[int]] = None,
                     flops: bool = True,
                     gemm_sizes: Optional[Sequence[int]] = None) -> Dict:
    """One measurement of ``mode`` as one flat result: the settings, the
    step statistics, ``samples_per_s``, ``clips_per_s``,
    ``clips_per_sample``, ``precision``, the peak memory and the machine;
    for ``pretrain`` and ``infer`` also the FLOP fields
    (:func:`.flops.flop_fields`, all ``None`` without ``flops``;
    ``gemm_sizes``: the sizes of the GEMM peak, :mod:`.gemm_peak`'s by
    default).

    ``batch_size`` defaults to the batch of the mode's dataloader.
    """
    if mode not in MEASUREMENTS:
        raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
    if mode == 'data' and (amp or compile_forward):
        raise ValueError('amp and compile apply to pretrain and infer')
    if batch_size is None:
        batch_size = cfg[loader_key(cfg, mode)].batch_size
    memory = PeakMemory(device)
    result = dict(
        mode=mode,
        config=osp.splitext(osp.basename(config_path))[0],
        batch_size=batch_size,
        iters=iters,
        warmup=warmup,
        compile=compile_forward,
        real_data=real_data or mode == 'data')
    settings = StepSettings(
        batch_size=batch_size,
        iters=iters,
        warmup=warmup,
        memory=memory,
        amp=amp,
        compile_forward=compile_forward,
        real_data=real_data,
        input_shape=input_shape,
        flops=flops,
        gemm_sizes=gemm_sizes)
    result.update(MEASUREMENTS[mode](cfg, device, settings))
    result.update(peak_mem_mib=memory.peak_mib(), peak_mem_kind=memory.kind)
    result.update(machine_fields(device))
    return result
