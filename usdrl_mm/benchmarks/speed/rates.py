"""The one definition of every rate the speed measurements report.

A *sample* is one element of a batch, what a dataset index returns. A
*clip* is one model input of it: MG-FD and MPCT models see
``clips_per_sample`` views of each sample (4 in the USDRL recipes), an
MMAction2 recognizer sees ``num_clips`` clips (1 in the skeleton configs).
It is ``K`` of the preprocessed ``(N, K, ...)`` batch. With ``step_s`` the
median of the timed steps:

- ``samples_per_s = batch_size / step_s``
- ``clips_per_s = batch_size * clips_per_sample / step_s``
  ``= samples_per_s * clips_per_sample``
"""
import statistics
from typing import Dict, Sequence


def _check(batch_size: float, step_s: float) -> None:
    if step_s <= 0:
        raise ValueError(f'step_s must be positive, got {step_s}')
    if batch_size <= 0:
        raise ValueError(f'batch_size must be positive, got {batch_size}')


def samples_per_s(batch_size: float, step_s: float) -> float:
    """Samples per second of steps of ``batch_size`` samples taking
    ``step_s`` seconds each."""
    _check(batch_size, step_s)
    return batch_size / step_s


def clips_per_s(batch_size: float, clips_per_sample: int,
                step_s: float) -> float:
    """Clips (model inputs: views or clips) per second."""
    _check(batch_size, step_s)
    if clips_per_sample < 1:
        raise ValueError(
            f'clips_per_sample must be >= 1, got {clips_per_sample}')
    return batch_size * clips_per_sample / step_s


def step_statistics(times: Sequence[float], prefix: str = '') -> Dict:
    """``step_s`` (the median the rates use), ``step_s_median``,
    ``step_s_mean`` and ``step_s_std`` (population) of the timed steps;
    ``prefix`` is put before every key."""
    if not times:
        raise ValueError('no timed steps')
    median = statistics.median(times)
    return {
        f'{prefix}step_s': median,
        f'{prefix}step_s_median': median,
        f'{prefix}step_s_mean': statistics.fmean(times),
        f'{prefix}step_s_std': statistics.pstdev(times),
    }


def rates(batch_size: float,
          clips_per_sample: int,
          step_s: float,
          prefix: str = '') -> Dict:
    """``samples_per_s`` and ``clips_per_s`` of one step time, named with
    ``prefix``."""
    return {
        f'{prefix}samples_per_s': samples_per_s(batch_size, step_s),
        f'{prefix}clips_per_s': clips_per_s(batch_size, clips_per_sample,
                                            step_s),
    }


def speed_summary(times: Sequence[float],
                  batch_size: int,
                  clips_per_sample: int,
                  prefix: str = '') -> Dict:
    """Step statistics and both rates of the timed steps, with
    ``clips_per_sample`` (unprefixed: one value per measurement)."""
    summary = step_statistics(times, prefix)
    summary.update(
        rates(batch_size, clips_per_sample, summary[f'{prefix}step_s'],
              prefix))
    summary['clips_per_sample'] = int(clips_per_sample)
    return summary
