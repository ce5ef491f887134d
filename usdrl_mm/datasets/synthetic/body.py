"""Articulated body model of the synthetic skeleton generator (pure numpy).

A person is a kinematic tree of rigid segments (pelvis, lumbar and thoracic
spine, head, upper arms, forearms, hands, thighs, shanks, feet). Every NTU-25
joint sits at a fixed offset inside the segment of its tree parent, and a
pose is a vector of joint angles (the degrees of freedom, DOFs, below).
Forward kinematics turns a ``(T, D)`` track of angles into ``(T, 25, 3)``
joint positions. Because each joint only ever moves by rotating a rigid
offset, every bone of the layout keeps its length in every frame, so
a noise-free sample has exactly constant bone lengths.

Body frame (before the generator places a person in a scene): metres,
``x`` towards the person's left, ``y`` up, ``z`` backwards, so a person with
zero yaw faces ``-z``, i.e. looks into an NTU camera (``z`` = depth away
from it). The feet rest on the floor ``y = 0`` after :func:`ground`.

Angle conventions (radians inside this module; the action library writes
degrees and converts): ``*_flex`` positive moves a limb forward (hip,
shoulder, elbow, wrist), bends the knee backwards, lifts the toes at the
ankle (dorsiflexion) and bends the spine / neck / pelvis forwards;
``*_abd`` positive moves a limb sideways away from the body; ``*_hzn``
positive swings a raised arm horizontally outwards (negative brings it in
front of the chest); ``*_twist`` positive rotates a segment about its long
axis towards the person's right for the trunk and head and outwards for the
limbs. Left and right limbs use mirrored axes, so the same angle gives a
mirror-symmetric pose.
"""
from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

from usdrl_mm.structures.skeleton_layout import get_layout

__all__ = [
    'DOF_NAMES', 'DOF_INDEX', 'NUM_DOFS', 'LINEAR_DOFS', 'NUM_JOINTS',
    'REFERENCE_HEIGHT', 'FOOT_JOINTS', 'BodyModel', 'random_body',
    'subject_body', 'rotation_x', 'rotation_y', 'rotation_z', 'rodrigues',
    'forward_kinematics', 'ground'
]

LAYOUT = get_layout('nturgb+d')
NUM_JOINTS = LAYOUT.num_joints
_J = {name: i for i, name in enumerate(LAYOUT.joint_names)}

# ---------------------------------------------------------------------------
# Degrees of freedom
# ---------------------------------------------------------------------------
_LIMB_DOFS = ('shoulder_flex', 'shoulder_abd', 'shoulder_hzn',
              'shoulder_twist', 'elbow_flex', 'wrist_flex', 'wrist_dev',
              'hip_flex', 'hip_abd', 'hip_twist', 'knee_flex', 'ankle_flex')

#: Names of the pose vector entries. ``root_lat`` / ``root_fwd`` move the
#: pelvis (metres, sideways to the left / forwards in the person's own yaw
#: frame); ``root_up`` lifts the whole body *after* the feet are put on the
#: floor (a jump's flight); the other entries are angles.
_TRUNK_DOFS = ('root_lat', 'root_up', 'root_fwd', 'root_yaw', 'root_pitch',
               'root_roll', 'lumbar_flex', 'lumbar_lat', 'lumbar_twist',
               'thorax_flex', 'thorax_lat', 'thorax_twist', 'neck_flex',
               'neck_lat', 'neck_twist')
DOF_NAMES: Tuple[str, ...] = _TRUNK_DOFS + tuple(
    f'l_{d}' for d in _LIMB_DOFS) + tuple(f'r_{d}' for d in _LIMB_DOFS)
DOF_INDEX: Dict[str, int] = {name: i for i, name in enumerate(DOF_NAMES)}
NUM_DOFS = len(DOF_NAMES)
#: Translational DOFs (metres); every other DOF is an angle.
LINEAR_DOFS: Tuple[str, ...] = ('root_lat', 'root_up', 'root_fwd')

