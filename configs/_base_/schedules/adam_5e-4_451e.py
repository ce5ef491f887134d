# USDRL pretraining schedule (design.md §10.1): Adam 5e-4 with coupled L2 weight
# decay 1e-5, x0.1 at epoch 351, 451 epochs, mixed precision, no warm-up.
optim_wrapper = dict(
    type='MixedPrecisionOptimWrapper',  # fp16 AMP on GPU, bf16 on CPU
    # fused: one kernel for every parameter's update instead of a python
    # loop of element-wise ops (same maths; 6x faster on CPU)
    optimizer=dict(
        type='Adam',
        lr=5e-4,
        betas=(0.9, 0.999),
        weight_decay=1e-5,
        fused=True))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[351], gamma=0.1)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=451)
val_cfg = None
test_cfg = None
auto_scale_lr = dict(enable=False, base_batch_size=356)
