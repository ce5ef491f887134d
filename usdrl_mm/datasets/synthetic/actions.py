"""The action library of the synthetic skeleton generator.

Every class is a parametric joint-angle trajectory: a function of the
normalised time ``u`` in [0, 1] of the movement (0: the movement starts,
1: it ends) and of per-sample :class:`MotionParams` (amplitude, number of
repetitions, oscillation phase, a random generator for style choices). It
returns one ``(T, D)`` track per person of angle *changes* with respect to
the person's rest posture; the generator adds posture, idle sway and time
warping. Tracks are written in degrees (angles) and metres (root
translation) for readability and converted to radians on return.

Most movements start and end at rest, so frames outside the movement (and
the background of untrimmed sequences) blend into idle standing. The
classes share body parts on purpose (several raise an arm, several bend
hips and knees), so no single joint separates them: the shape and timing of
the whole motion does.
"""
from dataclasses import dataclass
from typing import Callable, Dict, Optional, Tuple

import numpy as np

from .body import DOF_INDEX, LINEAR_DOFS, NUM_DOFS

__all__ = [
    'MotionParams', 'ActionSpec', 'ACTIONS', 'ACTION_NAMES', 'NUM_ACTIONS',
    'single_person_classes', 'mirror_track', 'fidget'
]

# Degrees -> radians for angles, metres stay metres.
_UNIT = np.full(NUM_DOFS, np.pi / 180.0)
for _name in LINEAR_DOFS:
    _UNIT[DOF_INDEX[_name]] = 1.0


@dataclass
class MotionParams:
    """Per-sample parameters of one performance of an action.

    Attributes:
        amp (float): Amplitude scale of the main movement (about 0.8-1.2).
        cycles (int): Repetitions of a periodic movement (claps, steps,
            punches, ...); non-periodic actions use it as the number of
            repeats where that is natural (squats, jumps, kicks).
        phase (float): Phase offset in [0, 1) of oscillations.
        rng (np.random.Generator): For class-specific style choices (where
            to point, which arm leads, ...).
    """

    amp: float
    cycles: int
    phase: float
    rng: np.random.Generator

    def jitter(self, low: float = 0.85, high: float = 1.15) -> float:
        """A random scale factor for a secondary movement."""
        return float(self.rng.uniform(low, high))


TrajectoryFn = Callable[[np.ndarray, MotionParams], Tuple[np.ndarray, ...]]


@dataclass(frozen=True)
class ActionSpec:
    """One class of the library.

    Attributes:
        name (str): Human-readable class name.
        fn (callable): ``fn(u, params)`` -> tuple of ``(T, D)`` tracks, one
            per person, in radians / metres.
        num_persons (int): 1, or 2 for interactions.
        cycles (tuple[int, int]): Inclusive range of ``MotionParams.cycles``.
        partner_distance (tuple[float, float]): Distance in metres between
            the two persons of an interaction.
        seconds (tuple[float, float]): ``(base, per_cycle)``: a brisk
            performance with ``n`` cycles takes at least ``base + n *
            per_cycle`` seconds; the generator uses it to keep movements at
            a humanly possible speed in short clips.
        mirror_prob (float): Probability that a performance is mirrored
            (done with the other arm / leg), for classes whose name does
            not fix the side.
    """

    name: str
    fn: TrajectoryFn
    num_persons: int = 1
    cycles: Tuple[int, int] = (1, 1)
    partner_distance: Tuple[float, float] = (1.0, 1.2)
    seconds: Tuple[float, float] = (1.0, 0.0)
    mirror_prob: float = 0.0

    def min_seconds(self, cycles: int) -> float:
        """Shortest plausible duration of a performance with ``cycles``
        repetitions."""
        return self.seconds[0] + cycles * self.seconds[1]


