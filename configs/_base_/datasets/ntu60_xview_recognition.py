# NTU RGB+D 60 cross-view recognition data: the cross-subject base with the
# cross-view splits.
_base_ = ['./ntu60_xsub_recognition.py']
train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = val_dataloader
