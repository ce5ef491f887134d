# The USDRL linear protocol's model (design.md §10.2): the recognizer with
# the pretrained encoder frozen and kept in eval mode; only the linear
# classifier trains.
_base_ = ['./dste_recognizer.py']
model = dict(backbone=dict(frozen=True))
