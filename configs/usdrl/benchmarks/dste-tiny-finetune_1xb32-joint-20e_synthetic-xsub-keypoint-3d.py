# Full fine-tuning of the demo encoder on the synthetic data (usdrl_mm's
# fine-tune recipe with a 20-epoch schedule for 2 CPU cores).
_base_ = ['./dste-finetune_1xb128-joint-100e_ntu60-xsub-keypoint-3d.py']

ann_file = 'data/synthetic/synthetic_3d.pkl'
model = dict(
    backbone=dict(
        hidden_dim=64,
        init_cfg=dict(checkpoint='work_dirs/demo_pretrain/epoch_24.pth')),
    cls_head=dict(num_classes=10))
train_dataloader = dict(
    batch_size=32,
    num_workers=0,  # in-process loading: fastest on small CPUs
    persistent_workers=False,
    dataset=dict(ann_file=ann_file, num_classes=10))
val_dataloader = dict(
    batch_size=128,
    num_workers=0,  # in-process loading: fastest on small CPUs
    persistent_workers=False,
    dataset=dict(ann_file=ann_file, num_classes=10))
test_dataloader = val_dataloader

optim_wrapper = dict(optimizer=dict(lr=1e-3))
param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.01,
        by_epoch=True,
        begin=0,
        end=2,
        convert_to_iter_based=True),
    dict(
        type='CosineAnnealingLR',
        T_max=18,
        eta_min=1e-5,
        by_epoch=True,
        begin=2,
        end=20,
        convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=20, val_begin=10, val_interval=10)
default_hooks = dict(logger=dict(interval=10))
auto_scale_lr = dict(base_batch_size=32)
