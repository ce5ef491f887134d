# Detection and segmentation on PKU-MMD part I from one training: the
# PKU-MMD I detection config (encoder fine-tuned, TPAMI proposals) scored
# also per frame as the PKU-MMD II segmentation config scores (every run a
# segment; background-0 convention beside it), the `paper` recipe of
# tools/analysis_tools/run_real_benchmarks.sh.
_base_ = ['./dste-detection_1xb512-joint-150e_pku1-xsub-keypoint-3d.py']
val_evaluator = [
    dict(
        type='PKUDetectionMetric',
        num_classes=51,
        proposal=dict(method='class_runs', threshold=0.02, smooth=1),
        iou_thrs=(0.1, 0.3, 0.5),
        video_iou_thr=0.5),
    dict(
        type='SegmentationMetric',
        taus=(0.1, 0.25, 0.5),
        background=None,
        extra_backgrounds=(0, ))
]
test_evaluator = val_evaluator
