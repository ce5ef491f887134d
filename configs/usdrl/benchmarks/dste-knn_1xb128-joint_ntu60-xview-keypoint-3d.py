_base_ = ['./dste-knn_1xb128-joint_ntu60-xsub-keypoint-3d.py']
test_dataloader = dict(
    dataset=dict(
        gallery=dict(
            ann_file='data/skeleton/ntu60_3d.pkl', split='xview_train'),
        query=dict(ann_file='data/skeleton/ntu60_3d.pkl', split='xview_val')))
