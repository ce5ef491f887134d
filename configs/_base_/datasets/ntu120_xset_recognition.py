# NTU RGB+D 120 cross-setup recognition data: the cross-subject base with the
# cross-setup splits.
_base_ = ['./ntu120_xsub_recognition.py']
train_dataloader = dict(dataset=dict(split='xset_train'))
val_dataloader = dict(dataset=dict(split='xset_val'))
test_dataloader = val_dataloader
