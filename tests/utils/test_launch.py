import socket

import pytest
import torch.distributed as dist
from mmengine.config import Config

from usdrl_mm.utils import (adapt_amp_to_device, enable_amp,
                            init_cpu_process_group)
from usdrl_mm.utils.launch import accelerator_available


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


@pytest.mark.skipif(accelerator_available(), reason='CPU-only path')
def test_gloo_group_and_ddp_wrapper(monkeypatch):
    monkeypatch.setenv('RANK', '0')
    monkeypatch.setenv('LOCAL_RANK', '0')
    monkeypatch.setenv('WORLD_SIZE', '1')
    monkeypatch.setenv('MASTER_ADDR', '127.0.0.1')
    monkeypatch.setenv('MASTER_PORT', str(free_port()))
    cfg = Config(dict(env_cfg=dict(dist_cfg=dict(backend='nccl'))))
    try:
        assert init_cpu_process_group(cfg, 'pytorch')
        assert dist.is_initialized() and dist.get_backend() == 'gloo'
        assert cfg.env_cfg.dist_cfg.backend == 'gloo'
        assert cfg.model_wrapper_cfg.device_ids is None
        assert not init_cpu_process_group(cfg, 'pytorch')  # already there
    finally:
        if dist.is_initialized():
            dist.destroy_process_group()
    assert not init_cpu_process_group(cfg, 'none')


def test_amp_flag_selects_the_device_aware_wrapper():
    cfg = Config(dict(optim_wrapper=dict(optimizer=dict(type='SGD', lr=1))))
    enable_amp(cfg)
    assert cfg.optim_wrapper.type == 'MixedPrecisionOptimWrapper'
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapperDict')))
    with pytest.raises(ValueError, match='--amp'):
        enable_amp(cfg)


@pytest.mark.skipif(accelerator_available(), reason='CPU-only path')
def test_amp_configs_run_on_cpu():
    cfg = Config(dict(optim_wrapper=dict(type='AmpOptimWrapper')))
    adapt_amp_to_device(cfg)
    assert cfg.optim_wrapper.type == 'MixedPrecisionOptimWrapper'
