"""Model size and FLOPs in MMAction2's convention.

MMAction2's model zoo (e.g. 5.7 G for ST-GCN on NTU-60 3D) counts with
mmengine's ``get_model_complexity_info`` (fvcore-style jit tracing) over the
recognizer's ``extract_feat`` (``tools/analysis_tools/get_flops.py``), and
that counter reports **multiply-adds**: one per multiply-accumulate of a
matrix product or convolution, plus the few norm and pooling ops it knows;
other element-wise ops are not counted. :func:`recognizer_flops` counts the
same way, with one addition: the tracer has no handle for
``aten::scaled_dot_product_attention``, which DSTE, STTR and every
``nn.MultiheadAttention`` call, so it would miss the attention products
(``Q K^T`` and ``A V``); :func:`sdpa_flop_jit` counts them by the same
rule. A model without attention (ST-GCN, PoseC3D) gets exactly
``get_model_complexity_info``'s number.

``torch.utils.flop_counter`` counts 2 FLOPs per multiply-add, i.e. twice
these numbers.
"""
import logging
from typing import Any, Dict, List

import torch
from mmengine.analysis import FlopAnalyzer
from mmengine.analysis.jit_handles import get_shape
from mmengine.logging import MMLogger
from torch import nn

#: How the counts are labelled in tables.
FLOPS_CONVENTION = 'multiply-adds, mmengine get_model_complexity_info'
SDPA_OP = 'aten::scaled_dot_product_attention'


def _prod(values: List[int]) -> int:
    out = 1
    for v in values:
        out *= int(v)
    return out


def sdpa_flop_jit(inputs: List[Any], outputs: List[Any]) -> int:
    """Multiply-adds of ``scaled_dot_product_attention(q, k, v, ...)``, a
    handle for mmengine's ``FlopAnalyzer``.

    With ``q (..., L, E)``, ``k (..., S, E)`` and ``v (..., S, Ev)``: ``B L
    S E`` for the scores ``Q K^T`` and ``B L S Ev`` for ``A V``, ``B`` the
    product of the leading (batch, head) dimensions; as for ``matmul``, the
    scaling, mask and softmax are not counted, and a causal mask does not
    reduce the count (the dense kernel computes every product).
    """
    q, k, v = (get_shape(x) for x in inputs[:3])
    batch = _prod(q[:-2])
    length, width = q[-2], q[-1]
    keys, value_width = k[-2], v[-1]
    return batch * length * keys * (width + value_width)


class _ExtractFeat(nn.Module):
    """``model.extract_feat`` as a forward, as MMAction2's ``get_flops.py``
    counts it (backbone, and neck where the recognizer has one)."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, inputs: torch.Tensor) -> Any:
        return self.model.extract_feat(inputs)


def count_params(model: nn.Module) -> int:
    """Parameters of ``model``, shared ones once."""
    return sum(p.numel() for p in model.parameters())


@torch.no_grad()
def recognizer_flops(model: nn.Module, inputs: torch.Tensor) -> Dict[str, Any]:
    """Multiply-adds of a recognizer's ``extract_feat`` on ``inputs``.

    Args:
        model (nn.Module): A recognizer (MMAction2's ``RecognizerGCN`` /
            ``Recognizer3D`` or the project's ``USDRLRecognizer``); put in
            eval mode for the count and restored after.
        inputs (torch.Tensor): One batch as the data preprocessor makes it,
            e.g. ``(1, 1, M, T, V, C)`` for one clip of a skeleton
            recognizer; the count is for the whole batch.

    Returns:
        dict: ``flops`` (multiply-adds, see the module doc), ``attention``
        (the part of it counted by :func:`sdpa_flop_jit`, 0 for a model
        without attention) and ``uncounted`` (``{op: calls}`` of the traced
        ops without a handle, all of them element-wise).
    """
    if not hasattr(model, 'extract_feat'):
        raise TypeError(f'{type(model).__name__} has no extract_feat: FLOPs '
                        'are counted for recognizers, as MMAction2 counts '
                        'them')
    was_training = model.training
    model.eval()
    logger = MMLogger.get_current_instance()
    level = logger.level
    logger.setLevel(logging.ERROR)  # the tracer logs every unhandled op
    try:
        analyzer = FlopAnalyzer(_ExtractFeat(model), (inputs, ))
        analyzer.set_op_handle(**{SDPA_OP: sdpa_flop_jit})
        analyzer.unsupported_ops_warnings(False)
        analyzer.uncalled_modules_warnings(False)
        flops = int(analyzer.total())
        attention = int(analyzer.by_operator().get(SDPA_OP.split('::')[-1], 0))
        uncounted = dict(analyzer.unsupported_ops())
    finally:
        logger.setLevel(level)
        model.train(was_training)
    return dict(flops=flops, attention=attention, uncounted=uncounted)
