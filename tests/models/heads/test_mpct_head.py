import os
import socket

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from usdrl_mm.models import MGFDHead, MPCTHead
from usdrl_mm.models.losses import cross_correlation


def embeds(b=8, num=4, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [{
        k: torch.randn(b, d, generator=g)
        for k, d in (('t', 6), ('s', 6), ('i', 12))
    } for _ in range(num)]


def inputs(b=8):
    modal = {
        name: embeds(b, 2, seed)
        for seed, name in enumerate(('joint', 'bone', 'motion'), 1)
    }
    return embeds(b), embeds(b, 1, 9), modal


def xcorr_head():
    return MPCTHead(
        loss_view=dict(type='MultiViewConsistencyLoss', metric='xcorr'),
        loss_modal=dict(type='MultiModalConsistencyLoss', metric='xcorr'))


def test_mgfd_terms_unchanged_and_consistency_terms_added():
    views, virtual, modal = inputs()
    losses = MPCTHead().loss(views, virtual, modal)
    reference = MGFDHead().loss(views)
    for key, value in reference.items():
        assert torch.allclose(losses[key], value), key
    centre = torch.stack([v['i'] for v in views]).mean(0)
    assert torch.allclose(losses['loss_mv'],
                          5 * (virtual[0]['i'] - centre).pow(2).mean())
    # modal views 0 and 1 against the fused embeddings of views 0 and 1
    fused = torch.cat([views[0]['i'], views[1]['i']])
    bone = torch.cat([e['i'] for e in modal['bone']])
    assert torch.allclose(losses['mm_bone'], 5 * (bone - fused).pow(2).mean())
    assert set(losses) - set(reference) == {
        'loss_mv', 'loss_mm', 'mm_joint', 'mm_bone', 'mm_motion'
    }


def test_consistency_grain_is_configurable():
    views, virtual, modal = inputs()
    head = MPCTHead(consistency_grain='t')
    centre = torch.stack([v['t'] for v in views]).mean(0)
    assert torch.allclose(
        head.loss(views, virtual, modal)['loss_mv'],
        5 * (virtual[0]['t'] - centre).pow(2).mean())
    with pytest.raises(ValueError, match='grain'):
        MPCTHead(consistency_grain='x')


def test_zero_weights_and_missing_views():
    views, virtual, modal = inputs()
    head = MPCTHead(
        loss_view=dict(type='MultiViewConsistencyLoss', loss_weight=0.),
        loss_modal=dict(type='MultiModalConsistencyLoss', loss_weight=0.))
    assert not head.use_view and not head.use_modal
    assert head.loss(views).keys() == MGFDHead().loss(views).keys()
    with pytest.raises(ValueError, match='virtual'):
        MPCTHead().loss(views, [], modal)
    with pytest.raises(ValueError, match='single-modality'):
        MPCTHead().loss(views, virtual, {})


def total(losses):
    return sum(v for k, v in losses.items() if k.startswith('loss_'))


def worker(rank, port, out):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2)
    try:
        views, virtual, modal = inputs(b=16)

        def part(e):
            return {
                k: v[rank * 8:(rank + 1) * 8].clone().requires_grad_()
                for k, v in e.items()
            }

        views = [part(e) for e in views]
        virtual = [part(e) for e in virtual]
        modal = {k: [part(e) for e in v] for k, v in modal.items()}
        loss = total(xcorr_head().loss(views, virtual, modal))
        loss.backward()
        # what DDP does to parameter gradients: average over ranks
        out[rank] = (loss.item(), modal['bone'][0]['i'].grad / 2)
    finally:
        dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_two_ranks_equal_one_process_on_the_full_batch():
    views, virtual, modal = inputs(b=16)
    bone = modal['bone'][0]['i'].requires_grad_()
    losses = xcorr_head().loss(views, virtual, modal)
    # the xcorr metric is a batch statistic: not the mean of two halves
    half = cross_correlation(bone[:8], views[0]['i'][:8])
    assert not torch.allclose(
        half, cross_correlation(bone, views[0]['i']), rtol=1e-2)
    full = total(losses)
    full.backward()

    out = mp.Manager().dict()
    mp.spawn(worker, args=(free_port(), out), nprocs=2, join=True)
    for rank in range(2):
        loss, grad = out[rank]
        assert abs(loss - full.item()) < 1e-4 * abs(full.item())
        assert torch.allclose(
            grad, bone.grad[rank * 8:(rank + 1) * 8], rtol=1e-3, atol=1e-6)
