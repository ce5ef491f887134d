# Full fine-tuning of the demo encoder on the synthetic data (usdrl_mm's
# fine-tune recipe with a 20-epoch schedule for 2 CPU cores).
_base_ = [
    '../../_base_/models/dste_recognizer.py',
    '../../_base_/datasets/synthetic_xsub_recognition_cpu.py',
    '../../_base_/schedules/adamw_finetune_20e.py',
    '../../_base_/default_runtime.py'
]
# this leaf's own: the pretraining checkpoint (a data base cannot
# add it to `model`; design.md §22)
model = dict(
    backbone=dict(
        hidden_dim=64,
        init_cfg=dict(checkpoint='work_dirs/demo_pretrain/epoch_24.pth')),
    cls_head=dict(num_classes=10))
train_dataloader = dict(batch_size=32)
default_hooks = dict(
    logger=dict(interval=10), checkpoint=dict(interval=10, max_keep_ckpts=1))
