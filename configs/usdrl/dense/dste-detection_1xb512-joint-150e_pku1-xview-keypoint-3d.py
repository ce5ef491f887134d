_base_ = ['./dste-detection_1xb512-joint-150e_pku1-xsub-keypoint-3d.py']
train_dataloader = dict(dataset=dict(split='xview_train'))
val_dataloader = dict(dataset=dict(split='xview_val'))
test_dataloader = val_dataloader