# Height of the reference skeleton whose offsets are written below.
REFERENCE_HEIGHT = 1.75
#: Joints that can touch the floor (ankles and feet).
FOOT_JOINTS: Tuple[int, ...] = (_J['left_ankle'], _J['left_foot'],
                                _J['right_ankle'], _J['right_foot'])

_X, _Y, _Z = 0, 1, 2


def _limb_segments(side: str) -> Tuple[Tuple[str, Optional[str], tuple], ...]:
    # Mirroring a pose through the sagittal plane (x -> -x) keeps rotations
    # about x and flips the sign of rotations about y and z, so the right
    # side uses the left side's axes with y/z signs negated.
    m = 1.0 if side == 'l' else -1.0
    s = side
    # Outermost rotation first: horizontal swing, abduction, flexion, then
    # the twist about the limb's own long axis.
    shoulder = (
        (f'{s}_shoulder_hzn', _Y, -m),
        (f'{s}_shoulder_abd', _Z, m),
        (f'{s}_shoulder_flex', _X, 1.0),
        (f'{s}_shoulder_twist', _Y, m),
    )
    wrist = ((f'{s}_wrist_flex', _X, 1.0), (f'{s}_wrist_dev', _Z, m))
    hip = ((f'{s}_hip_abd', _Z, m), (f'{s}_hip_flex', _X, 1.0),
           (f'{s}_hip_twist', _Y, m))
    return (
        (f'{s}_upper_arm', 'thorax', shoulder),
        (f'{s}_forearm', f'{s}_upper_arm', ((f'{s}_elbow_flex', _X, 1.0), )),
        (f'{s}_hand', f'{s}_forearm', wrist),
        (f'{s}_thigh', 'pelvis', hip),
        # Knee flexion swings the shank backwards: a negative x rotation.
        (f'{s}_shank', f'{s}_thigh', ((f'{s}_knee_flex', _X, -1.0), )),
        (f'{s}_foot', f'{s}_shank', ((f'{s}_ankle_flex', _X, 1.0), )),
    )


# (segment, parent segment, ((dof, axis, sign), ...)) in topological order.
# A segment's global rotation is its parent's rotation times the product of
# its elementary rotations, outermost first. Forward bending of the trunk is
# a negative x rotation (a positive one tips the up vector towards +z,
# i.e. backwards), hence the -1 signs.
_SEGMENTS: Tuple[Tuple[str, Optional[str], tuple], ...] = (
    ('pelvis', None, (('root_yaw', _Y, 1.0), ('root_pitch', _X, -1.0),
                      ('root_roll', _Z, -1.0))),
    ('lumbar', 'pelvis', (('lumbar_twist', _Y, 1.0), ('lumbar_flex', _X, -1.0),
                          ('lumbar_lat', _Z, -1.0))),
    ('thorax', 'lumbar', (('thorax_twist', _Y, 1.0), ('thorax_flex', _X, -1.0),
                          ('thorax_lat', _Z, -1.0))),
    ('head', 'thorax', (('neck_twist', _Y, 1.0), ('neck_flex', _X, -1.0),
                        ('neck_lat', _Z, -1.0))),
) + _limb_segments('l') + _limb_segments('r')


def _left_right(name_l: str, parent_l: str, segment_l: str,
                offset_l: Sequence[float]) -> tuple:
    """A left-side joint entry and its mirror image on the right."""
    x, y, z = offset_l

    def mirror(name: str) -> str:
        for left, right in (('left_', 'right_'), ('l_', 'r_')):
            if name.startswith(left):
                return right + name[len(left):]
        return name  # a midline joint or segment

    return ((name_l, parent_l, segment_l, (x, y, z)),
            (mirror(name_l), mirror(parent_l), mirror(segment_l), (-x, y, z)))


