default_scope = 'mmaction'
custom_imports = dict(imports=['usdrl_mm'], allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # written under a temporary name and renamed; old ones deleted last
    checkpoint=dict(type='AtomicCheckpointHook', interval=1, save_best=None),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
    # random-number states in every checkpoint: resumed runs are exact
    random_state=dict(type='RandomStateHook'),
    # test predictions drawn per sample (clip and labels, or the timeline
    # of a dense model): tools/test.py --show / --show-dir switch it on,
    # or --cfg-options default_hooks.visualization.enable=True
    visualization=dict(type='SkeletonVisualizationHook', enable=False))

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))  # tools/train.py switches to gloo on CPU

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='SkeletonVisualizer', vis_backends=vis_backends)

log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0, diff_rank_seed=False, deterministic=False)