# ---------------------------------------------------------------------------
# Shape primitives over normalised time
# ---------------------------------------------------------------------------
def smoothstep(x: np.ndarray) -> np.ndarray:
    """0 below 0, 1 above 1, a C1 S-curve in between."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def ramp(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """Smooth step from 0 at ``u = a`` to 1 at ``u = b``."""
    return smoothstep((u - a) / max(b - a, 1e-6))


def window(u: np.ndarray, a: float, b: float, c: float,
           d: float) -> np.ndarray:
    """Rise over [a, b], hold 1 over [b, c], fall over [c, d]."""
    return ramp(u, a, b) * (1.0 - ramp(u, c, d))


def bump(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """A smooth sin^2 hump on [a, b] peaking at 1 in its middle."""
    x = np.clip((u - a) / max(b - a, 1e-6), 0.0, 1.0)
    return np.sin(np.pi * x)**2


def arc(u: np.ndarray, a: float, b: float) -> np.ndarray:
    """A half sine on [a, b] (a ballistic flight's height profile)."""
    x = np.clip((u - a) / max(b - a, 1e-6), 0.0, 1.0)
    return np.sin(np.pi * x)


def _track(u: np.ndarray) -> np.ndarray:
    """An empty ``(T, D)`` track."""
    return np.zeros((u.shape[0], NUM_DOFS))


def _add(q: np.ndarray, **dofs) -> None:
    """Add values (scalars or ``(T,)`` arrays, degrees or metres) to DOFs.

    ``both_<dof>`` adds the same value to ``l_<dof>`` and ``r_<dof>``.
    """
    for name, value in dofs.items():
        if name.startswith('both_'):
            for side in 'lr':
                q[:, DOF_INDEX[f'{side}_{name[5:]}']] += value
        else:
            q[:, DOF_INDEX[name]] += value


def _foot_flat(q: np.ndarray, sides: str = 'lr') -> None:
    """Set the ankles so the soles stay parallel to the thigh-shank chain's
    start, i.e. flat on the floor: the shank leans by hip - knee, so the
    ankle compensates with knee - hip."""
    for s in sides:
        q[:, DOF_INDEX[f'{s}_ankle_flex']] += (
            q[:, DOF_INDEX[f'{s}_knee_flex']] -
            q[:, DOF_INDEX[f'{s}_hip_flex']])


def _done(*tracks: np.ndarray) -> Tuple[np.ndarray, ...]:
    return tuple(t * _UNIT for t in tracks)


def _mirror_permutation() -> Tuple[np.ndarray, np.ndarray]:
    # Limb DOFs are already written in mirrored axes, so mirroring swaps
    # left and right; trunk, head and root motions about the vertical and
    # forward axes (and sideways translation) change sign.
    perm = np.arange(NUM_DOFS)
    sign = np.ones(NUM_DOFS)
    for name, i in DOF_INDEX.items():
        if name.startswith('l_'):
            perm[i] = DOF_INDEX['r_' + name[2:]]
        elif name.startswith('r_'):
            perm[i] = DOF_INDEX['l_' + name[2:]]
        elif name.endswith(('_twist', '_lat', '_yaw', '_roll')):
            sign[i] = -1.0
    return perm, sign


_MIRROR_PERM, _MIRROR_SIGN = _mirror_permutation()


def mirror_track(track: np.ndarray) -> np.ndarray:
    """The left-right mirror image of a ``(T, D)`` pose track."""
    return track[:, _MIRROR_PERM] * _MIRROR_SIGN


def fidget(u: np.ndarray,
           rng: np.random.Generator,
           side: str = 'l') -> np.ndarray:
    """A brief incidental gesture (touching the face / scratching the head)
    of one arm at a random moment, ``(T, D)`` in radians: a distractor that
    real recordings are full of."""
    q = _track(u)
    start = rng.uniform(0.0, 0.7)
    e = window(u, start, start + 0.08, start + 0.22, start + 0.3)
    _add(
        q, **{
            f'{side}_shoulder_flex': rng.uniform(50, 100) * e,
            f'{side}_shoulder_hzn': -rng.uniform(0, 25) * e,
            f'{side}_elbow_flex': rng.uniform(100, 135) * e,
            'neck_flex': rng.uniform(-5, 10) * e
        })
    return _done(q)[0]


def _cycle_phase(u: np.ndarray, p: MotionParams, a: float,
                 b: float) -> np.ndarray:
    """Oscillation angle 2*pi*(cycles * s + phase) over the window [a, b]."""
    s = np.clip((u - a) / max(b - a, 1e-6), 0.0, 1.0)
    return 2.0 * np.pi * (p.cycles * s + p.phase)


def _slots(u: np.ndarray, n: int, a: float,
           b: float) -> Tuple[np.ndarray, np.ndarray]:
    """Split [a, b] into ``n`` equal slots: (slot index, time within slot in
    [0, 1]) for every frame; frames outside get slot -1."""
    s = (u - a) / max(b - a, 1e-6) * n
    idx = np.floor(s).astype(np.int64)
    inside = (s >= 0) & (s < n)
    return np.where(inside, idx, -1), np.where(inside, s - idx, 0.0)


# ---------------------------------------------------------------------------
# Single-person actions
# ---------------------------------------------------------------------------
def wave_right_hand(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    rise = p.rng.uniform(0.12, 0.22)
    env = window(u, 0.0, rise, 1.0 - rise, 1.0)
    osc = np.sin(_cycle_phase(u, p, rise, 1.0 - rise))
    # Upper arm out to the side, forearm twisted upright; the wave is the
    # forearm swinging about the elbow in the frontal plane.
    _add(
        q,
        r_shoulder_abd=env * 85 * p.jitter(0.75, 1.3),
        r_shoulder_flex=env * 15 * p.jitter(0.5, 1.5),
        r_shoulder_twist=-90 * env,
        r_elbow_flex=env * 85 + env**3 * 30 * p.amp * osc,
        r_wrist_dev=env**3 * 10 * osc,
        neck_twist=env * 8,
        thorax_lat=-env * 3)
    return _done(q)


def raise_both_arms(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    up = p.rng.uniform(0.25, 0.4)
    down = p.rng.uniform(0.6, 0.75)
    env = window(u, 0.0, up, down, 1.0)
    # The left arm trails the right a little (people rarely move perfectly
    # symmetrically).
    lag = p.rng.uniform(-0.04, 0.04)
    env_l = window(u, max(lag, 0.0), up + lag, down + lag, 1.0)
    flex = min(165 * p.amp, 178)
    _add(
        q,
        r_shoulder_flex=env * flex,
        l_shoulder_flex=env_l * flex,
        both_shoulder_abd=env * 15 * p.jitter(0.5, 1.5),
        both_elbow_flex=-env * 8,
        neck_flex=-env * 12 * p.jitter(),
        thorax_flex=-env * 5)
    return _done(q)


def clap_hands(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    env = window(u, 0.0, 0.18, 0.82, 1.0)
    # open in [0, 1]: 0 when the palms meet in front of the chest.
    open_ = 0.5 - 0.5 * np.cos(_cycle_phase(u, p, 0.18, 0.82))
    _add(
        q,
        both_shoulder_flex=env * 70 * p.jitter(0.6, 1.25),
        both_elbow_flex=env * 35 * p.jitter(),
        both_shoulder_hzn=env * (-17 + 30 * p.amp * open_),
        both_wrist_flex=env * 20,
        neck_flex=env * 8)
    return _done(q)


def punch_forward(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    guard = window(u, 0.0, 0.15, 0.85, 1.0)
    # Boxing guard: fists in front of the chin.
    _add(
        q,
        both_shoulder_flex=guard * 40 * p.jitter(0.7, 1.3),
        both_elbow_flex=guard * 115 * p.jitter(0.9, 1.1),
        both_shoulder_hzn=-guard * 15,
        lumbar_flex=guard * 8,
        both_knee_flex=guard * 10,
        both_hip_flex=guard * 8)
    slot, x = _slots(u, p.cycles, 0.18, 0.82)
    # A fast jab: extend over the first 40% of a slot, retract after.
    ext = np.where(slot >= 0, bump(x, 0.0, 0.8)**0.7, 0.0)
    for k in range(p.cycles):
        side = 'r' if k % 2 == 0 else 'l'  # lead with the right
        e = np.where(slot == k, ext, 0.0)
        sign = 1.0 if side == 'r' else -1.0
        _add(
            q, **{
                f'{side}_shoulder_flex': e * 50 * p.amp,
                f'{side}_elbow_flex': -e * 110,
                f'{side}_shoulder_hzn': e * 8,
                'thorax_twist': -sign * e * 15 * p.jitter()
            })
    return _done(q)


def kick_forward(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    slot, x = _slots(u, p.cycles, 0.05, 0.95)
    on = slot >= 0
    # Chamber the knee, snap the shank forward, retract.
    chamber = np.where(on, bump(x, 0.0, 0.7), 0.0)
    extend = np.where(on, bump(x, 0.3, 0.8), 0.0)
    height = p.amp * p.jitter(0.85, 1.1)
    balance = window(u, 0.0, 0.1, 0.9, 1.0)
    _add(
        q,
        r_hip_flex=45 * chamber + 40 * height * extend,
        r_knee_flex=95 * bump(np.where(on, x, 0.0), 0.0, 0.45) + 10 * extend,
        r_ankle_flex=-20 * extend,
        lumbar_flex=-10 * extend,
        both_shoulder_abd=balance * 25 * p.jitter(0.6, 1.4),
        both_elbow_flex=balance * 30,
        l_knee_flex=balance * 8,
        l_hip_flex=balance * 5)
    _foot_flat(q, 'l')
    return _done(q)


def squat_down(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    slot, x = _slots(u, p.cycles, 0.05, 0.95)
    # Down and up once per slot, with a short hold at the bottom.
    s = np.where(slot >= 0, window(x, 0.0, 0.4, 0.6, 1.0), 0.0)
    depth = p.amp
    _add(
        q,
        both_hip_flex=95 * depth * s,
        both_knee_flex=115 * depth * s,
        lumbar_flex=25 * s,
        thorax_flex=5 * s,
        root_fwd=-0.06 * s,
        both_shoulder_flex=80 * s * p.jitter(),
        both_elbow_flex=10 * s)
    _foot_flat(q)
    return _done(q)


def jump_up(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    slot, x = _slots(u, p.cycles, 0.03, 0.97)
    on = slot >= 0
    xs = np.where(on, x, 0.0)
    crouch = np.where(on, bump(xs, 0.0, 0.45), 0.0)
    flight = np.where(on, arc(xs, 0.45, 0.72), 0.0)
    land = np.where(on, 0.6 * bump(xs, 0.7, 1.0), 0.0)
    bend = crouch + land
    # Arms swing back in the crouch and up through the take-off.
    _add(
        q,
        both_hip_flex=50 * bend,
        both_knee_flex=75 * bend,
        lumbar_flex=20 * bend,
        both_shoulder_flex=-35 * crouch + 150 * p.jitter(0.8, 1.1) * flight,
        root_up=flight * 0.22 * p.amp)
    _foot_flat(q)
    _add(q, both_ankle_flex=-30 * flight)  # toes point during the flight
    return _done(q)


def bow(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    down = p.rng.uniform(0.25, 0.4)
    up = p.rng.uniform(0.55, 0.7)
    env = window(u, 0.0, down, up, 1.0)
    depth = 55 * p.amp
    # The arms hang towards the floor, partly following the trunk.
    _add(
        q,
        lumbar_flex=depth * env,
        thorax_flex=10 * env,
        neck_flex=15 * env,
        both_shoulder_flex=0.5 * depth * env,
        root_fwd=-0.04 * env)
    return _done(q)


def twist_torso(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    env = window(u, 0.0, 0.15, 0.85, 1.0)
    osc = np.sin(_cycle_phase(u, p, 0.15, 0.85)) * env
    hold = p.jitter(0.7, 1.3)
    _add(
        q,
        lumbar_twist=15 * p.amp * osc,
        thorax_twist=25 * p.amp * osc,
        neck_twist=-10 * osc,
        both_shoulder_abd=30 * env * hold,
        both_shoulder_flex=25 * env,
        both_elbow_flex=90 * env,
        l_shoulder_hzn=-10 * osc,
        r_shoulder_hzn=10 * osc)
    return _done(q)


def walk_in_place(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    env = window(u, 0.0, 0.1, 0.9, 1.0)
    c = _cycle_phase(u, p, 0.05, 0.95)
    lift_l = np.maximum(np.sin(c), 0.0) * env
    lift_r = np.maximum(-np.sin(c), 0.0) * env
    hip = 40 * p.amp
    _add(
        q,
        l_hip_flex=hip * lift_l,
        l_knee_flex=1.7 * hip * lift_l,
        r_hip_flex=hip * lift_r,
        r_knee_flex=1.7 * hip * lift_r,
        both_ankle_flex=-10 * (lift_l + lift_r),
        # Arms swing against the legs, the weight shifts to the stance leg.
        l_shoulder_flex=-25 * env * np.sin(c) * p.jitter(),
        r_shoulder_flex=25 * env * np.sin(c) * p.jitter(),
        both_elbow_flex=20 * env,
        root_lat=-0.02 * env * np.sin(c),
        thorax_twist=5 * env * np.sin(c))
    return _done(q)


def sit_down(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    a = p.rng.uniform(0.05, 0.15)
    b = p.rng.uniform(0.5, 0.7)
    s = ramp(u, a, b)  # stays seated at the end
    _add(
        q,
        both_hip_flex=90 * s,
        both_knee_flex=90 * s,
        root_fwd=-0.25 * s,
        # Lean forwards while lowering, sit upright after.
        lumbar_flex=30 * bump(u, a, b + 0.1) + 5 * s,
        both_shoulder_flex=25 * s * p.jitter(),
        both_elbow_flex=60 * s * p.jitter(),
        neck_flex=5 * s)
    _foot_flat(q)
    return _done(q)


def reach_up(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    slot, x = _slots(u, p.cycles, 0.02, 0.98)
    e = np.where(slot >= 0, window(x, 0.0, 0.35, 0.65, 1.0), 0.0)
    # One hand stretches up, the body rises on the toes and looks up.
    _add(
        q,
        r_shoulder_flex=min(170 * p.amp, 178) * e,
        r_shoulder_abd=10 * e,
        r_elbow_flex=-10 * e,
        r_wrist_flex=-20 * e,
        thorax_lat=8 * e * p.jitter(),
        neck_flex=-20 * e,
        both_ankle_flex=-25 * e * p.jitter(0.5, 1.2),
        l_shoulder_abd=8 * e)
    return _done(q)


def throw(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    r = p.rng.uniform(0.45, 0.55)  # release time
    wind = window(u, 0.05, r - 0.1, r - 0.05, r + 0.05)
    follow = window(u, r - 0.05, r + 0.05, r + 0.15, 0.98)
    step = ramp(u, r - 0.2, r)
    back = ramp(u, r + 0.2, 1.0)  # the stepping foot comes back
    a = p.amp
    # Cocked arm (abducted, forearm up) behind the head, then an overarm
    # whip across the body while the trunk rotates into the throw.
    _add(
        q,
        r_shoulder_abd=90 * wind + 50 * follow,
        r_shoulder_twist=-90 * wind + 20 * follow,
        r_elbow_flex=90 * wind + 20 * follow,
        r_shoulder_hzn=30 * wind - 45 * a * follow,
        r_shoulder_flex=40 * follow,
        thorax_twist=30 * a * wind - 30 * a * follow,
        lumbar_flex=25 * follow,
        l_shoulder_flex=60 * wind,
        l_shoulder_hzn=-20 * wind,
        l_hip_flex=30 * bump(u, r - 0.25, r + 0.05),
        l_knee_flex=25 * bump(u, r - 0.25, r + 0.05),
        root_fwd=0.15 * step * (1.0 - back))
    return _done(q)


def point_forward(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    q = _track(u)
    hold_end = p.rng.uniform(0.7, 0.85)
    e = window(u, 0.0, 0.2, hold_end, min(hold_end + 0.2, 1.0))
    direction = p.rng.uniform(-25, 30)  # where the target is
    elevation = p.rng.uniform(75, 105)
    _add(
        q,
        r_shoulder_flex=elevation * e,
        r_shoulder_hzn=direction * e,
        r_elbow_flex=-8 * e,
        r_wrist_flex=10 * e,
        neck_twist=0.5 * direction * e,
        neck_flex=-0.2 * (elevation - 90) * e)
    return _done(q)


# ---------------------------------------------------------------------------
# Two-person interactions (person 0 acts, person 1 responds)
# ---------------------------------------------------------------------------
def shake_hands(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    tracks = []
    osc = np.sin(_cycle_phase(u, p, 0.3, 0.75))
    for delay in (0.0, p.rng.uniform(0.0, 0.06)):
        q = _track(u)
        env = window(u, delay, 0.3, 0.75, 1.0)
        # Both reach the right hand forward and in, and pump it together.
        _add(
            q,
            r_shoulder_flex=40 * env + 8 * p.amp * env**3 * osc,
            r_shoulder_hzn=-12 * env,
            r_elbow_flex=35 * env + 5 * env * osc,
            root_fwd=0.08 * env,
            lumbar_flex=5 * env,
            neck_flex=10 * env)
        tracks.append(q)
    return _done(*tracks)


def push_other(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    a = p.amp
    hit = p.rng.uniform(0.4, 0.5)
    pusher = _track(u)
    prep = window(u, 0.05, hit - 0.1, hit + 0.1, hit + 0.35)
    thrust = window(u, hit - 0.1, hit, hit + 0.08, hit + 0.3)
    # Hands to the chest, then a hard two-handed shove with a step.
    _add(
        pusher,
        both_shoulder_flex=45 * prep + 40 * thrust,
        both_elbow_flex=100 * prep - 90 * thrust,
        both_shoulder_hzn=-10 * prep,
        lumbar_flex=15 * thrust,
        r_hip_flex=20 * bump(u, hit - 0.2, hit + 0.1),
        r_knee_flex=20 * bump(u, hit - 0.2, hit + 0.1),
        root_fwd=0.15 * ramp(u, hit - 0.2, hit + 0.1))
    pushed = _track(u)
    recoil = ramp(u, hit, hit + 0.2)
    stagger = bump(u, hit, hit + 0.4)
    # Pushed back: stumble backwards, lean back, arms fly up for balance.
    _add(
        pushed,
        root_fwd=-0.3 * a * recoil,
        lumbar_flex=-15 * stagger,
        both_shoulder_abd=40 * stagger * p.jitter(),
        both_shoulder_flex=20 * stagger,
        both_elbow_flex=40 * stagger,
        l_hip_flex=-20 * bump(u, hit, hit + 0.3),
        l_knee_flex=30 * bump(u, hit, hit + 0.3),
        neck_flex=15 * stagger)
    return _done(pusher, pushed)


def hug_other(u: np.ndarray, p: MotionParams) -> Tuple[np.ndarray, ...]:
    tracks = []
    for k in range(2):
        q = _track(u)
        approach = ramp(u, 0.05, 0.35)
        leave = ramp(u, 0.7, 0.95)
        hold = window(u, 0.2, 0.4, 0.7, 0.9)
        # One arm over the partner's shoulder, the other around the waist;
        # the partner mirrors the choice.
        hi, lo = ('r', 'l') if k == 0 else ('l', 'r')
        _add(
            q,
            root_fwd=0.25 * approach * (1.0 - 0.8 * leave),
            both_shoulder_abd=55 * hold,
            both_shoulder_hzn=-45 * hold * p.amp,
            both_shoulder_flex=55 * hold,
            both_elbow_flex=70 * hold,
            lumbar_flex=10 * hold,
            neck_twist=(20 if k else -20) * hold,
            **{
                f'{hi}_shoulder_flex': 20 * hold,
                f'{lo}_shoulder_flex': -15 * hold
            })
        tracks.append(q)
    return _done(*tracks)


#: The library, in label order. The default 10 classes are the first ten,
#: which include two interactions so 2-person samples occur by default.
ACTIONS: Tuple[ActionSpec, ...] = (
    ActionSpec(
        'wave right hand', wave_right_hand, cycles=(2, 5),
        seconds=(0.8, 0.35)),
    ActionSpec('raise both arms', raise_both_arms, seconds=(1.2, 0.0)),
    ActionSpec('clap hands', clap_hands, cycles=(3, 7), seconds=(0.7, 0.3)),
    ActionSpec(
        'punch forward',
        punch_forward,
        cycles=(2, 4),
        seconds=(0.6, 0.4),
        mirror_prob=0.3),
    ActionSpec(
        'kick forward',
        kick_forward,
        cycles=(1, 2),
        seconds=(0.2, 0.9),
        mirror_prob=0.35),
    ActionSpec('squat down', squat_down, cycles=(1, 3), seconds=(0.2, 1.3)),
    ActionSpec('jump up', jump_up, cycles=(1, 3), seconds=(0.1, 0.9)),
    ActionSpec('bow', bow, seconds=(1.3, 0.0)),
    ActionSpec(
        'shake hands',
        shake_hands,
        num_persons=2,
        cycles=(3, 6),
        seconds=(1.2, 0.3),
        partner_distance=(0.85, 1.05)),
    ActionSpec(
        'push other person',
        push_other,
        num_persons=2,
        seconds=(1.2, 0.0),
        partner_distance=(0.8, 1.0)),
    ActionSpec('twist torso', twist_torso, cycles=(2, 4), seconds=(0.5, 0.9)),
    ActionSpec(
        'walk in place', walk_in_place, cycles=(2, 5), seconds=(0.4, 0.9)),
    ActionSpec('sit down', sit_down, seconds=(1.5, 0.0)),
    ActionSpec(
        'reach up',
        reach_up,
        cycles=(1, 2),
        seconds=(0.1, 1.0),
        mirror_prob=0.35),
    ActionSpec('throw', throw, seconds=(1.2, 0.0), mirror_prob=0.2),
    ActionSpec(
        'point forward', point_forward, seconds=(1.2, 0.0), mirror_prob=0.3),
    ActionSpec(
        'hug other person',
        hug_other,
        num_persons=2,
        seconds=(2.0, 0.0),
        partner_distance=(1.0, 1.3)),
)
ACTION_NAMES: Tuple[str, ...] = tuple(a.name for a in ACTIONS)
NUM_ACTIONS = len(ACTIONS)


def single_person_classes(
        num_classes: Optional[int] = None) -> Tuple[int, ...]:
    """Labels of the one-person classes among the first ``num_classes``."""
    n = NUM_ACTIONS if num_classes is None else num_classes
    return tuple(i for i, a in enumerate(ACTIONS[:n]) if a.num_persons == 1)


def action_by_name() -> Dict[str, ActionSpec]:
    """Name -> spec lookup."""
    return {a.name: a for a in ACTIONS}
