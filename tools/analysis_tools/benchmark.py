"""Speed and peak memory of one config on this machine, as one JSON line.

    python tools/analysis_tools/benchmark.py {pretrain,infer,data} CONFIG \
        [--batch-size B] [--iters N] [--warmup W] [--amp] [--compile] \
        [--real-data] [--input-shape D ...] [--device DEV] [--threads T] \
        [--cfg-options KEY=VALUE ...]

- ``pretrain``: a full training step per iteration (data preprocessor,
  forward, backward and optimizer step through ``model.train_step`` with the
  config's optim wrapper), on random inputs of the shape of one sample of
  the training set, or on the batches of the config's training dataloader
  with ``--real-data`` (then the wait for the next batch counts too, as in a
  training loop);
- ``infer``: the model's forward pass in ``'tensor'`` mode under
  ``torch.no_grad()`` on one preprocessed batch (test set when the config
  has one, else the training set; random inputs unless ``--real-data``);
- ``data``: the training dataloader (next batch) followed by the data
  preprocessor on the device, timed separately; for a config that draws
  the views on the device (``BatchMultiViewPreprocessor``) the second part
  is the augmentation.

Works for MMAction2 recognizers too (ST-GCN, PoseC3D). Without the
config's data files, pass the per-sample input shape, e.g.
``--input-shape 1 2 64 25 3``. ``clips`` are ``N * K`` model inputs: views
for MG-FD, clips for a recognizer. Peak memory is
``torch.cuda.max_memory_allocated`` on a GPU and, on a CPU, the rise of the
process's peak resident set over its size before the first step
(``VmHWM`` reset through ``/proc/self/clear_refs`` where allowed, else
``ru_maxrss``; dataloader workers are other processes and not counted).
"""
import argparse
import copy
import json
import os
import os.path as osp
import resource
import statistics
import sys
import time
from typing import Callable, Dict, Iterator, List, Optional, Sequence

for path in (osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
             os.getcwd()):
    if path not in sys.path:
        sys.path.insert(1, path)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmaction.registry import DATASETS, MODELS  # noqa: E402
from mmaction.structures import ActionDataSample  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

import usdrl_mm  # noqa: E402,F401  registries
from usdrl_mm.models import BatchMultiViewPreprocessor  # noqa: E402
from usdrl_mm.structures.action_labels import set_gt_label  # noqa: E402
from usdrl_mm.utils import adapt_amp_to_device, enable_amp  # noqa: E402

MODES = ('pretrain', 'infer', 'data')


class PeakMemory:
    """Peak memory of a timed section, in MiB (see the module docstring)."""

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.kind = ''
        self.base = 0

    @staticmethod
    def _status_kib(field: str) -> Optional[int]:
        try:
            with open('/proc/self/status') as f:
                for line in f:
                    if line.startswith(field + ':'):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def start(self) -> None:
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self.kind = 'cuda_max_memory_allocated'
            return
        try:  # '5' resets the peak RSS (VmHWM) to the current RSS
            with open('/proc/self/clear_refs', 'w') as f:
                f.write('5')
            self.base = self._status_kib('VmRSS')
            self.kind = 'cpu_peak_rss_delta'
        except OSError:
            self.base = None
        if self.base is None:  # ru_maxrss is KiB on Linux, never reset
            self.base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            self.kind = 'cpu_ru_maxrss_delta'

    def peak_mib(self) -> float:
        if self.device.type == 'cuda':
            return torch.cuda.max_memory_allocated(self.device) / 2**20
        if self.kind == 'cpu_peak_rss_delta':
            peak = self._status_kib('VmHWM')
        else:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return max(peak - self.base, 0) / 1024


def synchronize(device: torch.device) -> None:
    if device.type == 'cuda':
        torch.cuda.synchronize(device)


def time_steps(step: Callable[[], object], iters: int, warmup: int,
               device: torch.device, memory: PeakMemory) -> List[float]:
    """Seconds of each of ``iters`` calls of ``step`` after ``warmup``
    untimed ones; the device is synchronised after every call. The memory
    peak spans all calls: in steady state the allocator reuses what the
    first step took, so starting after the warm-up would miss it."""
    synchronize(device)
    memory.start()
    for _ in range(warmup):
        step()
    synchronize(device)
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        step()
        synchronize(device)
        times.append(time.perf_counter() - start)
    return times


