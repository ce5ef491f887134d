_base_ = ['./mgfd_dste_2xb256-joint-1201e_pku2-xsub-keypoint-3d.py']
model = dict(data_preprocessor=dict(modality='bone'))
