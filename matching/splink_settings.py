"""Splink model settings from ``conf/matching.yaml``: validated once, turned into Splink objects.

The conf names columns of ``matching.profile_features`` and a few comparison kinds instead of raw
Splink SQL, so a bad key fails at load time with a clear message rather than deep inside a Spark job.
The same settings run on Spark (the weekly job) and on DuckDB (the benchmark), so only portable SQL
is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import ColumnExpression, SettingsCreator, block_on

from matching.profile_features import FEATURE_COLUMNS

BACKENDS = ("spark", "duckdb")
KINDS = ("name", "email", "phone", "date", "array", "exact", "town", "contacts", "household")
# Kinds whose ``column`` is only the output name: they read the columns named by their other keys.
MULTI_COLUMN_KINDS = {
    "contacts": ("loyalty", "emails", "phones"),
    "household": ("surname", "surnames", "postcode", "street", "emails", "phones"),
}
# Kinds that compare ``column`` itself and read more columns named by these keys.
EXTRA_COLUMN_KINDS = {"town": ("postcode", "street")}
UNIQUE_ID = "profile_id"
# The contacts comparison's last level: both sides have contacts, none personal is shared.
NO_SHARED_CONTACT = "No shared personal contact"


class MatchingConfError(ValueError):
    """The matching conf is unusable; the message names the offending key."""


@dataclass(frozen=True)
class MatchingConf:
    """Validated ``matching:`` settings."""

    threshold: float
    store_threshold: float
    auto_merge_threshold: float | None
    max_profiles_per_value: int
    training: dict
    blocking_rules: list
    comparisons: list
    # Where Splink scores the pairs: "spark" (the weekly job's session) or "duckdb" (in the driver,
    # reading the profile features as one Arrow table; for domains one driver holds).
    backend: str = "spark"
    # A blocking key value held by more profiles than this joins none of them for that rule (block
    # purging): a crowded name block is left to the rules with a date or place part, and every
    # rule's pairs stay below max_block_size / 2 per profile, so they grow at most linearly. None: no cap.
    max_block_size: int | None = None

    def settings_creator(self, probability_two_random_records_match: float = 0.0001) -> SettingsCreator:
        """Untrained Splink settings for these comparisons and blocking rules."""
        return SettingsCreator(
            link_type="dedupe_only",
            unique_id_column_name=UNIQUE_ID,
            comparisons=[comparison(c) for c in self.comparisons],
            blocking_rules_to_generate_predictions=[prediction_rule(r) for r in self.blocking_rules],
            probability_two_random_records_match=probability_two_random_records_match,
            retain_intermediate_calculation_columns=False,
            retain_matching_columns=False,
        )


def _fail(message: str) -> None:
    raise MatchingConfError(message)


def _check_column(column: Any, where: str) -> None:
    if column not in FEATURE_COLUMNS:
        _fail(f"{where}: unknown column {column!r}; expected one of {sorted(FEATURE_COLUMNS)}")


def _check_probability(value: Any, key: str, allow_none: bool = False) -> None:
    if value is None and allow_none:
        return
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 1:
        _fail(f"{key} must be a probability in (0, 1], got {value!r}")


def _check_rule(rule: Any, where: str) -> None:
    if isinstance(rule, dict):
        if set(rule) != {"explode"}:
            _fail(f"{where}: a mapping rule takes only 'explode', got {sorted(rule)}")
        _check_column(rule["explode"], where)
    elif isinstance(rule, list) and rule:
        for column in rule:
            _check_column(column, where)
    else:
        _fail(f"{where}: a rule is a non-empty list of columns or {{explode: column}}, got {rule!r}")


def _check_comparison(spec: Any, index: int) -> None:
    where = f"comparisons[{index}]"
    if not isinstance(spec, dict) or "column" not in spec or "kind" not in spec:
        _fail(f"{where}: needs 'column' and 'kind'")
    if spec["kind"] not in KINDS:
        _fail(f"{where}: unknown kind {spec['kind']!r}; expected one of {KINDS}")
    required = MULTI_COLUMN_KINDS.get(spec["kind"], ()) or EXTRA_COLUMN_KINDS.get(spec["kind"], ())
    for key in required:
        if key not in spec:
            _fail(f"{where}: kind {spec['kind']!r} needs {key!r}")
    single = () if spec["kind"] in MULTI_COLUMN_KINDS else ("column",)
    for key in (*single, "array", "aliases", "swapped", "primary", "local_part", "stem", *required):
        if key in spec:
            _check_column(spec[key], f"{where}.{key}")
    if not isinstance(spec.get("count_absence", False), bool):
        _fail(f"{where}.count_absence must be true or false, got {spec['count_absence']!r}")
    years = spec.get("within_years")
    if years is not None and (not isinstance(years, int) or isinstance(years, bool) or years < 1):
        _fail(f"{where}.within_years must be a positive integer, got {years!r}")
    for value in spec.get("jaro_winkler", []):
        _check_probability(value, f"{where}.jaro_winkler")
    if list(spec.get("jaro_winkler", [])) != sorted(spec.get("jaro_winkler", []), reverse=True):
        _fail(f"{where}.jaro_winkler thresholds must be in decreasing order")


def validate(conf: dict) -> MatchingConf:
    """Check every key of a ``matching:`` mapping; return it typed, or raise MatchingConfError."""
    known = {
        "threshold",
        "store_threshold",
        "auto_merge_threshold",
        "max_profiles_per_value",
        "training",
        "blocking_rules",
        "comparisons",
        "backend",
        "max_block_size",
    }
    unknown = set(conf) - known
    if unknown:
        _fail(f"unknown matching keys {sorted(unknown)}")
    _check_probability(conf.get("threshold"), "threshold")
    _check_probability(conf.get("store_threshold"), "store_threshold")
    _check_probability(conf.get("auto_merge_threshold"), "auto_merge_threshold", allow_none=True)
    if conf["store_threshold"] > conf["threshold"]:
        _fail("store_threshold must not exceed threshold (matches would not be stored)")
    auto = conf.get("auto_merge_threshold")
    if auto is not None and auto < conf["threshold"]:
        _fail("auto_merge_threshold must not be below threshold")
    limit = conf.get("max_profiles_per_value")
    if not isinstance(limit, int) or limit < 2:
        _fail(f"max_profiles_per_value must be an integer >= 2, got {limit!r}")
    block_cap = conf.get("max_block_size")
    if block_cap is not None and (not isinstance(block_cap, int) or isinstance(block_cap, bool) or block_cap < 2):
        _fail(f"max_block_size must be an integer >= 2 or null, got {block_cap!r}")
    rules = conf.get("blocking_rules") or []
    if not rules:
        _fail("blocking_rules must not be empty")
    for i, rule in enumerate(rules):
        _check_rule(rule, f"blocking_rules[{i}]")
    training = conf.get("training") or {}
    unknown_training = set(training) - {
        "max_pairs_for_u",
        "u_chunks",
        "seed",
        "em_blocking_rules",
        "min_m_probability",
    }
    if unknown_training:
        _fail(f"unknown training keys {sorted(unknown_training)}")
    if not training.get("em_blocking_rules"):
        _fail("training.em_blocking_rules must not be empty")
    for i, rule in enumerate(training["em_blocking_rules"]):
        _check_rule(rule, f"training.em_blocking_rules[{i}]")
    _check_probability(training.get("min_m_probability", 0.001), "training.min_m_probability")
    comparisons = conf.get("comparisons") or []
    if not comparisons:
        _fail("comparisons must not be empty")
    for i, spec in enumerate(comparisons):
        _check_comparison(spec, i)
    backend = conf.get("backend", "spark")
    if backend not in BACKENDS:
        _fail(f"backend must be one of {BACKENDS}, got {backend!r}")
    return MatchingConf(
        backend=backend,
        threshold=float(conf["threshold"]),
        store_threshold=float(conf["store_threshold"]),
        auto_merge_threshold=None if auto is None else float(auto),
        max_profiles_per_value=limit,
        max_block_size=block_cap,
        training=training,
        blocking_rules=rules,
        comparisons=comparisons,
    )


def blocking_rule(rule: list | dict):
    """A Splink blocking rule: equality on every listed column, or on any element of an array."""
    if isinstance(rule, dict):
        return block_on(rule["explode"], arrays_to_explode=[rule["explode"]])
    return block_on(*rule)


def block_key_column(rule: list[str]) -> str:
    """The column holding a prediction rule's key (see ``matching.blocking.with_block_keys``).

    Named after the rule's columns, not its position, so a stored model and the features agree
    on what each key is.
    """
    return "block_key__" + "__".join(rule)


def prediction_rule(rule: list | dict):
    """A prediction blocking rule: equality on the rule's precomputed (size-capped) key column;
    array rules as in ``blocking_rule`` (their values are capped by ``max_profiles_per_value``)."""
    if isinstance(rule, dict):
        return blocking_rule(rule)
    return block_on(block_key_column(rule))


def prediction_rules_sql(conf: MatchingConf, dialect: str) -> list:
    """The conf's prediction rules as a saved model holds them (rendered for ``dialect``)."""
    return conf.settings_creator().get_settings(dialect).as_dict()["blocking_rules_to_generate_predictions"]


