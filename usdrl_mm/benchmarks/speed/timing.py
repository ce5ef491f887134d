"""Timing steps and describing the machine they ran on."""
import os
import time
from typing import Callable, Dict, List, Mapping, Optional

import numpy as np
import torch

from .memory import PeakMemory


def resolve_device(name: Optional[str] = None) -> torch.device:
    """``name``, else ``cuda`` where available, else ``cpu``."""
    return torch.device(
        name or ('cuda' if torch.cuda.is_available() else 'cpu'))


def set_up(threads: Optional[int] = None, seed: int = 0) -> None:
    """torch's CPU threads (when given) and the torch / numpy seeds."""
    if threads:
        torch.set_num_threads(threads)
    torch.manual_seed(seed)
    np.random.seed(seed)


def synchronize(device: torch.device) -> None:
    """Wait for the device's queued work (a no-op on a CPU)."""
    if torch.device(device).type == 'cuda':
        torch.cuda.synchronize(device)


def time_steps(step: Callable[[], object],
               iters: int,
               warmup: int,
               device: torch.device,
               memory: Optional[PeakMemory] = None) -> List[float]:
    """Seconds of each of ``iters`` calls of ``step`` after ``warmup``
    untimed ones; the device is synchronised after every call.

    The memory peak, when ``memory`` is given, spans all calls: in steady
    state the allocator reuses what the first step took, so starting after
    the warm-up would miss it.
    """
    if iters < 1 or warmup < 0:
        raise ValueError(f'need iters >= 1 and warmup >= 0, got {iters}, '
                         f'{warmup}')
    synchronize(device)
    if memory is not None:
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


def timed_call(step: Callable[[], object], device: torch.device) -> float:
    """Seconds of one call of ``step``, the device synchronised before and
    after."""
    synchronize(device)
    start = time.perf_counter()
    step()
    synchronize(device)
    return time.perf_counter() - start


def interleave(
        steps: Mapping[str, Callable[[], object]],
        rounds: int,
        warmup: int,
        device: torch.device,
        log: Optional[Callable[[str],
                               object]] = print) -> Dict[str, List[float]]:
    """Seconds of ``rounds`` calls of every step, interleaved: each round
    calls every step once, in order, so slow drifts and bursts of other
    work on the machine hit all of them alike. ``warmup`` untimed rounds
    come first. ``log`` gets a line per round (``None``: silent).

    Returns:
        dict: per step name, its seconds in round order (round ``r`` of
        every step at index ``r``, for per-round ratios).
    """
    if rounds < 1 or warmup < 0:
        raise ValueError(f'need rounds >= 1 and warmup >= 0, got {rounds}, '
                         f'{warmup}')
    for _ in range(warmup):
        for step in steps.values():
            step()
    times: Dict[str, List[float]] = {name: [] for name in steps}
    for r in range(rounds):
        for name, step in steps.items():
            times[name].append(timed_call(step, device))
        if log is not None:
            log(f'round {r + 1}/{rounds}: ' +
                ', '.join(f'{name} {times[name][-1]:.3f}s' for name in steps))
    return times


def device_name(device: torch.device) -> str:
    """The GPU's name, or ``cpu (N cores)``."""
    device = torch.device(device)
    if device.type == 'cuda':
        return torch.cuda.get_device_name(device)
    return f'cpu ({os.cpu_count()} cores)'


def machine_fields(device: torch.device) -> dict:
    """The fields every result ends with: device, threads, torch version."""
    return dict(
        device=device_name(device),
        torch_threads=torch.get_num_threads(),
        torch_version=torch.__version__)
