# Detection fine-tuning as the TPAMI code effectively ran it (design.md §12.1,
# §17 D22): SGD 0.005 for backbone and head, momentum 0.9, no weight decay,
# batch 512, 150 epochs, constant learning rate.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.005, momentum=0.9, weight_decay=0.))
param_scheduler = []
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=150, val_begin=5, val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
auto_scale_lr = dict(enable=False, base_batch_size=512)
