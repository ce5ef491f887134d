import pytest
import torch
from mmaction.registry import MODELS

from usdrl_mm.models.losses import (MultiModalConsistencyLoss,
                                    multi_modal_consistency)


def hand_modalities():
    joint = torch.tensor([[1., 0.], [0., 1.]])
    bone = torch.tensor([[0., 0.], [0., 1.]])
    fused = torch.tensor([[1., 0.], [0., 1.]])
    return [joint, bone], fused


def test_hand_worked_values_against_the_fused_embedding():
    modalities, fused = hand_modalities()
    # joint equals the fused embedding; bone misses one unit in 4 elements
    assert multi_modal_consistency(modalities, fused).tolist() == [0.0, 0.25]


def test_hand_worked_values_against_the_cross_modal_mean():
    modalities, _ = hand_modalities()
    # mean [[0.5, 0], [0, 1]]: each modality is 0.5 off in one element
    assert multi_modal_consistency(modalities).tolist() == [0.0625, 0.0625]
    loss = MultiModalConsistencyLoss(loss_weight=2., target='mean')
    # the fused embedding is ignored with target='mean'
    assert loss(modalities, torch.zeros(2, 2)).item() == pytest.approx(0.125)


def test_cosine_ignores_the_norm():
    modalities, fused = hand_modalities()
    scaled = [3 * fused, 0.5 * fused]
    assert multi_modal_consistency(scaled, fused, 'cosine').abs().max() \
        < 1e-6
    # bone's first row is zero: cosine similarity 0, distance 1 on one row
    assert multi_modal_consistency(
        modalities, fused, 'cosine').tolist() == pytest.approx([0.0, 0.5])


@pytest.mark.parametrize('metric', ['mse', 'cosine'])
@pytest.mark.parametrize('target', ['fused', 'mean'])
def test_zero_when_the_modalities_agree(metric, target):
    z = torch.randn(8, 6)
    loss = MultiModalConsistencyLoss(metric=metric, target=target)
    assert loss([z, z.clone(), z.clone()], z.clone()).abs() < 1e-6


def test_gradients():
    fused = torch.randn(4, 3, requires_grad=True)
    modalities = [torch.randn(4, 3, requires_grad=True) for _ in range(3)]
    MultiModalConsistencyLoss()(modalities, fused).backward()
    assert fused.grad is None  # stop-gradient target
    assert all(z.grad.abs().sum() > 0 for z in modalities)

    MultiModalConsistencyLoss(detach_target=False)(modalities,
                                                   fused).backward()
    assert fused.grad.abs().sum() > 0


def test_mse_gradient_matches_the_formula():
    modalities, fused = hand_modalities()
    bone = modalities[1].clone().requires_grad_()
    MultiModalConsistencyLoss(loss_weight=3.)([modalities[0], bone],
                                              fused).backward()
    # d/db of 3 * mean_m mse_m over G = 2 modalities = 3 (b - f) / numel
    assert torch.allclose(bone.grad,
                          3 * (bone.detach() - fused) / bone.numel())


def test_weight_and_reduction():
    modalities, fused = hand_modalities()
    loss = MultiModalConsistencyLoss(loss_weight=4.)
    assert loss(modalities, fused, reduction='none').tolist() == [0.0, 1.0]
    assert loss(modalities, fused).item() == pytest.approx(0.5)
    zero = MODELS.build(dict(type='MultiModalConsistencyLoss', loss_weight=0.))
    assert zero(modalities, fused).item() == 0


def test_errors():
    modalities, fused = hand_modalities()
    with pytest.raises(ValueError, match='fused embedding'):
        MultiModalConsistencyLoss()(modalities)
    with pytest.raises(ValueError, match='target'):
        MultiModalConsistencyLoss(target='joint')
    with pytest.raises(ValueError, match='metric'):
        MultiModalConsistencyLoss(metric='kl')
    with pytest.raises(ValueError, match='shape'):
        multi_modal_consistency(modalities, torch.zeros(2, 3))
    with pytest.raises(ValueError, match='>= 2 modalities'):
        multi_modal_consistency(modalities[:1])
