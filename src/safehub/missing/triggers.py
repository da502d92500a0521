"""When a child's episodes cross a trigger rule: pure calculations, testable without a database.

"N episodes in D days": at any moment t the count is the number of episodes that started in [t - D days, t] (both ends
included, so episodes exactly D days apart are in the same window). A *crossing* is a maximal period during which the count
is at least N. It starts at the episode whose start made the count reach N and ends at the last moment the count is still at
least N (when the oldest counted episode is more than D days old and the count drops below N). Crossings are disjoint.

Adding an episode can only raise the count, so a crossing that has fired still lies inside one (possibly longer) crossing
after any backdated episode is added: that is what lets `services.evaluate_triggers` recognise a crossing it has already
fired (a stored `crossed_at` inside the computed period) and fire only genuinely new ones.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Crossing:
    episode_id: int  # the episode whose start made the count reach N
    crossed_at: dt.datetime  # that episode's start
    ends_at: dt.datetime  # the last moment the count is still at least N
    episode_ids: tuple[int, ...]  # every episode counted at some moment of the period, in start order

    def contains(self, moment: dt.datetime) -> bool:
        return self.crossed_at <= moment <= self.ends_at


def crossings(starts: Iterable[tuple[int, dt.datetime]], *, episodes: int, days: int) -> list[Crossing]:
    """The periods in which at least `episodes` episodes started within `days` days, from (episode id, start) pairs."""
    if episodes < 1 or days < 1:
        raise ValueError("A rule needs at least 1 episode and 1 day.")
    window = dt.timedelta(days=days)
    ordered = sorted(starts, key=lambda pair: (pair[1], pair[0]))
    rank = {episode_id: n for n, (episode_id, _start) in enumerate(ordered)}
    # Each episode enters the count at its start (kind 0) and leaves just after start + D (kind 1). At the same moment
    # entries come before exits: an episode starting exactly D days after another is counted together with it.
    changes = sorted(
        [(start, 0, rank[eid], eid) for eid, start in ordered] + [(start + window, 1, rank[eid], eid) for eid, start in ordered]
    )
    counted: set[int] = set()
    found: list[Crossing] = []
    current: dict | None = None
    for moment, kind, _rank, episode_id in changes:
        if kind == 0:
            counted.add(episode_id)
            if current is not None:
                current["ids"].add(episode_id)
            elif len(counted) >= episodes:
                current = {"episode_id": episode_id, "crossed_at": moment, "ids": set(counted)}
        else:
            counted.discard(episode_id)
            if current is not None and len(counted) < episodes:
                found.append(
                    Crossing(
                        current["episode_id"],
                        current["crossed_at"],
                        moment,
                        tuple(sorted(current["ids"], key=rank.__getitem__)),
                    )
                )
                current = None
    return found


def long_episode_crossed_at(started_at: dt.datetime, ended_at: dt.datetime | None, *, hours: int, now: dt.datetime):
    """When an episode became longer than `hours` hours, or None if it has not (yet) been."""
    threshold = started_at + dt.timedelta(hours=hours)
    end = ended_at or now
    return threshold if end > threshold and threshold <= now else None
