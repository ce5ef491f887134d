# The linear protocol's schedule for the CPU demos (2 cores): lr 0.1, x0.1 at
# epochs 12 and 16, 20 epochs, validation at 10 and 20, batch 64.
_base_ = ['./sgd_linear_160e.py']
optim_wrapper = dict(optimizer=dict(lr=0.1))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[12, 16], gamma=0.1)
]
train_cfg = dict(max_epochs=20, val_begin=10, val_interval=10)
auto_scale_lr = dict(base_batch_size=64)