# (joint, FK parent joint, segment that carries the offset, rest offset of
# the joint from its parent in metres for a 1.75 m reference person).
# Arms hang down along -y and feet point forwards (-z) at rest. Hand tip and
# thumb both hang off the hand segment, so the layout's non-tree pair
# (hand_tip, thumb) is rigid as well.
_JOINT_TABLE: Tuple[Tuple[str, str, str, Tuple[float, float, float]], ...] = (
    ('spine_mid', 'spine_base', 'lumbar', (0.0, 0.255, 0.0)),
    ('spine_shoulder', 'spine_mid', 'thorax', (0.0, 0.215, 0.01)),
    ('neck', 'spine_shoulder', 'thorax', (0.0, 0.075, -0.005)),
    ('head', 'neck', 'head', (0.0, 0.12, -0.015)),
    *_left_right('left_shoulder', 'spine_shoulder', 'thorax',
                 (0.165, -0.035, 0.01)),
    *_left_right('left_elbow', 'left_shoulder', 'l_upper_arm',
                 (0.0, -0.285, 0.0)),
    *_left_right('left_wrist', 'left_elbow', 'l_forearm', (0.0, -0.25, 0.0)),
    *_left_right('left_hand', 'left_wrist', 'l_hand', (0.0, -0.075, 0.0)),
    *_left_right('left_hand_tip', 'left_hand', 'l_hand', (0.0, -0.07, 0.0)),
    # The thumb points forwards and towards the body midline.
    *_left_right('left_thumb', 'left_hand', 'l_hand', (-0.02, -0.03, -0.035)),
    *_left_right('left_hip', 'spine_base', 'pelvis', (0.085, -0.06, 0.0)),
    *_left_right('left_knee', 'left_hip', 'l_thigh', (0.0, -0.42, 0.0)),
    *_left_right('left_ankle', 'left_knee', 'l_shank', (0.0, -0.41, 0.0)),
    *_left_right('left_foot', 'left_ankle', 'l_foot', (0.0, -0.05, -0.12)),
)

# Which global scale factor of a subject stretches each joint's offset.
_PROPORTION_GROUP = {
    'spine_mid': 'torso',
    'spine_shoulder': 'torso',
    'neck': 'head',
    'head': 'head',
    'shoulder': 'shoulders',
    'elbow': 'arm',
    'wrist': 'arm',
    'hand': 'hand',
    'hand_tip': 'hand',
    'thumb': 'hand',
    'hip': 'hips',
    'knee': 'leg',
    'ankle': 'leg',
    'foot': 'foot'
}


def _group_of(joint_name: str) -> str:
    part = joint_name.replace('left_', '').replace('right_', '')
    return _PROPORTION_GROUP[part]


# Compiled FK plan: (joint index, parent index, segment index) per joint.
_SEGMENT_INDEX = {name: i for i, (name, _, _) in enumerate(_SEGMENTS)}
_FK_PLAN: Tuple[Tuple[int, int, int], ...] = tuple(
    (_J[j], _J[p], _SEGMENT_INDEX[s]) for j, p, s, _ in _JOINT_TABLE)
_REST_OFFSETS = np.zeros((NUM_JOINTS, 3))
for _name, _, _, _off in _JOINT_TABLE:
    _REST_OFFSETS[_J[_name]] = _off
assert len(_FK_PLAN) == NUM_JOINTS - 1, 'every joint but the root is placed'


@dataclass(frozen=True)
class BodyModel:
    """One person's body: bone offsets and habitual rest posture.

    Attributes:
        height (float): Standing height in metres (approximate, top of
            the head).
        offsets (np.ndarray): ``(V, 3)`` rest offset of every joint from its
            kinematic parent in the parent's segment frame; row 0 (the
            root) is zero.
        posture (np.ndarray): ``(D,)`` rest pose angles in radians (slight
            slouch, arms a little away from the body, ...), added to every
            action of this person.
    """

    height: float
    offsets: np.ndarray
    posture: np.ndarray


