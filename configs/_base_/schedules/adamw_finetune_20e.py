# usdrl_mm's fine-tune recipe (adamw_finetune_100e.py) with a 20-epoch
# schedule for the CPU demos (2 cores): lr 1e-3, 2 warm-up epochs, cosine
# decay to 1e-5, validation at 10 and 20, batch 32.
_base_ = ['./adamw_finetune_100e.py']
optim_wrapper = dict(optimizer=dict(lr=1e-3))
# restated whole: a child cannot patch one item of the base's list
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
auto_scale_lr = dict(base_batch_size=32)
