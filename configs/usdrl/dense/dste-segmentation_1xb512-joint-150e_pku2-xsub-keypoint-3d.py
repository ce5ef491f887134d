# Action segmentation on PKU-MMD part II (untrimmed), cross-subject: the
# detection model and schedule, scored per frame by accuracy, Edit and
# F1@{10, 25, 50} (design.md §13) on the stitched argmax. As in the DeST-family
# code the TPAMI segmentation follows (class 0 is named NONE there and only a
# class named "background" is excluded), every run counts as a segment; the
# convention that excludes class 0 is reported beside it (edit_bg0, ...).
# How the TPAMI code windows long sequences is not published; here 64-frame
# windows every 32 (training) and 64 (testing) frames.
_base_ = ['./dste-detection_1xb512-joint-150e_pku1-xsub-keypoint-3d.py']
ann_file = 'data/skeleton/pkummd2_untrimmed_3d.pkl'
train_dataloader = dict(dataset=dict(ann_file=ann_file))
val_dataloader = dict(dataset=dict(ann_file=ann_file))
test_dataloader = val_dataloader
val_evaluator = [{{_base_.segmentation_metric}}]
test_evaluator = val_evaluator
