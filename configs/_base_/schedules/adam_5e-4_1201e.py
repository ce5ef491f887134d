# USDRL pretraining schedule for PKU-MMD II (design.md §10.1): 1201 epochs,
# x0.1 at epoch 801, total batch 512.
_base_ = ['./adam_5e-4_451e.py']
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=True, milestones=[801], gamma=0.1)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=1201)
auto_scale_lr = dict(enable=False, base_batch_size=512)
