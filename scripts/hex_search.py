"""Local search that improves a hex layout (used by ``scripts/build_hex_layout.py``).

The layout is an axial cell ``(q, r)`` per authority (pointy-top, see :mod:`ui.hexmap`).
The score, to maximise, is::

    pairs - W_SHORT * short - W_REGION * strays - W_DISPLACE * displacement
          - W_TURN * turn - W_HOLE * holes + W_CONTACT * contacts

``pairs``
    real-neighbour pairs whose cells are hex-adjacent;
``short``
    sum over authorities of ``max(0, need - got)``, ``need = ceil(min(k, 6) / 2)``
    with ``k`` real neighbours, ``got`` of them hex-adjacent;
``strays``
    authorities outside their region's largest connected group of cells (0 when
    every region is in one piece; counting authorities rather than pieces lets a
    stray group rejoin one authority at a time);
``displacement``
    sum of squared distances, in cell spacings, from each cell centre to the
    authority's target (its position on the cartogram);
``turn``
    sum over real-neighbour pairs of ``1 - cos`` of the angle between the direction
    from one cell to the other and the direction between their targets (0 when the
    neighbour lies the right way, 2 when it is on the opposite side);
``holes``
    over free cells, ``max(0, occupied neighbours - 4)`` (an enclosed gap costs 2);
``contacts``
    pairs of occupied neighbouring cells, whoever is in them (a compact map).

Moves: an authority goes to another cell; for a *swap* the occupant takes the vacated
cell, for a *push* the authorities in the way shift one cell along the same direction
until a free cell (at most ``MAX_PUSH`` of them). The cells tried for an authority
are those next to it or next to one of its real neighbours, within its *leash*:
``LEASH`` spacings of its target, or one spacing beyond its nearest real neighbour's
target if that is farther (islands). So the map can be reshuffled locally but never
drifts far from geography.

Order: a descent (best swap per authority from a queue of "dirty" authorities, kept
when it raises the score); simulated annealing (``PROPOSALS`` random swaps and
pushes, accepted with probability ``exp(gain / T)``, ``T`` cooling geometrically from
``T_START`` to ``T_END``; half the proposals move an authority that is short of
neighbours or stray, or one next to it, at ``HOT`` times the temperature; ``numpy``
generator with a fixed seed); a last descent from the best layout seen.
Cells are held as one integer each, ``(q + OFFSET) * STRIDE + (r + OFFSET)``, so "is
a neighbour" is a set lookup of the difference.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from ui.hexmap import AXIAL_NEIGHBOURS

W_SHORT = 6.0
W_REGION = 12.0
W_DISPLACE = 0.1
W_TURN = 1.0
W_HOLE = 1.5
W_CONTACT = 0.3
LEASH = 3.0
MAX_PUSH = 4
PROPOSALS = 300_000
PUSH_SHARE = 0.5
T_START = 0.5
T_END = 0.02
HOT = 6.0
REFRESH = 500  # proposals between updates of the troubled authorities
STRIDE = 4096
OFFSET = 1024
STEPS = tuple(dq * STRIDE + dr for dq, dr in AXIAL_NEIGHBOURS)
STEP_SET = frozenset(STEPS)
HALF_SQRT3 = math.sqrt(3) / 2


def encode(q: int, r: int) -> int:
    return (q + OFFSET) * STRIDE + (r + OFFSET)


def decode(cell: int) -> tuple[int, int]:
    return cell // STRIDE - OFFSET, cell % STRIDE - OFFSET


class Layout:
    """Mutable layout; ``got`` (hex-adjacent real neighbours) and ``stray`` (per region) kept current."""

    def __init__(self, q: np.ndarray, r: np.ndarray, adj: np.ndarray, region: np.ndarray,
                 target: np.ndarray) -> None:
        self.nb = [[int(j) for j in np.flatnonzero(row)] for row in adj]
        self.need = [math.ceil(min(len(n), 6) / 2) for n in self.nb]
        self.region = [int(g) for g in region]
        self.members: dict[int, list[int]] = {}
        for i, g in enumerate(self.region):
            self.members.setdefault(g, []).append(i)
        self.target = [(float(x), float(y)) for x, y in target]
        self._units: dict[int, tuple[float, float]] = {}  # unit vector of a cell difference
        self._xy: dict[int, tuple[float, float]] = {}  # centre of a cell
        self.heading: dict[tuple[int, int], tuple[float, float]] = {}
        for i, row in enumerate(self.nb):  # unit vector from i to j on the target map
            for j in row:
                dx, dy = target[j, 0] - target[i, 0], target[j, 1] - target[i, 1]
                norm = math.hypot(dx, dy) or 1.0
                self.heading[i, j] = (dx / norm, dy / norm)
        # squared leash: LEASH, or one spacing beyond the nearest real neighbour's target (islands)
        self.leash = [max(LEASH, 1.0 + min((math.dist(self.target[i], self.target[j]) for j in row),
                                           default=0.0)) ** 2 for i, row in enumerate(self.nb)]
        self.restore([encode(int(a), int(b)) for a, b in zip(q, r, strict=True)])

    def restore(self, cells: list[int]) -> None:
        self.cell = list(cells)
        self.at = {c: i for i, c in enumerate(self.cell)}
        self.got = [sum((self.cell[j] - self.cell[i]) in STEP_SET for j in self.nb[i])
                    for i in range(len(self.cell))]
        self.stray = {g: self.strays(g) for g in self.members}

    # --- score terms -------------------------------------------------------------------
    def strays(self, g: int) -> int:
        """Authorities of region ``g`` outside its largest connected group of cells."""
        rest = {self.cell[i] for i in self.members[g]}
        total, largest = len(rest), 0
        while rest and largest < len(rest):
            size, stack = 1, [rest.pop()]
            while stack:
                c = stack.pop()
                for s in STEPS:
                    if c + s in rest:
                        rest.discard(c + s)
                        stack.append(c + s)
                        size += 1
            largest = max(largest, size)
        return total - largest

    def displacement(self, i: int, cell: int) -> float:
        xy = self._xy.get(cell)
        if xy is None:
            q, r = decode(cell)
            xy = self._xy[cell] = (q + r / 2, r * HALF_SQRT3)
        tx, ty = self.target[i]
        return (xy[0] - tx) ** 2 + (xy[1] - ty) ** 2

    def turn(self, i: int, j: int, ci: int, cj: int) -> float:
        """(1 - cos) of the angle between the target heading i->j and cells ci->cj (0 to 2)."""
        ux, uy = self.heading[i, j]
        diff = cj - ci
        unit = self._units.get(diff)
        if unit is None:
            dq = (diff + STRIDE // 2) // STRIDE
            dr = diff - dq * STRIDE
            dx, dy = dq + dr / 2, dr * HALF_SQRT3
            norm = math.hypot(dx, dy)
            unit = self._units[diff] = (dx / norm, dy / norm)
        return 1.0 - (unit[0] * ux + unit[1] * uy)

    def holes_near(self, cells: set[int]) -> int:
        around = set(cells)
        for c in cells:
            around.update(c + s for s in STEPS)
        return sum(max(0, sum((c + s) in self.at for s in STEPS) - 4) for c in around if c not in self.at)

    def contacts_near(self, cells: set[int]) -> int:
        """Pairs of occupied neighbouring cells with at least one cell in ``cells``."""
        found = set()
        for c in cells:
            if c in self.at:
                found.update((min(c, c + s), max(c, c + s)) for s in STEPS if c + s in self.at)
        return len(found)

    def terms(self) -> dict[str, float]:
        """The score's terms, unweighted."""
        n = len(self.cell)
        free = {c + s for c in self.cell for s in STEPS if c + s not in self.at}
        return {"pairs": sum(self.got) / 2,
                "short": sum(max(0, self.need[i] - self.got[i]) for i in range(n)),
                "strays": sum(self.stray.values()),
                "displacement": sum(self.displacement(i, self.cell[i]) for i in range(n)),
                "turn": float(sum(self.turn(i, j, self.cell[i], self.cell[j])
                                  for i in range(n) for j in self.nb[i] if i < j)),
                "holes": self.holes_near(free),
                "contacts": self.contacts_near(set(self.cell))}

    def total(self) -> float:
        t = self.terms()
        return (t["pairs"] - W_SHORT * t["short"] - W_REGION * t["strays"]
                - W_DISPLACE * t["displacement"] - W_TURN * t["turn"] - W_HOLE * t["holes"]
                + W_CONTACT * t["contacts"])

    # --- moves -----------------------------------------------------------------------
    def plan(self, i: int, dest: int, push: bool) -> dict[int, int] | None:
        """New cells of every authority that moves when ``i`` goes to ``dest``.

        A swap gives ``dest``'s occupant ``i``'s cell; a push shifts the occupants in
        the line from ``dest`` onwards (direction: the step from ``i``'s cell, or the
        nearest of the six when ``dest`` is not next to it) until a free cell; None
        when more than ``MAX_PUSH`` would have to shift.
        """
        src = self.cell[i]
        j = self.at.get(dest)
        if j is None:
            return {i: dest}
        if not push:
            return {i: dest, j: src} if self.displacement(j, src) <= self.leash[j] else None
        step = dest - src if (dest - src) in STEP_SET else self._nearest_step(dest - src)
        new, cell = {i: dest}, dest
        while cell in self.at and self.at[cell] != i:
            if len(new) > MAX_PUSH:
                return None
            k = self.at[cell]
            if self.displacement(k, cell + step) > self.leash[k]:
                return None
            new[k] = cell + step
            cell += step
        return new

    @staticmethod
    def _nearest_step(diff: int) -> int:
        """The one of the six steps closest in direction to the cell difference ``diff``."""
        dq = (diff + STRIDE // 2) // STRIDE
        dr = diff - dq * STRIDE
        dx, dy = dq + dr / 2, dr * HALF_SQRT3
        scores = [dx * (sq + sr / 2) + dy * sr * HALF_SQRT3 for sq, sr in AXIAL_NEIGHBOURS]
        return STEPS[int(np.argmax(scores))]

    def _changes(self, new: dict[int, int]) -> tuple[dict[int, int], float]:
        """Change of ``got`` per authority, and of ``turn``, if the authorities in ``new`` move."""
        change: dict[int, int] = {}
        turn = 0.0
        for m, m_new in new.items():
            m_old = self.cell[m]
            for x in self.nb[m]:
                if x in new and x < m:
                    continue  # a pair of two movers is counted once
                x_old, x_new = self.cell[x], new.get(x, self.cell[x])
                turn += self.turn(m, x, m_new, x_new) - self.turn(m, x, m_old, x_old)
                step = int((x_new - m_new) in STEP_SET) - int((x_old - m_old) in STEP_SET)
                if step:
                    change[m] = change.get(m, 0) + step
                    change[x] = change.get(x, 0) + step
        return change, turn

    def _place(self, new: dict[int, int]) -> None:
        for m in new:
            del self.at[self.cell[m]]
        for m, c in new.items():
            self.cell[m] = c
            self.at[c] = m

    def delta(self, new: dict[int, int], floor: float = -math.inf) -> float:
        """Score change of the move ``new``; ``-inf`` once it surely cannot beat ``floor``."""
        change, turn = self._changes(new)
        short = sum(max(0, self.need[k] - self.got[k] - d) - max(0, self.need[k] - self.got[k])
                    for k, d in change.items())
        disp = sum(self.displacement(m, c) - self.displacement(m, self.cell[m]) for m, c in new.items())
        score = sum(change.values()) / 2 - W_SHORT * short - W_DISPLACE * disp - W_TURN * turn
        old = {self.cell[m] for m in new}
        changed = old ^ set(new.values())
        regions = {self.region[m] for m in new}
        if len(regions) == 1 and not changed:
            return score  # a swap inside one region
        before = sum(self.stray[g] for g in regions)
        holes_before = self.holes_near(changed) if changed else 0
        contacts_before = self.contacts_near(changed) if changed else 0
        if score + W_REGION * before + W_HOLE * holes_before + W_CONTACT * 6 * len(changed) <= floor:
            return -math.inf  # even joining every piece and filling every hole would not do
        undo = {m: self.cell[m] for m in new}
        self._place(new)
        after = sum(self.strays(g) for g in regions)
        holes_after = self.holes_near(changed) if changed else 0
        contacts_after = self.contacts_near(changed) if changed else 0
        self._place(undo)
        return (score - W_REGION * (after - before) - W_HOLE * (holes_after - holes_before)
                + W_CONTACT * (contacts_after - contacts_before))

    def apply(self, new: dict[int, int]) -> None:
        change, _ = self._changes(new)
        for k, d in change.items():
            self.got[k] += d
        self._place(new)
        for g in {self.region[m] for m in new}:
            self.stray[g] = self.strays(g)

    def options(self, i: int, leashed: bool = True) -> list[int]:
        """Cells worth trying for ``i``: next to it or to a real neighbour (within its leash)."""
        found = {self.cell[i] + s for s in STEPS}
        for j in self.nb[i]:
            found.update(self.cell[j] + s for s in STEPS)
        found.discard(self.cell[i])
        if not leashed:
            return sorted(found)
        return sorted(c for c in found if self.displacement(i, c) <= self.leash[i])

    def descend(self, queue: deque[int]) -> None:
        """Best swap or move for each queued authority until none raises the score."""
        queued = set(queue)
        while queue:
            i = queue.popleft()
            queued.discard(i)
            best, best_new = 1e-9, None
            for dest in self.options(i):
                new = self.plan(i, dest, push=False)
                if new is None:
                    continue
                gain = self.delta(new, best)
                if gain > best:
                    best, best_new = gain, new
            if best_new is None:
                continue
            dirty = set(best_new)
            for m in best_new:
                dirty.update(self.nb[m])
                dirty.update(self.at[self.cell[m] + s] for s in STEPS if self.cell[m] + s in self.at)
            self.apply(best_new)
            for m in best_new:
                dirty.update(self.at[self.cell[m] + s] for s in STEPS if self.cell[m] + s in self.at)
            for k in sorted(dirty - queued):
                queue.append(k)
                queued.add(k)


def trouble(state: Layout) -> list[int]:
    """Authorities short of neighbours or in a stray piece of a region, with those around them."""
    core = {i for i in range(len(state.cell)) if state.got[i] < state.need[i]}
    for g, members in state.members.items():
        if state.stray[g]:
            cells = {state.cell[i]: i for i in members}
            biggest: set[int] = set()
            rest = set(cells)
            while rest:
                group, stack = set(), [rest.pop()]
                while stack:
                    c = stack.pop()
                    group.add(c)
                    for step in STEPS:
                        if c + step in rest:
                            rest.discard(c + step)
                            stack.append(c + step)
                core.update(cells[c] for c in group)
                biggest = max(biggest, group, key=len)
            core.difference_update(cells[c] for c in biggest)
    found = set(core)
    for i in core:
        found.update(state.nb[i])
        found.update(state.at[state.cell[i] + s] for s in STEPS if state.cell[i] + s in state.at)
    return sorted(found)


def anneal(state: Layout, rng: np.random.Generator, proposals: int) -> list[int]:
    """Simulated annealing over swaps and pushes; returns the best cells seen.

    Half the proposals move an authority drawn from :func:`trouble` (refreshed every
    ``REFRESH`` steps), the other half one drawn from all.
    """
    n = len(state.cell)
    score = best = state.total()
    best_cells = list(state.cell)
    cooling = (T_END / T_START) ** (1 / max(1, proposals - 1))
    temp = T_START
    picks = rng.integers(n, size=proposals)
    draws = rng.random((proposals, 4))
    focus = trouble(state)
    for step in range(proposals):
        if step % REFRESH == 0:
            focus = trouble(state)
        hot = draws[step, 3] >= 0.5 and bool(focus)
        i = focus[int((draws[step, 3] - 0.5) * 2 * len(focus))] if hot else int(picks[step])
        options = state.options(i, leashed=False)  # the leash is checked on the cell drawn
        dest = options[int(draws[step, 0] * len(options))]
        new = None if state.displacement(i, dest) > state.leash[i] else state.plan(
            i, dest, push=draws[step, 2] < PUSH_SHARE)
        if new is not None:
            gain = state.delta(new)
            if gain >= 0 or draws[step, 1] < math.exp(gain / (temp * HOT if hot else temp)):
                state.apply(new)
                score += gain
                if score > best + 1e-9:
                    best, best_cells = score, list(state.cell)
        temp *= cooling
    return best_cells


def improve(q: np.ndarray, r: np.ndarray, adj: np.ndarray, region: np.ndarray, target: np.ndarray,
            *, seed: int, proposals: int = PROPOSALS, verbose: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Improve a layout by local search; deterministic for a given ``seed``.

    Parameters
    ----------
    q, r : numpy.ndarray of int
        Starting axial cells, one per authority.
    adj : numpy.ndarray of bool, shape (n, n)
        Real neighbours.
    region : numpy.ndarray of int
        Region number per authority.
    target : numpy.ndarray, shape (n, 2)
        Wanted positions in cell-spacing units (the frame of :func:`ui.hexmap.axial_to_xy`).
    seed : int
        Seed of the annealing generator.
    proposals : int
        Annealing steps.

    Returns
    -------
    (q, r) : tuple of numpy.ndarray of int
    """
    state = Layout(q, r, adj, region, target)
    n = len(state.cell)
    state.descend(deque(range(n)))
    if verbose:
        print(f"first descent: score {state.total():.2f} {state.terms()}")
    if proposals:
        state.restore(anneal(state, np.random.default_rng(seed), proposals))
        state.descend(deque(range(n)))
        if verbose:
            print(f"annealed and descended: score {state.total():.2f} {state.terms()}")
    cells = np.array([decode(c) for c in state.cell])
    return cells[:, 0], cells[:, 1]
