"""Token layouts of the two DSTE streams.

The feature orderings match the original USDRL code, so its embedding
weights apply unchanged (design.md §3): a temporal token is one frame with
features ordered ``(m, v, c)``, a spatial token is one person-joint with
features ordered ``(t, c)``.
"""
from torch import Tensor


def to_temporal_tokens(x: Tensor) -> Tensor:
    """(N, M, T, V, C) -> (N, T, M*V*C); feature ``m*V*C + v*C + c``."""
    n, m, t, v, c = x.shape
    return x.permute(0, 2, 1, 3, 4).reshape(n, t, m * v * c)


def to_spatial_tokens(x: Tensor) -> Tensor:
    """(N, M, T, V, C) -> (N, M*V, T*C); token ``m*V + v``, feature
    ``t*C + c``."""
    n, m, t, v, c = x.shape
    return x.permute(0, 1, 3, 2, 4).reshape(n, m * v, t * c)
