import pytest
import torch
from mmaction.structures import ActionDataSample

from usdrl_mm.models import DenseFrameHead, dense_tokens


def samples(labels):
    out = []
    for row in labels:
        s = ActionDataSample()
        s.set_field(torch.tensor(row), 'gt_frame_labels')
        out.append(s)
    return out


def test_dense_tokens_resample_the_spatial_stream():
    yt = torch.randn(2, 64, 8)
    ys = torch.arange(50.).view(1, 50, 1).expand(2, 50, 8)
    out = dense_tokens(yt, ys)
    assert out.shape == (2, 64, 16)
    assert torch.equal(out[..., :8], yt)
    # adaptive average pooling 50 -> 64: slot i averages tokens
    # [floor(i * 50 / 64), ceil((i + 1) * 50 / 64))
    assert out[0, 0, 8] == 0.0
    assert out[0, 63, 8] == 49.0
    assert out[0, 1, 8] == pytest.approx((0 + 1) / 2)


def test_loss_ignores_padding_and_predict_stores_scores():
    head = DenseFrameHead(num_classes=3, in_channels=16)
    feats = (torch.randn(2, 8, 8), torch.randn(2, 50, 8))
    labels = [[0, 1, 2, 1, 0, 0, -1, -1], [2] * 8]
    losses = head.loss(feats, samples(labels))
    assert losses['loss_frame'] > 0 and 0 <= losses['frame_acc'] <= 1
    # padded frames do not count: the loss equals one computed without them
    logits = head(feats)
    flat = logits.flatten(0, 1)[torch.tensor(sum(labels, [])) >= 0]
    targets = torch.tensor([x for x in sum(labels, []) if x >= 0])
    assert torch.allclose(losses['loss_frame'],
                          torch.nn.functional.cross_entropy(flat, targets))
    out = head.predict(feats, samples(labels))
    assert out[0].pred_frame_scores.shape == (8, 3)
    assert torch.allclose(out[0].pred_frame_scores.sum(-1), torch.ones(8))


def test_gradients_reach_the_classifier():
    head = DenseFrameHead(num_classes=3, in_channels=16)
    yt = torch.randn(2, 8, 8, requires_grad=True)
    ys = torch.randn(2, 50, 8, requires_grad=True)
    head.loss((yt, ys), samples([[0] * 8, [1] * 8]))['loss_frame'].backward()
    assert yt.grad is not None and ys.grad is not None
    assert head.fc.weight.grad.abs().sum() > 0


def test_feat_norm_makes_the_head_invariant_to_feature_scale():
    head = DenseFrameHead(num_classes=3, in_channels=16, feat_norm=True)
    head.train()
    yt, ys = torch.randn(4, 8, 8), torch.randn(4, 50, 8)
    small = head((yt, ys))
    large = head((100 * yt + 3, 100 * ys + 3))
    assert small.shape == (4, 8, 3)
    assert torch.allclose(small, large, atol=1e-3)
    assert not any(p.requires_grad for p in head.norm.parameters())
