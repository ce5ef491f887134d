_base_ = ['./mgfd_dste_2xb178-joint-451e_ntu120-xsub-keypoint-3d.py']
model = dict(data_preprocessor=dict(modality='bone'))
