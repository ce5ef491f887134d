"""Peak memory of a timed section: the one definition every speed
measurement of ``usdrl_mm.benchmarks.speed`` reports.

- On a GPU: ``torch.cuda.max_memory_allocated`` after
  ``reset_peak_memory_stats`` at :meth:`PeakMemory.start`, i.e. the peak of
  the bytes held by tensors on the device during the section, tensors that
  were already there (model, optimizer state) included
  (``peak_mem_kind='cuda_max_memory_allocated'``).
- On a CPU: the rise of the process's peak resident set over its size at
  :meth:`PeakMemory.start`. Where ``/proc/self/clear_refs`` is writable the
  peak (``VmHWM``) is first reset to the current size, so the rise is exact
  (``'cpu_peak_rss_delta'``). Where it is not, the rise is over the peak
  before the section (``VmHWM`` from ``/proc/self/status``:
  ``'cpu_vmhwm_delta'``; ``ru_maxrss`` without ``/proc``:
  ``'cpu_ru_maxrss_delta'``), a lower bound when the process was larger
  earlier. Data-loader workers are other processes and are not counted.
"""
import multiprocessing
import resource
from concurrent.futures import ProcessPoolExecutor
from typing import Callable, Dict, Optional

import torch

MIB = 2**20

#: The ``peak_mem_kind`` values, from the exact to the lower bounds.
KINDS = ('cuda_max_memory_allocated', 'cpu_peak_rss_delta', 'cpu_vmhwm_delta',
         'cpu_ru_maxrss_delta')


def status_kib(field: str) -> Optional[int]:
    """A ``kB`` field of ``/proc/self/status`` (``VmRSS``, ``VmHWM``), or
    ``None`` where there is no such file or field."""
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith(field + ':'):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak_rss() -> bool:
    """Reset this process's ``VmHWM`` to its current resident set; whether
    the kernel allowed it."""
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')  # 5: reset the peak resident set size
        return True
    except OSError:
        return False


class PeakMemory:
    """Peak memory between :meth:`start` and :meth:`peak_mib`, in MiB (see
    the module docstring for what is counted on each device).

    Args:
        device: The device the measured section runs on.
    """

    def __init__(self, device: torch.device) -> None:
        self.device = torch.device(device)
        self.kind = ''
        self.base_kib = 0

    def start(self) -> None:
        """Begin a section: reset the peak, remember the baseline."""
        if self.device.type == 'cuda':
            torch.cuda.synchronize(self.device)
            torch.cuda.reset_peak_memory_stats(self.device)
            self.kind = KINDS[0]
            return
        rss = status_kib('VmRSS') if reset_peak_rss() else None
        if rss is not None:
            self.base_kib, self.kind = rss, KINDS[1]
            return
        hwm = status_kib('VmHWM')
        if hwm is not None:
            self.base_kib, self.kind = hwm, KINDS[2]
            return
        # ru_maxrss is in KiB on Linux and is never reset
        self.base_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        self.kind = KINDS[3]

    def peak_mib(self) -> float:
        """The peak since :meth:`start` (non-negative), in MiB."""
        if not self.kind:
            raise RuntimeError('PeakMemory.peak_mib() before start()')
        if self.kind == KINDS[0]:
            return torch.cuda.max_memory_allocated(self.device) / MIB
        if self.kind == KINDS[3]:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        else:
            peak = status_kib('VmHWM')
        return max(peak - self.base_kib, 0) * 1024 / MIB


def in_fresh_process(measure: Callable[..., Dict], *args, **kwargs) -> Dict:
    """``measure(*args, **kwargs)`` in a new (spawned) python process: a
    peak measured there starts from an empty heap, not from memory another
    measurement freed. ``measure`` must be importable by name."""
    context = multiprocessing.get_context('spawn')
    with ProcessPoolExecutor(1, mp_context=context) as pool:
        return pool.submit(measure, *args, **kwargs).result()
