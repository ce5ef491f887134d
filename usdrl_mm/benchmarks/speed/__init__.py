"""Speed and peak memory of configs on this machine
(``tools/analysis_tools/benchmark.py``), with one definition of every
figure:

- rates (:mod:`.rates`): ``samples_per_s = batch_size / step_s`` and
  ``clips_per_s = batch_size * clips_per_sample / step_s``, ``step_s`` the
  median step, ``clips_per_sample`` the views of an MG-FD / MPCT sample or
  the clips of a recognizer's;
- peak memory (:mod:`.memory`): ``torch.cuda.max_memory_allocated`` on a
  GPU, the rise of the process's peak resident set on a CPU;
- precision (:mod:`.precision`): what the steps run in, read from the built
  optim wrapper (``'fp32'``, ``'bf16-autocast'``, ``'fp16-autocast'``).

The measurements: :func:`benchmark_config` (``pretrain`` / ``infer`` /
``data``), :func:`measure_augment`, :func:`measure_paths` and
:func:`measure_threads`.
"""
from .augment import DEFAULT_CONFIGS as AUGMENT_CONFIGS
from .augment import augment_lines, measure_augment
from .inputs import load_config
from .memory import PeakMemory
from .paths import ALL_PATHS, PATHS, measure_paths, paths_table
from .precision import (autocast_precision, inference_precision,
                        optim_wrapper_precision)
from .rates import (clips_per_s, rates, samples_per_s, speed_summary,
                    step_statistics)
from .steps import MODES, benchmark_config, build_training
from .threads import measure_threads, threads_table
from .timing import resolve_device, set_up, time_steps

__all__ = [
    'ALL_PATHS', 'AUGMENT_CONFIGS', 'MODES', 'PATHS', 'PeakMemory',
    'augment_lines', 'autocast_precision', 'benchmark_config',
    'build_training', 'clips_per_s', 'inference_precision', 'load_config',
    'measure_augment', 'measure_paths', 'measure_threads',
    'optim_wrapper_precision', 'paths_table', 'rates', 'resolve_device',
    'samples_per_s', 'set_up', 'speed_summary', 'step_statistics',
    'threads_table', 'time_steps'
]
