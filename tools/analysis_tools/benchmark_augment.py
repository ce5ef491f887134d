"""Four-view augmentation of one batch: per-sample transforms vs batched ops.

    python tools/analysis_tools/benchmark_augment.py [PER_SAMPLE_CONFIG] \
        [BATCHED_CONFIG] [--batch-size 64] [--iters 10] [--warmup 2] \
        [--device cpu|cuda] [--threads T] [--ann-file PKL]

Both paths start from the same ``--batch-size`` samples of the per-sample
config's training set, taken after the transforms that precede the views
(pre-normalisation), and end with the model input
``(N, K, M, T, V, C)`` on ``--device``:

- per sample: the config's ``SkeletonMultiView`` on every sample in this
  one process (in training this runs in the dataloader workers, up to one
  core each), stacking, and the config's data preprocessor;
- batched: the batched config's raw formatting (``FormatRawSkeleton``) on
  every sample and its ``BatchMultiViewPreprocessor`` (the torch ops of
  ``usdrl_mm.models.utils.batch_augments``).

Packing (``PackActionInputs``: the data samples) belongs to both pipelines
and is timed in neither. Prints a line per path and one JSON line with the
times (mean and std), clips (views) per second and ``speedup`` = per-sample
time / batched time.
"""
import argparse
import json
import os
import os.path as osp
import statistics
import sys
import time
from typing import Callable, Dict, List, Optional

for path in (osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
             os.getcwd()):
    if path not in sys.path:
        sys.path.insert(1, path)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmaction.registry import DATASETS, MODELS, TRANSFORMS  # noqa: E402
from mmaction.structures import ActionDataSample  # noqa: E402
from mmcv.transforms import Compose  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402

import usdrl_mm  # noqa: E402,F401  registries

CONFIGS = ('configs/usdrl/mgfd_dste-tiny{}_1xb64-joint-24e_synthetic-xsub-'
           'keypoint-3d.py')


def split_pipeline(pipeline: List[dict], marker: str) -> int:
    """Index of the first transform of type ``marker``."""
    types = [t['type'] for t in pipeline]
    if marker not in types:
        raise SystemExit(f'the pipeline has no {marker}: {types}')
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


def timed(fn: Callable[[], torch.Tensor], iters: int, warmup: int,
          device: torch.device) -> List[float]:
    times = []
    for i in range(warmup + iters):
        start = time.perf_counter()
        fn()
        if device.type == 'cuda':
            torch.cuda.synchronize(device)
        if i >= warmup:
            times.append(time.perf_counter() - start)
    return times


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        'per_sample_config', nargs='?', default=CONFIGS.format(''))
    parser.add_argument(
        'batched_config', nargs='?', default=CONFIGS.format('-batchaug'))
    parser.add_argument('--batch-size', type=int, default=64)
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--device', help='cuda if available, else cpu')
    parser.add_argument('--threads', type=int, help='torch CPU threads')
    parser.add_argument('--ann-file', help="instead of the config's data")
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv=None) -> Dict:
    args = parse_args(argv)
    if args.threads:
        torch.set_num_threads(args.threads)
    per_cfg = Config.fromfile(args.per_sample_config)
    batch_cfg = Config.fromfile(args.batched_config)
    init_default_scope(per_cfg.get('default_scope', 'mmaction'))
    device = torch.device(
        args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)

    samples = raw_samples(per_cfg, args.ann_file, args.batch_size)
    pipeline = per_cfg.train_dataloader.dataset.pipeline
    multi_view = TRANSFORMS.build(pipeline[split_pipeline(
        pipeline, 'SkeletonMultiView')])
    per_pre = MODELS.build(per_cfg.model.data_preprocessor).to(device)
    # the raw formatting of the batched config: after its shared
    # pre-transforms, before packing
    raw_pipeline = batch_cfg.train_dataloader.dataset.pipeline
    start = split_pipeline(raw_pipeline, 'FormatRawSkeleton')
    stop = split_pipeline(raw_pipeline, 'PackActionInputs')
    raw_format = Compose(raw_pipeline[start:stop])
    batch_pre = MODELS.build(batch_cfg.model.data_preprocessor).to(device)

    def per_sample() -> torch.Tensor:
        # (K, M, T, V, C) per sample -> (N, K, M, T, V, C)
        views = np.stack([multi_view(dict(s))['keypoint'] for s in samples])
        inputs = torch.from_numpy(views)
        with torch.no_grad():
            return per_pre(dict(inputs=inputs), True)['inputs']

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

    shapes = {tuple(per_sample().shape), tuple(batched().shape)}
    if len(shapes) != 1:
        raise SystemExit(f'the two paths give different shapes {shapes}')
    clips = int(np.prod(next(iter(shapes))[:2]))
    result = dict(
        batch_size=args.batch_size,
        clips=clips,
        device=(torch.cuda.get_device_name(device)
                if device.type == 'cuda' else f'cpu ({os.cpu_count()} cores)'),
        torch_threads=torch.get_num_threads())
    for name, fn in (('per_sample', per_sample), ('batched', batched)):
        times = timed(fn, args.iters, args.warmup, device)
        mean = statistics.fmean(times)
        result.update({
            f'{name}_s_mean': mean,
            f'{name}_s_std': statistics.pstdev(times),
            f'{name}_clips_per_s': clips / mean
        })
        print(f'{name:>10}: {mean * 1e3:8.2f} ms per batch of '
              f'{args.batch_size} ({clips / mean:9.0f} views/s)')
    result['speedup'] = result['per_sample_s_mean'] / result['batched_s_mean']
    print(f'   speedup: {result["speedup"]:.1f}x (per-sample / batched)')
    print(json.dumps(result), flush=True)
    return result


if __name__ == '__main__':
    main()
