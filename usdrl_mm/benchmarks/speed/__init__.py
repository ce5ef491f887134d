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
  optim wrapper (``'fp32'``, ``'bf16-autocast'``, ``'fp16-autocast'``);
- FLOPs and the limit (:mod:`.flops`, :mod:`.gemm_peak`): the FLOPs of one
  step counted by ``FlopCounterMode`` (``2 * M * N * K`` per product),
  ``gflops_per_s = flops / step_s / 1e9`` and ``peak_fraction``, its share
  of the machine's measured GEMM peak for the step's precision.

The measurements: :func:`benchmark_config` (``pretrain`` / ``infer`` /
``data``), :func:`measure_augment`, :func:`measure_paths`,
:func:`measure_threads` and :func:`measure_original` (the authors' step,
imported from a checkout, against usdrl_mm's).
"""
from .augment import DEFAULT_CONFIGS as AUGMENT_CONFIGS
from .augment import augment_lines, measure_augment
from .flops import count_flops, flop_fields
from .gemm_peak import measure_gemm_peak
from .inputs import load_config
from .memory import PeakMemory
from .original import (ORIGINAL_PRECISIONS, ComparisonError, load_original,
                       measure_original, original_table)
from .paths import ALL_PATHS, PATHS, measure_paths, paths_table
from .precision import (autocast_precision, inference_precision,
                        optim_wrapper_precision)
from .rates import (clips_per_s, rates, samples_per_s, speed_summary,
                    step_statistics)
from .steps import MODES, benchmark_config, build_training
from .threads import measure_threads, threads_table
from .timing import resolve_device, set_up, time_steps

__all__ = [
    'ALL_PATHS', 'AUGMENT_CONFIGS', 'ComparisonError', 'MODES',
    'ORIGINAL_PRECISIONS', 'PATHS', 'PeakMemory', 'augment_lines',
    'autocast_precision', 'benchmark_config', 'build_training', 'clips_per_s',
    'count_flops', 'flop_fields', 'inference_precision', 'load_config',
    'load_original', 'measure_augment', 'measure_gemm_peak',
    'measure_original', 'measure_paths', 'measure_threads',
    'optim_wrapper_precision', 'original_table', 'paths_table', 'rates',
    'resolve_device', 'samples_per_s', 'set_up', 'speed_summary',
    'step_statistics', 'threads_table', 'time_steps'
]
