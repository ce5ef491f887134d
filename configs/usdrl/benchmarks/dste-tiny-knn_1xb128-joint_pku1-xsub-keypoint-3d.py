# kNN retrieval with the demo encoder on the PKU-MMD I action clips,
# cross-subject (training clips as gallery):
#   python tools/test.py CONFIG work_dirs/mgfd_dste-tiny_1xb64-joint-12e_pku1-xsub-keypoint-3d/epoch_12.pth
_base_ = ['./dste-tiny-knn_1xb128-joint_synthetic-xsub-keypoint-3d.py']

ann_file = 'data/skeleton/pkummd1_3d_trimmed.pkl'
test_dataloader = dict(
    dataset=dict(
        gallery=dict(ann_file=ann_file), query=dict(ann_file=ann_file)))
