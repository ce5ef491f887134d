from .conv_attention import ConvAttention
from .dense_shift_attention import DenseShiftAttention
from .dst_layer import DSTLayer
from .mlp import Mlp
from .positional_encoding import sinusoidal_positions
from .self_attention import self_attention
from .skeleton_embedding import SkeletonEmbedding

__all__ = [
    'ConvAttention', 'DSTLayer', 'DenseShiftAttention', 'Mlp',
    'SkeletonEmbedding', 'self_attention', 'sinusoidal_positions'
]
