"""The machine's measured GEMM peak: the limit a step's achieved GFLOP/s is
reported against (:func:`.flops.flop_fields`).

The peak of a precision is the best rate of square ``torch.mm`` products
``(n, n) @ (n, n)`` (``2 * n**3`` FLOPs each) of that dtype over a few
sizes and repeats, on the device and with the torch thread count current at
the call. The sizes grow until one product takes longer than
``max_mm_s``: a product that slow is far past the size where the machine's
GEMM saturates, and larger ones would only cost time. Results are cached
for the rest of the process, per device, dtype, thread count, sizes and
(for fp32) torch's float32 matmul precision, so every row of one run refers
to the same measured peak.

A step's precision maps to the dtype of its peak (:func:`peak_dtype`):
``fp32`` to fp32, ``bf16-autocast`` to bf16, ``fp16-autocast`` to fp16.
Under autocast some ops of a step still run in fp32 (normalisations, the
losses), so the fraction of the low-precision peak is a fraction of the
best the step could reach if all of its FLOPs were low-precision GEMMs.
On a GPU, fp32 products use TF32 where torch allows it
(``torch.backends.cuda.matmul.allow_tf32``); the peak's ``precision`` then
says ``fp32 (tf32 allowed)``.
"""
import time
from typing import Dict, Optional, Sequence, Tuple

import torch

from .precision import dtype_name
from .timing import synchronize

#: Square sizes tried by default, per device type.
DEFAULT_SIZES = {'cpu': (1024, 2048, 4096), 'cuda': (2048, 4096, 8192)}
#: Products per timed repeat: one on a CPU, many on a GPU (microseconds).
INNER = {'cpu': 1, 'cuda': 10}

_PRECISION_DTYPES = {
    'fp32': torch.float32,
    'bf16-autocast': torch.bfloat16,
    'fp16-autocast': torch.float16,
    'bf16': torch.bfloat16,
    'fp16': torch.float16,
    'fp64': torch.float64,
}

_CACHE: Dict[Tuple, Dict] = {}


def peak_dtype(precision: str) -> torch.dtype:
    """The GEMM dtype a step of ``precision`` (:mod:`.precision`'s names)
    is measured against."""
    try:
        return _PRECISION_DTYPES[precision]
    except KeyError:
        raise ValueError(f'no GEMM peak for precision {precision!r}; known: '
                         f'{sorted(_PRECISION_DTYPES)}') from None


def peak_precision_name(dtype: torch.dtype, device: torch.device) -> str:
    """The exact arithmetic of the measured products, e.g. ``'bf16'`` or
    ``'fp32 (tf32 allowed)'``."""
    name = dtype_name(dtype)
    if dtype == torch.float32 and torch.device(device).type == 'cuda' \
            and torch.backends.cuda.matmul.allow_tf32:
        name += ' (tf32 allowed)'
    return name


def mm_seconds(n: int, dtype: torch.dtype, device: torch.device,
               repeats: int) -> float:
    """The best seconds of one ``(n, n) @ (n, n)`` product over
    ``repeats`` timed repeats, after one untimed product."""
    device = torch.device(device)
    inner = INNER.get(device.type, 1)
    a = torch.randn(n, n, device=device).to(dtype)
    b = torch.randn(n, n, device=device).to(dtype)
    out = torch.empty(n, n, device=device, dtype=dtype)
    torch.mm(a, b, out=out)
    best = float('inf')
    for _ in range(repeats):
        synchronize(device)
        start = time.perf_counter()
        for _ in range(inner):
            torch.mm(a, b, out=out)
        synchronize(device)
        best = min(best, (time.perf_counter() - start) / inner)
    return best


def measure_gemm_peak(dtype: torch.dtype,
                      device: torch.device,
                      sizes: Optional[Sequence[int]] = None,
                      repeats: int = 3,
                      max_mm_s: float = 1.0) -> Dict:
    """The best GEMM rate of ``dtype`` on ``device`` (see the module
    docstring), cached for the process.

    Returns:
        dict: ``gflops`` (the peak, 1e9 FLOP/s), ``size`` (the ``n`` that
        reached it), ``precision`` (:func:`peak_precision_name`),
        ``threads`` (torch's CPU threads during the measurement) and
        ``rates`` (GFLOP/s per size tried).
    """
    device = torch.device(device)
    if sizes is None:
        sizes = DEFAULT_SIZES.get(device.type, DEFAULT_SIZES['cuda'])
    sizes = tuple(sorted(int(n) for n in sizes))
    if not sizes or sizes[0] < 1 or repeats < 1:
        raise ValueError(f'need sizes >= 1 and repeats >= 1, got {sizes}, '
                         f'{repeats}')
    threads = torch.get_num_threads()
    key = (str(device), dtype, threads, sizes, repeats,
           torch.get_float32_matmul_precision())
    if key in _CACHE:
        return dict(_CACHE[key])
    rates: Dict[int, float] = {}
    for n in sizes:
        seconds = mm_seconds(n, dtype, device, repeats)
        rates[n] = 2 * n**3 / seconds / 1e9
        if seconds > max_mm_s:
            break
    size = max(rates, key=rates.get)
    result = dict(
        gflops=rates[size],
        size=size,
        precision=peak_precision_name(dtype, device),
        threads=threads,
        rates=rates)
    _CACHE[key] = result
    return dict(result)


def gemm_peak(precision: str,
              device: torch.device,
              sizes: Optional[Sequence[int]] = None) -> Dict:
    """:func:`measure_gemm_peak` of the dtype of a step's ``precision``."""
    return measure_gemm_peak(peak_dtype(precision), device, sizes)


def clear_cache() -> None:
    """Forget the measured peaks (the next call measures again)."""
    _CACHE.clear()