def loader_key(cfg: Config, mode: str) -> str:
    if mode == 'infer' and cfg.get('test_dataloader'):
        return 'test_dataloader'
    return 'train_dataloader'


def batches(cfg: Config, key: str, batch_size: int) -> Iterator[dict]:
    """Endless batches of the config's dataloader ``key``."""
    loader_cfg = copy.deepcopy(cfg[key])
    loader_cfg.batch_size = batch_size
    loader_cfg.drop_last = True  # every timed step has batch_size samples
    loader = Runner.build_dataloader(loader_cfg, seed=0)
    if len(loader) == 0:
        raise SystemExit(f'{key} holds fewer than {batch_size} samples')
    while True:
        yield from loader


def one_sample(cfg: Config, key: str,
               input_shape: Optional[Sequence[int]]) -> dict:
    """A packed sample: the first of the dataset, or a zero input of
    ``input_shape`` with label 0 when given."""
    if input_shape:
        sample = set_gt_label(ActionDataSample(), 0)
        # raw clips (M, T, V, C) are all valid
        sample.set_metainfo(dict(valid_len=input_shape[-3]))
        return dict(inputs=torch.zeros(input_shape), data_samples=sample)
    try:
        dataset = DATASETS.build(cfg[key].dataset)
    except FileNotFoundError as e:
        raise SystemExit(f'{e}\nno data for {key}: pass --input-shape')
    return dataset[0]


def random_batch(sample: dict, batch_size: int) -> dict:
    """``batch_size`` standard normal inputs of the sample's shape, with
    copies of its data sample (labels, ``valid_len``)."""
    shape = sample['inputs'].shape
    return dict(
        inputs=[torch.randn(shape) for _ in range(batch_size)],
        data_samples=[
            copy.deepcopy(sample['data_samples']) for _ in range(batch_size)
        ])


def clips_per_sample(preprocessor: torch.nn.Module, batch: dict) -> int:
    """K of the preprocessed ``(N, K, ...)`` inputs (views or clips)."""
    with torch.no_grad():
        return int(preprocessor(batch, False)['inputs'].shape[1])


def amp_context(device: torch.device, enabled: bool):
    dtype = torch.float16 if device.type == 'cuda' else torch.bfloat16
    return torch.autocast(device.type, dtype=dtype, enabled=enabled)


def summary(times: List[float], samples: float, clips: float) -> Dict:
    """Step statistics; ``samples`` and ``clips`` are per step."""
    mean = statistics.fmean(times)
    return dict(
        step_s_mean=mean,
        step_s_std=statistics.pstdev(times),
        samples_per_s=samples / mean,
        clips_per_s=clips / mean)


def run_pretrain(cfg: Config, args, device: torch.device,
                 memory: PeakMemory) -> Dict:
    if args.amp:
        enable_amp(cfg)
    adapt_amp_to_device(cfg)
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.to(device).train()
    optim_wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    if args.compile:
        model.forward = torch.compile(model.forward)
    key = 'train_dataloader'
    if args.real_data:
        source = batches(cfg, key, args.batch_size)
        first = next(source)
        k = clips_per_sample(model.data_preprocessor, first)

        def step() -> None:
            model.train_step(next(source), optim_wrapper)
    else:
        first = random_batch(
            one_sample(cfg, key, args.input_shape), args.batch_size)
        k = clips_per_sample(model.data_preprocessor, first)

        def step() -> None:
            model.train_step(first, optim_wrapper)

    times = time_steps(step, args.iters, args.warmup, device, memory)
    return summary(times, args.batch_size, args.batch_size * k)


def run_infer(cfg: Config, args, device: torch.device,
              memory: PeakMemory) -> Dict:
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.to(device).eval()
    if args.compile:
        model.forward = torch.compile(model.forward)
    key = loader_key(cfg, 'infer')
    if args.real_data:
        batch = next(batches(cfg, key, args.batch_size))
    else:
        batch = random_batch(
            one_sample(cfg, key, args.input_shape), args.batch_size)
    with torch.no_grad():
        data = model.data_preprocessor(batch, False)
    inputs, samples = data['inputs'], data['data_samples']

    def step() -> None:
        with torch.no_grad(), amp_context(device, args.amp):
            model(inputs, samples, mode='tensor')

    times = time_steps(step, args.iters, args.warmup, device, memory)
    n, k = inputs.shape[:2]
    return summary(times, n, n * k)


