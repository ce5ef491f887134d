# USDRL linear evaluation (design.md §10.2): SGD momentum 0.9 without weight
# decay, batch 512, 160 epochs with x0.1 at 120 and 140. The base lr is
# per dataset (0.006 NTU-60 xsub / NTU-120; 0.03 NTU-60 xview; 0.01 PKU-II).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.006, momentum=0.9, weight_decay=0.))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[120, 140], gamma=0.1)
]
# the final epoch is reported; validation every 5 epochs is for monitoring
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=160, val_begin=5, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
auto_scale_lr = dict(enable=False, base_batch_size=512)
