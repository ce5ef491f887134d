from torch import nn


class SkeletonEmbedding(nn.Sequential):
    """Token embedding of one DSTE stream (design.md §4.2).

    ``Linear(in -> D) -> LayerNorm -> ReLU -> Linear(D -> D)``, kept as an
    ``nn.Sequential`` so the parameter names (``0.*``, ``1.*``, ``3.*``) are
    those of the original checkpoints.
    """

    def __init__(self, in_channels: int, embed_dims: int) -> None:
        super().__init__(
            nn.Linear(in_channels, embed_dims), nn.LayerNorm(embed_dims),
            nn.ReLU(inplace=True), nn.Linear(embed_dims, embed_dims))