def run_data(cfg: Config, args, device: torch.device,
             memory: PeakMemory) -> Dict:
    preprocessor = MODELS.build(cfg.model.data_preprocessor).to(device)
    source = batches(cfg, 'train_dataloader', args.batch_size)
    loader_s: List[float] = []
    preprocess_s: List[float] = []
    clips: List[int] = []

    def step() -> None:
        start = time.perf_counter()
        batch = next(source)
        loaded = time.perf_counter()
        with torch.no_grad():
            out = preprocessor(batch, True)['inputs']
        synchronize(device)
        loader_s.append(loaded - start)
        preprocess_s.append(time.perf_counter() - loaded)
        clips.append(out.shape[0] * out.shape[1])

    times = time_steps(step, args.iters, args.warmup, device, memory)
    # the lists also hold the warm-up steps
    loader_s, preprocess_s = loader_s[-args.iters:], preprocess_s[-args.iters:]
    clips_per_step = statistics.fmean(clips[-args.iters:])
    result = summary(times, args.batch_size, clips_per_step)
    result.update(
        loader_s_mean=statistics.fmean(loader_s),
        preprocess_s_mean=statistics.fmean(preprocess_s),
        preprocess_clips_per_s=clips_per_step / statistics.fmean(preprocess_s),
        batched_augment=isinstance(preprocessor, BatchMultiViewPreprocessor))
    return result


def device_name(device: torch.device) -> str:
    if device.type == 'cuda':
        return torch.cuda.get_device_name(device)
    return f'cpu ({os.cpu_count()} cores)'


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('mode', choices=MODES)
    parser.add_argument('config')
    parser.add_argument(
        '--batch-size',
        type=int,
        help="samples per step; the config's dataloader batch by default")
    parser.add_argument('--iters', type=int, default=10, help='timed steps')
    parser.add_argument(
        '--warmup', type=int, default=2, help='untimed steps first')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='fp16 AMP on a GPU, bf16 autocast on a CPU')
    parser.add_argument(
        '--compile', action='store_true', help='torch.compile the forward')
    parser.add_argument(
        '--real-data',
        action='store_true',
        help="batches of the config's dataloader instead of random inputs")
    parser.add_argument(
        '--input-shape',
        type=int,
        nargs='+',
        help='per-sample input shape for random inputs without data files')
    parser.add_argument('--device', help='cuda if available, else cpu')
    parser.add_argument('--threads', type=int, help='torch CPU threads')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    if args.iters < 1 or args.warmup < 0:
        parser.error('need --iters >= 1 and --warmup >= 0')
    if args.mode == 'data' and (args.compile or args.amp):
        parser.error('--amp and --compile apply to pretrain and infer')
    return args


def main(argv=None) -> Dict:
    args = parse_args(argv)
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    device = torch.device(
        args.device or ('cuda' if torch.cuda.is_available() else 'cpu'))
    if args.batch_size is None:
        args.batch_size = cfg[loader_key(cfg, args.mode)].batch_size
    memory = PeakMemory(device)
    run = dict(pretrain=run_pretrain, infer=run_infer, data=run_data)
    result = dict(
        mode=args.mode,
        config=osp.splitext(osp.basename(args.config))[0],
        batch_size=args.batch_size,
        iters=args.iters,
        warmup=args.warmup,
        amp=args.amp,
        compile=args.compile,
        real_data=args.real_data or args.mode == 'data')
    result.update(run[args.mode](cfg, args, device, memory))
    result.update(
        peak_mem_mib=memory.peak_mib(),
        peak_mem_kind=memory.kind,
        device=device_name(device),
        torch_threads=torch.get_num_threads(),
        torch_version=torch.__version__)
    print(json.dumps(result), flush=True)
    return result


if __name__ == '__main__':
    main()
