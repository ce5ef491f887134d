# The pretraining schedule of the CPU demos: the USDRL optimiser with 4x the
# paper's learning rate for the 288-step schedule (5e-4 learns visibly less
# here; see BENCHMARKS.md), x0.1 at epoch 20, 24 epochs, batch 64.
_base_ = ['./adam_5e-4_451e.py']
# fp32; --amp gives bf16 autocast
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(lr=2e-3))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[20], gamma=0.1)
]
train_cfg = dict(max_epochs=24)
auto_scale_lr = dict(enable=False, base_batch_size=64)