class CrossArrayIntersectLevel(cll.ArrayIntersectLevel):
    """Array ``left`` of one record shares an element with array ``right`` of the other, either way.

    Splink's array intersection compares one column on both sides; this rewrites its SQL (so each
    backend keeps its own array functions) for two columns, in both directions (levels are symmetric).
    """

    def __init__(self, left: str, right: str) -> None:
        super().__init__(left, 1)
        self.left, self.right = left, right

    def create_sql(self, sql_dialect) -> str:
        one_way = super().create_sql(sql_dialect)
        col = self.col_expression
        left_l, left_r = col.name_l, col.name_r
        right = cll.ArrayIntersectLevel(self.right, 1)
        right.col_expression.sql_dialect = sql_dialect
        right_l, right_r = right.col_expression.name_l, right.col_expression.name_r
        forward = one_way.replace(left_r, right_r)
        backward = one_way.replace(left_l, right_l)
        return f"(({forward}) OR ({backward}))"


class SwappedNamesLevel(cll.ColumnsReversedLevel):
    """First and last name entered the wrong way round, allowing a typo in each (Jaro-Winkler).

    Splink's ColumnsReversedLevel needs exact equality; a swapped record is often mistyped too. The
    SQL is Splink's own Jaro-Winkler level (each backend's function, Splink's rendering of the
    threshold) with the other side's column substituted, both ways round.
    """

    def __init__(self, first: str, last: str, threshold: float) -> None:
        super().__init__(first, last, symmetrical=True)
        self.first, self.last, self.threshold = first, last, float(threshold)

    def create_sql(self, sql_dialect) -> str:
        first = cll.JaroWinklerLevel(self.first, self.threshold)
        last = cll.JaroWinklerLevel(self.last, self.threshold)
        first.col_expression.sql_dialect = last.col_expression.sql_dialect = sql_dialect
        one_way = first.create_sql(sql_dialect)
        first_l, first_r = first.col_expression.name_l, first.col_expression.name_r
        last_l, last_r = last.col_expression.name_l, last.col_expression.name_r
        forward = one_way.replace(first_r, last_r)  # first name of l against last name of r
        backward = one_way.replace(first_l, last_l)  # last name of l against first name of r
        return f"(({forward}) AND ({backward}))"

    def create_label_for_charts(self) -> str:
        return "First and last name swapped"


