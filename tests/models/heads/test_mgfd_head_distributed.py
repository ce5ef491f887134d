"""Two gloo processes with B samples each give the loss (and gradients) of
one process with the whole 2B batch."""
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from usdrl_mm.models import MGFDHead


def full_batch(num_views=4, b=8):
    g = torch.Generator().manual_seed(0)
    return [{
        k: torch.randn(2 * b, d, generator=g)
        for k, d in (('t', 6), ('s', 6), ('i', 12))
    } for _ in range(num_views)]


def worker(rank, port, out):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2)
    try:
        embeds = [{
            k: v[rank * 8:(rank + 1) * 8].clone().requires_grad_()
            for k, v in e.items()
        } for e in full_batch()]
        losses = MGFDHead().loss(embeds)
        total = sum(v for k, v in losses.items() if k.startswith('loss_'))
        total.backward()
        # what DDP does to parameter gradients: average over ranks
        grads = [e['i'].grad / 2 for e in embeds]
        out[rank] = (total.item(), torch.stack(grads))
    finally:
        dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_two_ranks_equal_one_process_on_the_full_batch():
    embeds = [{
        k: v.clone().requires_grad_()
        for k, v in e.items()
    } for e in full_batch()]
    losses = MGFDHead().loss(embeds)
    total = sum(v for k, v in losses.items() if k.startswith('loss_'))
    total.backward()
    full_grads = torch.stack([e['i'].grad for e in embeds])

    manager = mp.Manager()
    out = manager.dict()
    mp.spawn(worker, args=(free_port(), out), nprocs=2, join=True)
    for rank in range(2):
        loss, grads = out[rank]
        assert abs(loss - total.item()) < 1e-4 * abs(total.item())
        assert torch.allclose(
            grads,
            full_grads[:, rank * 8:(rank + 1) * 8],
            atol=1e-6,
            rtol=1e-4)
    # without the gather, a rank's batch statistics differ
    local = MGFDHead(gather_distributed=False).loss([{
        k: v[:8]
        for k, v in e.items()
    } for e in full_batch()])
    assert abs(
        sum(v.item() for k, v in local.items() if k.startswith('loss_')) -
        total.item()) > 1e-2
