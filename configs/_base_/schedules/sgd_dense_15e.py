# The dense schedule for the CPU demos (2 cores): SGD 0.1, constant, 15
# epochs with one validation at the end, batch 64.
_base_ = ['./sgd_dense_150e.py']
optim_wrapper = dict(optimizer=dict(lr=0.1))
train_cfg = dict(max_epochs=15, val_begin=15, val_interval=15)
auto_scale_lr = dict(base_batch_size=64)