class SameAddressLevel(cll.CustomLevel):
    """One address despite a typo: same postcode and a similar (or unknown) street, or the same street
    with the postcode one digit off.

    Family members share the address exactly, so tolerating typos here costs the household model
    nothing, while a mistyped street or postcode no longer reads as "a different address".
    """

    def __init__(self, postcode: str, street: str, threshold: float = 0.88) -> None:
        super().__init__("1 = 1")
        self.postcode, self.street, self.threshold = postcode, street, float(threshold)

    def create_sql(self, sql_dialect) -> str:
        pc = cll.ExactMatchLevel(self.postcode).col_expression
        st = cll.ExactMatchLevel(self.street).col_expression
        pc.sql_dialect = st.sql_dialect = sql_dialect
        jw, lev = sql_dialect.jaro_winkler_function_name, sql_dialect.levenshtein_function_name
        similar = f"{jw}({st.name_l}, {st.name_r}) >= {self.threshold}"
        return (
            f"(({pc.name_l} = {pc.name_r} AND ({similar} OR {st.name_l} IS NULL OR {st.name_r} IS NULL)) "
            f"OR ({jw}({st.name_l}, {st.name_r}) >= 0.95 AND {lev}({pc.name_l}, {pc.name_r}) <= 1))"
        )


def comparison(spec: dict):
    """One Splink comparison from a conf entry (see the kinds in conf/matching.yaml)."""
    column, kind = spec["column"], spec["kind"]
    levels: list = [cll.NullLevel(column)]
    if kind == "name":
        levels.append(cll.ExactMatchLevel(column, term_frequency_adjustments=bool(spec.get("tf"))))
        thresholds = list(spec.get("jaro_winkler", [0.92, 0.8]))
        if spec.get("swapped"):
            # Given name and surname entered the wrong way round (common on forms and lists).
            levels.append(SwappedNamesLevel(column, spec["swapped"], thresholds[0]))
        levels.append(cll.JaroWinklerLevel(column, thresholds[0]))
        if spec.get("array"):
            # Another spelling the profile is known by (a nickname on one booking, say).
            levels.append(cll.ArrayIntersectLevel(spec["array"], 1).configure(label_for_charts="Any known spelling"))
        if spec.get("aliases"):
            # A spelling of one side is a known alias (profile_features.name_aliases) of the other's.
            levels.append(
                CrossArrayIntersectLevel(spec.get("array", column), spec["aliases"]).configure(
                    label_for_charts="Known alias"
                )
            )
        levels += [cll.JaroWinklerLevel(column, t) for t in thresholds[1:]]
    elif kind == "email":
        levels.append(cll.ArrayIntersectLevel(column, 1).configure(label_for_charts="Shared address"))
        if spec.get("primary"):
            local = spec.get("local_part", spec["primary"])
            levels.append(cll.ExactMatchLevel(local).configure(label_for_charts="Same local part"))
            if spec.get("stem"):
                levels.append(
                    cll.ExactMatchLevel(spec["stem"]).configure(label_for_charts="Same letters in local part")
                )
            levels += [cll.JaroWinklerLevel(local, t) for t in spec.get("jaro_winkler", [0.88])]
    elif kind == "phone":
        levels.append(cll.ArrayIntersectLevel(column, 1).configure(label_for_charts="Shared number"))
        if spec.get("primary"):
            levels.append(cll.LevenshteinLevel(spec["primary"], 1))
    elif kind == "date":
        levels += _date_levels(column, spec.get("within_years"))
    elif kind == "array":
        levels.append(cll.ArrayIntersectLevel(column, 1).configure(label_for_charts="Shared value"))
    elif kind == "town":
        # Postcode and street already agree: the household comparison has counted this address, and
        # its town says nothing more (Bayes factor 1). Otherwise a shared town is evidence of one
        # address despite a mistyped street or postcode.
        levels.append(
            SameAddressLevel(spec["postcode"], spec["street"]).configure(
                is_null_level=True, label_for_charts="Same address (counted by household)"
            )
        )
        levels.append(cll.ExactMatchLevel(column, term_frequency_adjustments=bool(spec.get("tf"))))
    elif kind == "contacts":
        return contacts_comparison(spec)
    elif kind == "household":
        return household_comparison(spec)
    else:  # exact
        levels.append(cll.ExactMatchLevel(column, term_frequency_adjustments=bool(spec.get("tf"))))
    levels.append(cll.ElseLevel())
    return cl.CustomComparison(comparison_levels=levels, output_column_name=column)