def random_body(rng: np.random.Generator) -> BodyModel:
    """Draw body proportions and a rest posture.

    Args:
        rng (np.random.Generator): Source of randomness.

    Returns:
        BodyModel: Height uniform in [1.5, 1.9] m; torso, limbs, shoulder and
        hip width each vary by a few percent on top of the height scale.
    """
    height = float(rng.uniform(1.5, 1.9))
    groups = ('torso', 'head', 'shoulders', 'arm', 'hand', 'hips', 'leg',
              'foot')
    spread = {'shoulders': 0.06, 'hips': 0.06, 'hand': 0.05, 'foot': 0.05}
    factor = {
        g: float(np.clip(rng.normal(1.0, spread.get(g, 0.03)), 0.85, 1.15))
        for g in groups
    }
    offsets = _REST_OFFSETS * (height / REFERENCE_HEIGHT)
    for name, _, _, _ in _JOINT_TABLE:
        offsets[_J[name]] *= factor[_group_of(name)]

    posture = np.zeros(NUM_DOFS)
    deg = np.deg2rad
    posture[DOF_INDEX['thorax_flex']] = deg(rng.normal(3.0, 3.0))
    posture[DOF_INDEX['neck_flex']] = deg(rng.normal(2.0, 4.0))
    posture[DOF_INDEX['lumbar_lat']] = deg(rng.normal(0.0, 1.5))
    for side in 'lr':
        posture[DOF_INDEX[f'{side}_shoulder_abd']] = deg(rng.uniform(5, 12))
        posture[DOF_INDEX[f'{side}_elbow_flex']] = deg(rng.uniform(5, 20))
        posture[DOF_INDEX[f'{side}_hip_abd']] = deg(rng.uniform(1, 5))
        posture[DOF_INDEX[f'{side}_hip_twist']] = deg(rng.uniform(0, 10))
        posture[DOF_INDEX[f'{side}_knee_flex']] = deg(rng.uniform(0, 5))
    return BodyModel(height=height, offsets=offsets, posture=posture)


def subject_body(subject: int, seed: int) -> BodyModel:
    """The fixed body of subject ``subject`` in the dataset of ``seed``.

    The same (seed, subject) always gives the same body, whatever else is
    generated, because the body has its own seed stream.
    """
    ss = np.random.SeedSequence([int(seed) & 0xFFFFFFFF, 0, int(subject)])
    return random_body(np.random.default_rng(ss))


# ---------------------------------------------------------------------------
# Rotations
# ---------------------------------------------------------------------------
def _axis_rotation(axis: int, angle: np.ndarray) -> np.ndarray:
    """``(T, 3, 3)`` right-handed rotations by ``angle`` (T,) about a
    coordinate axis."""
    c, s = np.cos(angle), np.sin(angle)
    rot = np.zeros(angle.shape + (3, 3))
    i, j = [a for a in range(3) if a != axis]
    rot[..., axis, axis] = 1.0
    # Cyclic order (x->y->z) decides where the minus sign goes.
    sign = 1.0 if (j - i) % 3 == 1 else -1.0
    rot[..., i, i] = c
    rot[..., j, j] = c
    rot[..., i, j] = -sign * s
    rot[..., j, i] = sign * s
    return rot


def rotation_x(angle: np.ndarray) -> np.ndarray:
    """Rotation about x; ``angle`` (...,) in radians -> (..., 3, 3)."""
    return _axis_rotation(_X, np.asarray(angle, dtype=np.float64))


def rotation_y(angle: np.ndarray) -> np.ndarray:
    """Rotation about y; ``angle`` (...,) in radians -> (..., 3, 3)."""
    return _axis_rotation(_Y, np.asarray(angle, dtype=np.float64))


def rotation_z(angle: np.ndarray) -> np.ndarray:
    """Rotation about z; ``angle`` (...,) in radians -> (..., 3, 3)."""
    return _axis_rotation(_Z, np.asarray(angle, dtype=np.float64))


