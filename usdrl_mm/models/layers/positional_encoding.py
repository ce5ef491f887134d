import math

import torch
from torch import Tensor


def sinusoidal_positions(length: int, embed_dims: int) -> Tensor:
    """(length, D) table with ``PE[p, 2i] = sin(p / 10000^(2i/D))`` and
    ``PE[p, 2i+1] = cos(p / 10000^(2i/D))``.

    Rows do not depend on ``length``, so the table of any length reproduces
    the first rows of the original 200-row buffer exactly (design.md §4.3).
    """
    if embed_dims % 2:
        raise ValueError(f'sinusoidal positions need an even width, '
                         f'got {embed_dims}')
    position = torch.arange(length, dtype=torch.float32).unsqueeze(1)
    freq = torch.exp(
        torch.arange(0, embed_dims, 2, dtype=torch.float32) *
        (-math.log(10000.0) / embed_dims))
    table = torch.zeros(length, embed_dims)
    table[:, 0::2] = torch.sin(position * freq)
    table[:, 1::2] = torch.cos(position * freq)
    return table