def _date_levels(column: str, within_years: int | None) -> list:
    """Exact, typo (one edit, day and month swapped), optionally close years; the rest is a different date.

    A date of birth years apart is the strongest sign of a parent, child or namesake, so it is its own
    level rather than sharing one with typos.
    """
    left, right = f"{column}_l", f"{column}_r"
    levels = [
        cll.ExactMatchLevel(column),
        cll.LevenshteinLevel(column, 1),
        cll.CustomLevel(
            f"substr({left}, 1, 4) = substr({right}, 1, 4) AND substr({left}, 6, 2) = substr({right}, 9, 2) "
            f"AND substr({left}, 9, 2) = substr({right}, 6, 2)",
            label_for_charts="Day and month swapped",
        ),
    ]
    if within_years:
        # Splink renders the threshold; ``column`` is a checked feature column name.
        year = ColumnExpression(f"CAST(substr({column}, 1, 4) AS INT)")
        levels.append(
            cll.AbsoluteDifferenceLevel(year, within_years).configure(label_for_charts=f"Within {within_years} years")
        )
    return levels


def _none_on_one_side(*columns: str) -> str:
    """SQL: one side of the pair has none of ``columns`` (portable: plain IS NULL tests)."""
    side = lambda s: "(" + " AND ".join(f"{c}_{s} IS NULL" for c in columns) + ")"  # noqa: E731
    return f"{side('l')} OR {side('r')}"


