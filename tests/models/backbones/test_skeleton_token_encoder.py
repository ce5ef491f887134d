"""What DSTE and STTR share: the encoder arguments, declared once on
SkeletonTokenEncoder and passed by keyword."""
import inspect

import pytest

from usdrl_mm.models import DSTE, STTR
from usdrl_mm.models.backbones.skeleton_token_encoder import \
    SkeletonTokenEncoder

SHARED = [
    name
    for name in inspect.signature(SkeletonTokenEncoder.__init__).parameters
    if name != 'self'
]


@pytest.mark.parametrize('cls', [DSTE, STTR])
def test_every_shared_argument_reaches_the_encoder(cls):
    model = cls(
        in_channels=2,
        num_joints=17,
        num_persons=1,
        clip_len=8,
        hidden_dim=16,
        num_layers=1,
        frozen=True,
        causal=True,
        frozen_train_mode=True)
    assert (model.in_channels, model.num_joints, model.num_persons) == (2, 17,
                                                                        1)
    assert (model.clip_len, model.hidden_dim) == (8, 16)
    assert model.frozen and model.causal and model.frozen_train_mode
    assert not any(p.requires_grad for p in model.parameters())
    assert model.temporal_pos.shape == (1, 8, 16)
    assert model.spatial_pos.shape == (1, 17, 16)


@pytest.mark.parametrize('cls', [DSTE, STTR])
def test_own_arguments_do_not_shadow_the_shared_ones(cls):
    own = set(inspect.signature(cls.__init__).parameters) - {'self', 'kwargs'}
    assert own and not own & set(SHARED)


@pytest.mark.parametrize('cls', [DSTE, STTR])
def test_arguments_are_keyword_only(cls):
    # a positional number used to mean in_channels; it must not silently
    # become the first layer argument
    with pytest.raises(TypeError):
        cls(3)


@pytest.mark.parametrize('cls', [DSTE, STTR])
def test_a_misspelt_argument_is_refused(cls):
    with pytest.raises(TypeError, match='hiden_dim'):
        cls(hiden_dim=16, clip_len=8)


def test_defaults_are_the_original_geometry_and_width():
    model = DSTE(num_layers=1)
    assert (model.in_channels, model.num_joints, model.num_persons) == (3, 25,
                                                                        2)
    assert (model.clip_len, model.hidden_dim) == (64, 1024)