def rodrigues(axis_angle: np.ndarray) -> np.ndarray:
    """Rotation matrices from axis-angle vectors (Rodrigues' formula).

    Args:
        axis_angle (np.ndarray): ``(..., 3)`` rotation axis scaled by the
            angle in radians.

    Returns:
        np.ndarray: ``(..., 3, 3)`` rotation matrices.
    """
    v = np.asarray(axis_angle, dtype=np.float64)
    theta = np.linalg.norm(v, axis=-1, keepdims=True)  # (..., 1)
    k = v / np.maximum(theta, 1e-12)
    kx, ky, kz = k[..., 0], k[..., 1], k[..., 2]
    zero = np.zeros_like(kx)
    # Cross-product matrix [k]_x, (..., 3, 3).
    kmat = np.stack([zero, -kz, ky, kz, zero, -kx, -ky, kx, zero],
                    axis=-1).reshape(v.shape[:-1] + (3, 3))
    s = np.sin(theta)[..., None]  # (..., 1, 1)
    c = np.cos(theta)[..., None]
    return np.eye(3) + s * kmat + (1.0 - c) * (kmat @ kmat)


# ---------------------------------------------------------------------------
# Forward kinematics
# ---------------------------------------------------------------------------
def forward_kinematics(angles: np.ndarray, body: BodyModel) -> np.ndarray:
    """Joint positions of a pose track in the body frame.

    Args:
        angles (np.ndarray): ``(T, D)`` pose track (``D`` = ``NUM_DOFS``,
            angles in radians, root translation in metres), *including*
            the body's rest posture.
        body (BodyModel): The person.

    Returns:
        np.ndarray: ``(T, V, 3)`` float64 positions. The pelvis starts at the
        origin (plus ``root_lat`` / ``root_fwd``); ``root_up`` is ignored
        here and applied by :func:`ground`.
    """
    angles = np.asarray(angles, dtype=np.float64)
    if angles.ndim != 2 or angles.shape[1] != NUM_DOFS:
        raise ValueError(f'angles must be (T, {NUM_DOFS}), got '
                         f'{angles.shape}')
    t = angles.shape[0]
    frames = []  # global rotation of each segment, (T, 3, 3)
    for _, parent, chain in _SEGMENTS:
        rot = None
        for dof, axis, sign in chain:
            r = _axis_rotation(axis, sign * angles[:, DOF_INDEX[dof]])
            rot = r if rot is None else rot @ r
        if parent is not None:
            rot = frames[_SEGMENT_INDEX[parent]] @ rot
        frames.append(rot)

    joints = np.zeros((t, NUM_JOINTS, 3))
    # Root translation is given in the person's yaw frame: left and forward.
    yaw = angles[:, DOF_INDEX['root_yaw']]
    lat = angles[:, DOF_INDEX['root_lat']]
    fwd = angles[:, DOF_INDEX['root_fwd']]
    local = np.stack([lat, np.zeros(t), -fwd], axis=-1)  # (T, 3)
    joints[:, 0] = np.einsum('tij,tj->ti', rotation_y(yaw), local)
    for joint, parent, seg in _FK_PLAN:
        joints[:,
               joint] = joints[:, parent] + frames[seg] @ body.offsets[joint]
    return joints


def ground(joints: np.ndarray,
           lift: Optional[np.ndarray] = None) -> np.ndarray:
    """Stand a person on the floor ``y = 0``, then apply a vertical lift.

    Every frame is shifted vertically so that its lowest ankle / foot joint
    touches the floor: squatting, sitting or standing on one leg then look
    right without modelling contacts explicitly. A whole-body shift keeps
    bone lengths.

    Args:
        joints (np.ndarray): ``(T, V, 3)`` positions from
            :func:`forward_kinematics`.
        lift (np.ndarray, optional): ``(T,)`` extra height in metres (the
            ``root_up`` DOF), e.g. the flight of a jump.

    Returns:
        np.ndarray: ``(T, V, 3)`` grounded positions (a new array).
    """
    floor = joints[:, FOOT_JOINTS, 1].min(axis=1)  # (T,)
    shift = -floor if lift is None else lift - floor
    out = joints.copy()
    out[..., 1] += shift[:, None]
    return out
