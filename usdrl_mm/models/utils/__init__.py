from .derived_widths import with_derived_in_channels
from .gather import gather_with_grad
from .skeleton_tokens import to_spatial_tokens, to_temporal_tokens
from .weight_init import init_usdrl_weights

__all__ = [
    'gather_with_grad', 'init_usdrl_weights', 'to_spatial_tokens',
    'to_temporal_tokens', 'with_derived_in_channels'
]
