# PKU-MMD part I (untrimmed, 51 actions), cross-subject: 64-frame windows,
# every 32 frames for training and 64 for testing; test scores are stitched
# back into whole-sequence tracks. Build the file with
# tools/data/convert_pku_mmd.py.
dataset_type = 'UntrimmedPoseDataset'
ann_file = 'data/skeleton/pkummd1_3d.pkl'
num_classes = 51

window_pipeline = [
    # centre and align every window; padded frames stay empty
    dict(
        type='PreNormalize3DPerFrame',
        center_joint=1,
        xaxis=(4, 8),
        loop_pad=False),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackDenseSkeletonInputs'),
]
# the loader settings of the other dataset bases, restated: sibling bases
# cannot share a dataloader dict (a key in two bases is an error)
train_dataloader = dict(
    batch_size=512,
    num_workers=8,
    persistent_workers=True,
    # new, reproducible augmentation draws every epoch (exact on resume
    # with non-persistent workers); mmengine's default repeats them
    worker_init_fn=dict(type='seed_worker_per_epoch'),
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        split='xsub_train',
        num_classes=num_classes,
        clip_len=64,
        stride=32,
        pipeline=window_pipeline))
val_dataloader = dict(
    batch_size=512,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        split='xsub_val',
        num_classes=num_classes,
        clip_len=64,
        stride=64,
        test_mode=True,
        pipeline=window_pipeline))
test_dataloader = val_dataloader
# mAP_a / mAP_v on proposals; children reuse it as
#   {{_base_.pku1_detection_metric}}
pku1_detection_metric = dict(
    type='PKUDetectionMetric',
    num_classes=num_classes,
    # the TPAMI code's rule; dict(method='activity', smooth=20,
    # threshold=0.4) is the other codebase's (much different mAPs)
    proposal=dict(method='class_runs', threshold=0.02, smooth=1),
    iou_thrs=(0.1, 0.3, 0.5),
    video_iou_thr=0.5)
# per-frame scoring for the segmentation configs (design.md §13): every run
# a segment, the background-0 convention beside it; children select it with
#   val_evaluator = [{{_base_.segmentation_metric}}]
segmentation_metric = dict(
    type='SegmentationMetric',
    taus=(0.1, 0.25, 0.5),
    background=None,
    extra_backgrounds=(0, ))
val_evaluator = [pku1_detection_metric]
test_evaluator = val_evaluator