def contacts_comparison(spec: dict):
    """Person-level contact evidence: a shared loyalty id, or an email / phone only one person holds.

    ``emails`` / ``phones`` name the *personal* arrays (values no two disagreeing people hold, see
    matching.profile_features.personal_values): a family email or a home phone is household evidence
    and is counted by the household comparison instead.
    """
    loyalty, emails, phones = spec["loyalty"], spec["emails"], spec["phones"]
    email, phone = cll.ArrayIntersectLevel(emails, 1), cll.ArrayIntersectLevel(phones, 1)
    levels = [
        cll.CustomLevel(_none_on_one_side(loyalty, emails, phones)).configure(is_null_level=True),
        cll.ArrayIntersectLevel(loyalty, 1).configure(label_for_charts="Shared loyalty id"),
        cll.And(email, phone).configure(label_for_charts="Shared personal email and phone"),
        cll.ArrayIntersectLevel(emails, 1).configure(label_for_charts="Shared personal email"),
        cll.ArrayIntersectLevel(phones, 1).configure(label_for_charts="Shared personal phone"),
        cll.ElseLevel().configure(label_for_charts=NO_SHARED_CONTACT),
    ]
    return cl.CustomComparison(comparison_levels=levels, output_column_name=spec["column"])


def _surname_only_level(surname: str, postcode: str, emails: str, phones: str, tf: bool):
    """Same surname where one side has no address, email or phone: the others could not agree.

    A companion typed in with a name only can never reach the address and contact levels, so its
    surname agreement must not share a level (and an m probability) with "same surname, different
    address and contacts", which among true matches is rare. Without this split the model rates a
    name-only record against its own full profile about 2.6 bits too low.
    """
    agrees = cll.ExactMatchLevel(surname)
    unknown = cll.CustomLevel(_none_on_one_side(postcode, emails, phones))
    level = cll.And(agrees, unknown).configure(label_for_charts="Same surname, no address or contacts on one side")
    if tf:
        level = level.configure(tf_adjustment_column=surname, tf_adjustment_weight=1.0)
    return level


def household_comparison(spec: dict):
    """Surname, address and shared contacts as one comparison, so a household's evidence counts once.

    Family members share a surname, an address, a home phone and often an email: as separate
    comparisons those agreements multiply into a match, although only first name and date of birth
    tell the members apart. One comparison learns how often the combination occurs among matches
    and among random pairs.
    """
    surname, postcode, street = spec["surname"], spec["postcode"], spec["street"]
    emails, phones = spec["emails"], spec["phones"]
    address = SameAddressLevel(postcode, street)
    contact = cll.Or(cll.ArrayIntersectLevel(emails, 1), cll.ArrayIntersectLevel(phones, 1))
    same = cll.ExactMatchLevel(surname)
    thresholds = list(spec.get("jaro_winkler", [0.92, 0.8]))
    levels = [
        cll.CustomLevel(_none_on_one_side(surname, postcode, emails, phones)).configure(is_null_level=True),
        cll.And(same, address, contact).configure(label_for_charts="Same surname, address and a shared contact"),
        cll.And(same, cll.Or(address, contact)).configure(label_for_charts="Same surname and address or contact"),
        cll.Or(address, contact).configure(label_for_charts="Same address or a shared contact"),
        _surname_only_level(surname, postcode, emails, phones, bool(spec.get("tf", True))),
        cll.ExactMatchLevel(surname, term_frequency_adjustments=bool(spec.get("tf", True))),
        cll.JaroWinklerLevel(surname, thresholds[0]),
        cll.ArrayIntersectLevel(spec["surnames"], 1).configure(label_for_charts="Any known surname"),
        *[cll.JaroWinklerLevel(surname, t) for t in thresholds[1:]],
        cll.CustomLevel(f"{surname}_l IS NULL OR {surname}_r IS NULL").configure(
            label_for_charts="Different address and contacts, surname unknown"
        ),
        cll.ElseLevel(),
    ]
    return cl.CustomComparison(comparison_levels=levels, output_column_name=spec["column"])


def neutralise_absence(model: dict, conf: MatchingConf) -> dict:
    """Give the contacts comparison's "no shared personal contact" level a Bayes factor of 1 (m = u).

    The household comparison already scores "no shared contact" (its surname-only and else levels
    mean no shared address, email or phone), so counting it again in contacts would charge one
    fact twice: about 2.6 bits against every pair whose profiles hold different addresses, such as
    a booking made with an old email. A shared personal contact still counts in full. Set
    ``count_absence: true`` on the contacts entry to keep the learned m.
    """
    keep = {c["column"] for c in conf.comparisons if c["kind"] != "contacts" or c.get("count_absence", False)}
    for comparison in model["comparisons"]:
        if comparison["output_column_name"] in keep:
            continue
        for level in comparison["comparison_levels"]:
            if level.get("label_for_charts") == NO_SHARED_CONTACT and level.get("u_probability"):
                level["m_probability"] = level["u_probability"]
    return model


def load_matching_conf(raw: dict) -> MatchingConf:
    """Validated conf from the merged ``matching:`` mapping (runtime.config.load_matching_conf gives it)."""
    return validate(raw)
