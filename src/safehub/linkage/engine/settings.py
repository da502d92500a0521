"""``LinkageSettings``: every knob of training, prediction and clustering, validated on creation."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .errors import SettingsError
from .prepare import PREPARED_COLUMNS

__all__ = ["DEFAULT_BLOCKING_RULES", "DEFAULT_EM_BLOCKING_RULES", "LinkageSettings"]

BlockingRule = tuple[str, ...]

#: Pairs are scored when they agree on every column of at least one rule (rules whose columns are
#: absent from the data are skipped). Each rule is a cheap equi-join.
DEFAULT_BLOCKING_RULES: tuple[BlockingRule, ...] = (
    ("nhs_number",),
    ("upn",),
    ("police_id",),
    ("dob_digits",),
    ("given_name_canon", "family_name"),
    ("given_name_mp", "family_name_mp"),
    ("name_sorted",),
    ("postcode", "given_name_mp"),
    ("postcode", "family_name_mp"),
    ("postcode", "name_min"),
    ("postcode", "name_max"),
    ("address",),
    ("postcode", "address_number"),
    ("family_name", "address_number"),
    ("family_name_mp", "address_number"),
    ("given_name", "address_number"),
    ("given_name", "address_street"),
    ("address_street_sorted", "town"),
    ("postcode", "town"),
    ("town", "given_name"),
    ("town", "family_name"),
)
#: Expectation-maximisation passes: each estimates m for the comparisons it does not block on.
DEFAULT_EM_BLOCKING_RULES: tuple[BlockingRule, ...] = (
    ("dob_digits",),  # the column the date of birth comparison reads, so Splink leaves that comparison out of this pass
    ("given_name_canon", "family_name"),
)
#: Exact agreement on these is taken as a (near-)certain match when estimating the prior.
DEFAULT_PRIOR_RULES: tuple[BlockingRule, ...] = (("given_name", "family_name", "dob"),)

_MEMORY = re.compile(r"^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", re.IGNORECASE)
_BLOCKABLE = frozenset(c for c, t in PREPARED_COLUMNS.items() if not str(t).startswith("list") and c != "unique_id")


def _rules(value: Any, name: str, *, allow_empty: bool = False) -> tuple[BlockingRule, ...]:
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise SettingsError(f"{name} must be a list of rules, each a list of column names; got {value!r}")
    rules: list[BlockingRule] = []
    for i, rule in enumerate(value, 1):
        if isinstance(rule, str):
            rule = (rule,)
        if not isinstance(rule, list | tuple) or not rule:
            raise SettingsError(f"{name} rule {i} must be a non-empty list of column names; got {rule!r}")
        for column in rule:
            if not isinstance(column, str) or (column not in _BLOCKABLE and not column.startswith("extra_")):
                known = ", ".join(sorted(_BLOCKABLE))
                raise SettingsError(f"{name} rule {i} uses unknown column {column!r}; blocking columns are: {known}")
        rules.append(tuple(rule))
    if not rules and not allow_empty:
        raise SettingsError(f"{name} needs at least one rule")
    return tuple(rules)


@dataclass(frozen=True)
class LinkageSettings:
    """Settings for :func:`train`, :func:`predict` and clustering. Invalid values raise :class:`SettingsError`.

    ``threshold`` is the match probability at or above which two records are linked into one child;
    pairs scoring in ``[review_lower, threshold)`` are offered for human review. The default (0.9)
    sits where the synthetic and FEBRL4 benchmarks are flat: almost every true pair scores above 0.99
    and almost every false one below 0.5, so the band catches the genuinely uncertain few.
    """

    threshold: float = 0.9
    review_lower: float = 0.5
    blocking_rules: tuple[BlockingRule, ...] = DEFAULT_BLOCKING_RULES
    em_blocking_rules: tuple[BlockingRule, ...] = DEFAULT_EM_BLOCKING_RULES
    prior_rules: tuple[BlockingRule, ...] = DEFAULT_PRIOR_RULES
    #: Share of true matches the ``prior_rules`` are expected to find (for the first prior estimate).
    prior_recall: float = 0.7
    #: Then refine the prior to the model's own expected number of matches among the blocked pairs.
    refine_prior: bool = True
    #: Refuse to score more candidate pairs than this (an upper bound is computed before scoring).
    max_pairs: int = 50_000_000
    #: A blocking rule that would generate more than this many pairs per record (``("dob",)`` over a million
    #: records) is split: its pairs must also share, say, the forename's or the surname's first letter (``None``: never;
    #: see ``backend.effective_rules``).
    max_rule_pairs_per_record: float | None = 5.0
    #: Score at most about this many blocked pairs (a random share of them) when refining the prior.
    prior_sample_pairs: int = 2_000_000
    #: Random pairs sampled to estimate u (chance agreement).
    u_max_pairs: int = 2_000_000
    #: Cap on the pairs each EM pass uses (``None``: all the pairs its rule generates).
    em_max_pairs: int | None = 2_000_000
    em_max_iterations: int = 25
    em_convergence: float = 1e-4
    #: Floor for every trained m probability, so a kind of error absent from the training data (a
    #: date of birth a year out, say) weighs against a match but cannot veto it outright.
    m_floor: float = 0.001
    #: Below this many records the model is not trained; built-in parameters are used instead.
    min_records_for_training: int = 400
    term_frequency: bool = True
    #: Penalise "same date of birth and surname, unrelated forenames" (twins; see ``comparisons._twins``).
    #: Turn off only for data known to hold no twins, e.g. adult benchmark sets that replace forenames.
    twin_guard: bool = True
    memory_limit: str = "4GB"
    #: Where DuckDB spills when it reaches ``memory_limit`` (``None``: DuckDB's default, beside the database).
    temp_directory: str | None = None
    threads: int | None = None
    seed: int = 42
    #: Comparisons to leave out even when their columns are present (e.g. ``("address",)``).
    exclude_comparisons: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        def check(ok: bool, message: str) -> None:
            if not ok:
                raise SettingsError(message)

        for name in ("threshold", "review_lower", "prior_recall", "em_convergence"):
            value = getattr(self, name)
            check(isinstance(value, int | float) and not isinstance(value, bool), f"{name} must be a number; got {value!r}")
        check(0 < self.threshold < 1, f"threshold must be between 0 and 1 (exclusive); got {self.threshold}")
        check(0 < self.review_lower <= self.threshold,
              f"review_lower must be above 0 and no more than threshold ({self.threshold}); got {self.review_lower}")
        check(0 < self.prior_recall <= 1, f"prior_recall must be in (0, 1]; got {self.prior_recall}")
        check(0 < self.em_convergence < 1, f"em_convergence must be in (0, 1); got {self.em_convergence}")
        check(isinstance(self.m_floor, int | float) and 0 <= self.m_floor < 0.1,
              f"m_floor must be a number in [0, 0.1); got {self.m_floor!r}")
        check(self.max_rule_pairs_per_record is None or (isinstance(self.max_rule_pairs_per_record, int | float)
                                                         and not isinstance(self.max_rule_pairs_per_record, bool)
                                                         and self.max_rule_pairs_per_record > 0),
              f"max_rule_pairs_per_record must be a positive number or None; got {self.max_rule_pairs_per_record!r}")
        check(self.temp_directory is None or (isinstance(self.temp_directory, str) and bool(self.temp_directory.strip())),
              f"temp_directory must be a directory path or None; got {self.temp_directory!r}")
        for name in ("max_pairs", "u_max_pairs", "em_max_iterations", "min_records_for_training", "prior_sample_pairs"):
            value = getattr(self, name)
            check(isinstance(value, int) and not isinstance(value, bool) and value > 0,
                  f"{name} must be a positive whole number; got {value!r}")
        check(self.em_max_pairs is None or (isinstance(self.em_max_pairs, int) and self.em_max_pairs > 0),
              f"em_max_pairs must be a positive whole number or None; got {self.em_max_pairs!r}")
        check(self.threads is None or (isinstance(self.threads, int) and self.threads > 0),
              f"threads must be a positive whole number or None; got {self.threads!r}")
        check(isinstance(self.memory_limit, str) and bool(_MEMORY.match(self.memory_limit.strip())),
              f"memory_limit must look like '4GB' or '512MB'; got {self.memory_limit!r}")
        check(isinstance(self.seed, int), f"seed must be a whole number; got {self.seed!r}")
        object.__setattr__(self, "blocking_rules", _rules(self.blocking_rules, "blocking_rules"))
        object.__setattr__(self, "em_blocking_rules", _rules(self.em_blocking_rules, "em_blocking_rules"))
        object.__setattr__(self, "prior_rules", _rules(self.prior_rules, "prior_rules"))
        if isinstance(self.exclude_comparisons, str) or not isinstance(self.exclude_comparisons, list | tuple):
            raise SettingsError(f"exclude_comparisons must be a list of comparison names; got {self.exclude_comparisons!r}")
        object.__setattr__(self, "exclude_comparisons", tuple(self.exclude_comparisons))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("blocking_rules", "em_blocking_rules", "prior_rules"):
            data[key] = [list(r) for r in data[key]]
        data["exclude_comparisons"] = list(data["exclude_comparisons"])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LinkageSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        return cls(**data)

    def replace(self, **changes: Any) -> LinkageSettings:
        return LinkageSettings.from_dict({**self.to_dict(), **changes})
