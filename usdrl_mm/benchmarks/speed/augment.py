"""Four-view augmentation of one batch: per-sample transforms against the
batched ops, on the same samples.

Both paths start from the same ``batch_size`` samples of the per-sample
config's training set, taken after the transforms that precede the views
(pre-normalisation), and end with the model input ``(N, K, M, T, V, C)`` on
the device:

- ``per_sample``: the config's ``SkeletonMultiView`` on every sample in this
  one process (in training this runs in the dataloader workers, up to one
  core each), stacking, and the config's data preprocessor;
- ``batched``: the batched config's raw formatting (``FormatRawSkeleton``)
  on every sample and its ``BatchMultiViewPreprocessor`` (the torch ops of
  ``usdrl_mm.models.utils.batch_augments``).

Packing (``PackActionInputs``: the data samples) belongs to both pipelines
and is timed in neither. ``speedup`` is the per-sample median step time over
the batched one.
"""
from typing import Callable, Dict, List, Optional

import numpy as np
import torch
from mmaction.registry import DATASETS, MODELS, TRANSFORMS
from mmaction.structures import ActionDataSample
from mmcv.transforms import Compose
from mmengine.config import Config

from .memory import PeakMemory
from .precision import dtype_name
from .rates import rates, step_statistics
from .timing import machine_fields, time_steps

PATHS = ('per_sample', 'batched')
#: The tiny synthetic configs the comparison runs on by default.
DEFAULT_CONFIGS = tuple(
    f'configs/usdrl/mgfd_dste-tiny{variant}_1xb64-joint-24e_synthetic-'
    'xsub-keypoint-3d.py' for variant in ('', '-batchaug'))


def split_pipeline(pipeline: List[dict], marker: str) -> int:
    """Index of the first transform of type ``marker``."""
    types = [t['type'] for t in pipeline]
    if marker not in types:
        raise ValueError(f'the pipeline has no {marker}: {types}')
    return types.index(marker)


def raw_samples(cfg: Config, ann_file: Optional[str],
                batch_size: int) -> List[dict]:
    """The first ``batch_size`` samples (cycled when fewer) after the
    transforms that precede ``SkeletonMultiView``."""
    ds_cfg = cfg.train_dataloader.dataset.copy()
    ds_cfg.pipeline = ds_cfg.pipeline[:split_pipeline(ds_cfg.pipeline,
                                                      'SkeletonMultiView')]
    if ann_file:
        ds_cfg.ann_file = ann_file
    dataset = DATASETS.build(ds_cfg)
    return [dataset[i % len(dataset)] for i in range(batch_size)]


def augment_paths(
        per_cfg: Config, batch_cfg: Config, device: torch.device,
        samples: List[dict]) -> Dict[str, Callable[[], torch.Tensor]]:
    """The two ways from ``samples`` to the model input, as callables."""
    pipeline = per_cfg.train_dataloader.dataset.pipeline
    multi_view = TRANSFORMS.build(pipeline[split_pipeline(
        pipeline, 'SkeletonMultiView')])
    per_pre = MODELS.build(per_cfg.model.data_preprocessor).to(device)
    # the raw formatting of the batched config: after its shared
    # pre-transforms, before packing
    raw_pipeline = batch_cfg.train_dataloader.dataset.pipeline
    raw_format = Compose(
        raw_pipeline[split_pipeline(raw_pipeline, 'FormatRawSkeleton'):
                     split_pipeline(raw_pipeline, 'PackActionInputs')])
    batch_pre = MODELS.build(batch_cfg.model.data_preprocessor).to(device)

    def per_sample() -> torch.Tensor:
        # (K, M, T, V, C) per sample -> (N, K, M, T, V, C)
        views = np.stack([multi_view(dict(s))['keypoint'] for s in samples])
        with torch.no_grad():
            return per_pre(dict(inputs=torch.from_numpy(views)),
                           True)['inputs']

    # the valid lengths travel in the data samples, as PackActionInputs
    # packs them; packing happens in both pipelines and is timed in neither
    meta = [
        ActionDataSample(
            metainfo=dict(valid_len=raw_format(dict(s))['valid_len']))
        for s in samples
    ]

    def batched() -> torch.Tensor:
        formatted = [raw_format(dict(s)) for s in samples]
        inputs = [torch.from_numpy(r['keypoint']) for r in formatted]
        with torch.no_grad():
            return batch_pre(dict(inputs=inputs, data_samples=meta),
                             True)['inputs']

    return dict(per_sample=per_sample, batched=batched)


def measure_augment(per_cfg: Config,
                    batch_cfg: Config,
                    device: torch.device,
                    batch_size: int = 64,
                    iters: int = 10,
                    warmup: int = 2,
                    ann_file: Optional[str] = None) -> Dict:
    """Both paths on one batch: per path ``{path}_step_s`` (median, the
    rates use it), ``_median``, ``_mean``, ``_std``,
    ``{path}_samples_per_s``, ``{path}_clips_per_s`` and
    ``{path}_peak_mem_mib``; ``clips_per_sample`` (the views), ``speedup``
    and the precision of the views."""
    samples = raw_samples(per_cfg, ann_file, batch_size)
    paths = augment_paths(per_cfg, batch_cfg, device, samples)
    outputs = {name: fn() for name, fn in paths.items()}
    shapes = {tuple(out.shape) for out in outputs.values()}
    if len(shapes) != 1:
        raise RuntimeError(f'the two paths give different shapes {shapes}')
    k = int(outputs['batched'].shape[1])
    result = dict(
        mode='augment',
        batch_size=batch_size,
        iters=iters,
        warmup=warmup,
        clips_per_sample=k,
        precision=dtype_name(outputs['batched'].dtype))
    for name in PATHS:
        memory = PeakMemory(device)
        times = time_steps(paths[name], iters, warmup, device, memory)
        result.update(step_statistics(times, f'{name}_'))
        result.update(
            rates(batch_size, k, result[f'{name}_step_s'], f'{name}_'))
        result[f'{name}_peak_mem_mib'] = memory.peak_mib()
        result['peak_mem_kind'] = memory.kind
    result['speedup'] = result['per_sample_step_s'] / result['batched_step_s']
    result.update(machine_fields(device))
    return result


def augment_lines(result: Dict) -> str:
    """One line per path and the speed-up, for a terminal."""
    lines = [
        f"{name:>10}: {result[f'{name}_step_s'] * 1e3:8.2f} ms per batch "
        f"of {result['batch_size']} (median; "
        f"{result[f'{name}_samples_per_s']:8.1f} samples/s, "
        f"{result[f'{name}_clips_per_s']:8.1f} clips/s at "
        f"{result['clips_per_sample']} views per sample)" for name in PATHS
    ]
    lines.append(f"   speedup: {result['speedup']:.1f}x (per-sample / "
                 'batched)')
    return '\n'.join(lines)
