"""FLOPs of one measured step and the rate they give against the machine's
GEMM peak.

:func:`count_flops` runs one call of a step, for a training step the full
forward pass, backward pass and optimizer update, under
``torch.utils.flop_counter.FlopCounterMode``. It counts the FLOPs of matrix
products, convolutions and attention kernels only, each product of an
``(M, K)`` by a ``(K, N)`` matrix as ``2 * M * N * K`` FLOPs (a multiply
and an add per term: FLOPs, *not* multiply-adds, which would be half).
Element-wise work (activations, normalisations, the optimizer's update,
reductions) is not counted, so the figure is the step's GEMM-like work.
The backward pass is counted as it runs: a linear layer whose input needs
no gradient costs one product there (the weight's gradient), otherwise two.
Attention counts what its kernel computes; a fused kernel's backward
recomputes the scores, as torch's formula for it says. torch's table has no
entry for the CPU flash-attention kernels that
``F.scaled_dot_product_attention`` runs on a CPU; :data:`CPU_ATTENTION`
adds them with the same formulas as the GPU kernels.

:func:`flop_fields` turns the count into the fields every speed row gives:
``flops`` (per step), ``gflops_per_s = flops / step_s / 1e9``,
``gemm_peak_gflops`` and ``gemm_peak_precision`` (:mod:`.gemm_peak`, the
peak of the row's precision) and ``peak_fraction = gflops_per_s /
gemm_peak_gflops``.
"""
from typing import Callable, Dict, Optional, Sequence

import torch
from torch.utils.flop_counter import FlopCounterMode

from .gemm_peak import gemm_peak

aten = torch.ops.aten


def _bmm(b: int, m: int, k: int, n: int) -> int:
    """FLOPs of ``b`` products of ``(m, k)`` by ``(k, n)``."""
    return 2 * b * m * n * k


def attention_flops(query_shape: Sequence[int], key_shape: Sequence[int],
                    value_shape: Sequence[int]) -> int:
    """Forward attention on ``(B, H, L, E)`` queries, keys and values:
    scores ``Q K^T`` and their product with ``V``."""
    b, h, lq, e = query_shape
    lk, ev = key_shape[-2], value_shape[-1]
    return _bmm(b * h, lq, e, lk) + _bmm(b * h, lq, lk, ev)


def attention_backward_flops(query_shape: Sequence[int],
                             key_shape: Sequence[int],
                             value_shape: Sequence[int]) -> int:
    """A fused attention kernel's backward: the scores again, the gradients
    of the probabilities and of ``V``, then of ``Q`` and ``K``."""
    b, h, lq, e = query_shape
    lk, ev = key_shape[-2], value_shape[-1]
    bh = b * h
    return (_bmm(bh, lq, e, lk) + _bmm(bh, lq, ev, lk) + _bmm(bh, lk, lq, ev) +
            _bmm(bh, lq, lk, e) + _bmm(bh, e, lq, lk))


def _cpu_flash_forward(query,
                       key,
                       value,
                       *args,
                       out_shape=None,
                       **kwargs) -> int:
    return attention_flops(query, key, value)


def _cpu_flash_backward(grad_out,
                        query,
                        key,
                        value,
                        *args,
                        out_shape=None,
                        **kwargs) -> int:
    return attention_backward_flops(query, key, value)


def _cpu_attention_mapping() -> Dict:
    """The CPU flash-attention ops this torch has, with their formulas."""
    mapping = {}
    for name, formula in (('_scaled_dot_product_flash_attention_for_cpu',
                           _cpu_flash_forward),
                          ('_scaled_dot_product_flash_attention_for_cpu_'
                           'backward', _cpu_flash_backward)):
        if hasattr(aten, name):
            mapping[getattr(aten, name)] = formula
    return mapping


#: FlopCounterMode's ``custom_mapping`` for the CPU attention kernels.
CPU_ATTENTION = _cpu_attention_mapping()


def count_flops(step: Callable[[], object]) -> int:
    """FLOPs of one call of ``step`` (see the module docstring); the call
    really runs, so a training step updates the weights once."""
    counter = FlopCounterMode(display=False, custom_mapping=CPU_ATTENTION)
    with counter:
        step()
    return int(counter.get_total_flops())


def flop_fields(flops: Optional[int],
                step_s: float,
                precision: str,
                device: torch.device,
                gemm_sizes: Optional[Sequence[int]] = None) -> Dict:
    """``flops``, ``gflops_per_s``, ``gemm_peak_gflops``,
    ``gemm_peak_precision``, ``gemm_peak_size`` and ``peak_fraction`` of a
    row whose median step is ``step_s`` and runs in ``precision``; all
    ``None`` when ``flops`` is (not counted, ``--no-flops``), and then no
    peak is measured."""
    if flops is None:
        return dict(
            flops=None,
            gflops_per_s=None,
            gemm_peak_gflops=None,
            gemm_peak_precision=None,
            gemm_peak_size=None,
            peak_fraction=None)
    if step_s <= 0:
        raise ValueError(f'step_s must be positive, got {step_s}')
    gflops = flops / step_s / 1e9
    peak = gemm_peak(precision, device, gemm_sizes)
    return dict(
        flops=int(flops),
        gflops_per_s=gflops,
        gemm_peak_gflops=peak['gflops'],
        gemm_peak_precision=peak['precision'],
        gemm_peak_size=peak['size'],
        peak_fraction=gflops / peak['gflops'])


def flop_columns():
    """Table columns: achieved GFLOP/s and the fraction of the peak."""

    def fraction(r: Dict) -> str:
        if r.get('peak_fraction') is None:
            return '-'
        return (f"{100 * r['peak_fraction']:.1f} % of "
                f"{r['gemm_peak_gflops']:.0f} ({r['gemm_peak_precision']})")

    return [
        ('GFLOP/s', lambda r: '-'
         if r.get('gflops_per_s') is None else f"{r['gflops_per_s']:.1f}"),
        ('of the GEMM peak (GFLOP/s, dtype)', fraction),
    ]
