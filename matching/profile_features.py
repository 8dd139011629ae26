"""Matching input: one row per (domain, profile_id) with the profile's normalised identity attributes.

A profile is a group of traveller ids (``identity/traveller_profiles``); its records disagree now and
then (a nickname on one booking, an old email on another), so scalars take the value most of its
travellers agree on and multi-valued attributes keep every known value in a sorted array. Values
held by too many profiles (``none@none.com``, an agency phone) carry no identity and are dropped, so
they neither block nor score. ``feature_hash`` lets an incremental run find changed profiles.
"""

from __future__ import annotations

from pyspark.sql import Column, DataFrame, Window
from pyspark.sql import functions as F

from matching import normalize
from matching.attributes import PERSON_TABLES

SCALARS = ("first_name", "last_name", "date_of_birth")
# A profile with none of these carries no identity (an anonymous web session): it is kept in the
# features table but never compared, since every comparison would be NULL.
IDENTITY_COLUMNS = ("first_name", "last_name", "date_of_birth", "emails", "phones", "loyalty_ids")
# Two holders of one email or phone whose first names differ by more than this many edits are two
# people (a typo or a swapped letter is at most two edits; Bob and Robert are more, a known cost).
HOUSEHOLD_NAME_EDITS = 2
# Two first names are known aliases when at least this many profiles carry both (Tom on one booking,
# Thomas on another, joined by a shared loyalty id or email). One profile is not enough: a typo or a
# wrongly joined pair of people would become an alias.
ALIAS_MIN_PROFILES = 2
ARRAYS = {"email": "emails", "phone": "phones", "loyalty_id": "loyalty_ids"}
DETAILS = ("middle_name", "gender", "nationality", "address_line1", "city", "postal_code", "country")
FEATURE_COLUMNS = (
    "domain",
    "profile_id",
    "first_name",
    "first_names",
    "first_name_aliases",
    "middle_name",
    "last_name",
    "last_names",
    "date_of_birth",
    "birth_year",
    "gender",
    "emails",
    "personal_emails",
    "email",
    "email_local",
    "email_stem",
    "phones",
    "personal_phones",
    "phone",
    "loyalty_ids",
    "address_line1",
    "city",
    "postal_code",
    "country",
    "nationality",
    "first_name_initial",
    "last_name_soundex",
    "first_name_soundex",
    "name_soundex_pair",
    "street_name",
    "birth_month_day",
    "traveller_count",
    "feature_hash",
)


def postal_code(col: Column | str) -> Column:
    """Upper case, letters and digits only (``sw1a 1aa`` = ``SW1A1AA``); NULL when empty."""
    value = F.regexp_replace(F.upper(F.col(col) if isinstance(col, str) else col), r"[^A-Z0-9]", "")
    return F.when(value != "", value)


def street_name(col: Column | str) -> Column:
    """The street of an address line without its house number (``177 pridham street`` -> ``pridham street``).

    A blocking key: a mistyped house number or postcode leaves the street itself intact. NULL when
    fewer than three letters remain.
    """
    value = F.trim(F.regexp_replace(F.col(col) if isinstance(col, str) else col, r"^[0-9][0-9a-z/-]*\s+", ""))
    return F.when(F.length(F.regexp_replace(value, r"[^a-z]", "")) >= 3, value)


def blocking_keys(df: DataFrame) -> DataFrame:
    """The derived columns the blocking rules join on: initials, Spark's soundex codes, date parts, street.

    ``df`` needs first_name, last_name, date_of_birth (ISO) and address_line1. Soundex is Spark's
    built-in (a library function, no UDF); Splink's DuckDB backend reads the computed columns.
    """
    first_sound = F.when(F.col("first_name").isNotNull(), F.soundex("first_name"))
    last_sound = F.when(F.col("last_name").isNotNull(), F.soundex("last_name"))
    return (
        df.withColumn("birth_year", F.substring("date_of_birth", 1, 4))
        .withColumn("birth_month_day", F.substring("date_of_birth", 6, 5))
        .withColumn("first_name_initial", F.substring("first_name", 1, 1))
        .withColumn("last_name_soundex", last_sound)
        .withColumn("first_name_soundex", first_sound)
        # Both sounds in sorted order: the same key when given name and surname are swapped.
        .withColumn(
            "name_soundex_pair",
            F.when(
                first_sound.isNotNull() & last_sound.isNotNull(),
                F.array_join(F.array_sort(F.array(first_sound, last_sound)), " "),
            ),
        )
        .withColumn("street_name", street_name("address_line1"))
    )


def gender(col: Column | str) -> Column:
    """``m`` / ``f`` / ``x`` from the usual spellings (male, F, W...); NULL when unknown."""
    value = F.lower(F.trim(F.col(col) if isinstance(col, str) else col))
    return (
        F.when(value.isin("m", "male", "man", "h", "homme"), "m")
        .when(value.isin("f", "female", "woman", "w", "femme"), "f")
        .when(value.isin("x", "other", "nonbinary", "non-binary", "u"), "x")
    )


def person_details(tables: dict[str, DataFrame]) -> DataFrame:
    """(domain, traveller_id, <DETAILS>, updated) from the person-carrying ACCP tables, normalised."""

    def pick(df: DataFrame, *names: str) -> Column:
        present = [F.col(n) for n in names if n in df.columns]
        return F.coalesce(*present) if present else F.lit(None).cast("string")

    parts = []
    for table in PERSON_TABLES:
        df = tables.get(table)
        if df is None:
            continue
        parts.append(
            df.select(
                "domain",
                "traveller_id",
                normalize.name(pick(df, "middle_name")).alias("middle_name"),
                gender(pick(df, "gender")).alias("gender"),
                normalize.identifier(pick(df, "nationality_code", "nationality_name")).alias("nationality"),
                normalize.name(pick(df, "address_line1")).alias("address_line1"),
                normalize.name(pick(df, "address_city")).alias("city"),
                postal_code(pick(df, "address_postal_code")).alias("postal_code"),
                normalize.identifier(pick(df, "address_country")).alias("country"),
                pick(df, "last_updated_ts").cast("timestamp").alias("updated"),
            )
        )
    if not parts:
        return None
    result = parts[0]
    for part in parts[1:]:
        result = result.unionByName(part)
    return result


def _modes(long: DataFrame, attributes: tuple[str, ...]) -> DataFrame:
    """(domain, profile_id, <one column per attribute>): the value most of the profile's rows carry.

    ``long``: (domain, profile_id, attribute, value, updated); ties go to the newest, then the
    smallest value. One window over all attributes, then a pivot, instead of a join per attribute.
    """
    counts = (
        long.where(F.col("value").isNotNull() & F.col("attribute").isin(*attributes))
        .groupBy("domain", "profile_id", "attribute", "value")
        .agg(F.count("*").alias("_n"), F.max("updated").alias("_t"))
    )
    best = Window.partitionBy("domain", "profile_id", "attribute").orderBy(
        F.col("_n").desc(), F.col("_t").desc_nulls_last(), F.col("value")
    )
    top = counts.withColumn("_r", F.row_number().over(best)).where("_r = 1")
    return top.groupBy("domain", "profile_id").agg(
        *[F.max(F.when(F.col("attribute") == a, F.col("value"))).alias(a) for a in attributes]
    )


def _shared_values(long: DataFrame, limit: int) -> DataFrame:
    """(attribute, value) pairs held by at most ``limit`` profiles of the domain."""
    per_value = long.groupBy("domain", "attribute", "value").agg(F.countDistinct("profile_id").alias("_p"))
    return per_value.where(F.col("_p") <= limit).select("domain", "attribute", "value")


def _empty_to_null(arr: Column) -> Column:
    return F.when(F.size(arr) > 0, arr)


def identified(features: DataFrame) -> DataFrame:
    """Profiles with at least one identity attribute (the others cannot match anything)."""
    return features.where(F.coalesce(*[F.col(c).cast("string") for c in IDENTITY_COLUMNS]).isNotNull())


def name_aliases(groups: DataFrame, min_profiles: int = ALIAS_MIN_PROFILES) -> DataFrame:
    """(domain, name, alias): first names that ``min_profiles`` or more profiles carry together.

    Learned from the data instead of a nickname list: the identity rules join a booking made as Tom
    to a profile kept as Thomas through a shared loyalty id or email, so the profile knows both
    spellings. ``groups``: (domain, profile_id, first_names); both directions are returned.
    """
    names = groups.where(F.size("first_names") > 1).select(
        "domain", "profile_id", F.explode("first_names").alias("name")
    )
    a, b = names.alias("a"), names.alias("b")
    pairs = a.join(
        b,
        (F.col("a.domain") == F.col("b.domain"))
        & (F.col("a.profile_id") == F.col("b.profile_id"))
        & (F.col("a.name") != F.col("b.name")),
    ).select("a.domain", "a.profile_id", F.col("a.name").alias("name"), F.col("b.name").alias("alias"))
    return (
        pairs.groupBy("domain", "name", "alias")
        .agg(F.countDistinct("profile_id").alias("_n"))
        .where(F.col("_n") >= min_profiles)
        .select("domain", "name", "alias")
    )


def first_name_aliases(profiles: DataFrame, aliases: DataFrame) -> DataFrame:
    """(domain, profile_id, first_name_aliases): the profile's spellings plus their known aliases.

    One hop only (Chris is an alias of Christopher and of Christine, which are not aliases of each
    other), so the comparison intersects one side's aliases with the other side's spellings.
    """
    spellings = profiles.select("domain", "profile_id", F.explode("first_names").alias("name"))
    expanded = spellings.join(aliases, ["domain", "name"], "left").select(
        "domain", "profile_id", F.explode(F.array("name", "alias")).alias("name")
    )
    return expanded.groupBy("domain", "profile_id").agg(F.array_sort(F.collect_set("name")).alias("first_name_aliases"))


def personal_values(profiles: DataFrame, aliases: DataFrame | None = None) -> DataFrame:
    """(domain, profile_id, personal_emails, personal_phones): the emails and phones no two people share.

    A value is shared by two people when two of its holders disagree on identity: first names more
    than HOUSEHOLD_NAME_EDITS edits apart and not known aliases of each other (``aliases``, from
    name_aliases: Tom and Thomas are one person), or different dates of birth. That is a family
    email or a home phone: evidence of a household, not of a person. Values held by one person
    (under name variants, or by profiles without a name) stay personal. ``profiles`` needs
    first_name, date_of_birth, emails and phones; each value has at most ``max_profiles_per_value``
    holders, so the self-join is small.
    """
    holders = profiles.select(
        "domain", "profile_id", "first_name", "date_of_birth", F.explode("emails").alias("value")
    ).withColumn("attribute", F.lit("email"))
    holders = holders.unionByName(
        profiles.select(
            "domain", "profile_id", "first_name", "date_of_birth", F.explode("phones").alias("value")
        ).withColumn("attribute", F.lit("phone"))
    )
    a, b = holders.alias("a"), holders.alias("b")
    pairs = a.join(
        b,
        (F.col("a.domain") == F.col("b.domain"))
        & (F.col("a.attribute") == F.col("b.attribute"))
        & (F.col("a.value") == F.col("b.value"))
        & (F.col("a.profile_id") < F.col("b.profile_id")),
    )
    known_alias = F.lit(False)
    if aliases is not None:
        pairs = pairs.join(
            aliases.select(
                F.col("domain").alias("_d"),
                F.col("name").alias("_n"),
                F.col("alias").alias("_a"),
                F.lit(True).alias("_k"),
            ),
            (F.col("_d") == F.col("a.domain"))
            & (F.col("_n") == F.col("a.first_name"))
            & (F.col("_a") == F.col("b.first_name")),
            "left",
        )
        known_alias = F.coalesce(F.col("_k"), F.lit(False))
    names_differ = (F.levenshtein(F.col("a.first_name"), F.col("b.first_name")) > HOUSEHOLD_NAME_EDITS) & ~known_alias
    disagree = names_differ | (F.col("a.date_of_birth") != F.col("b.date_of_birth"))
    shared = pairs.where(F.coalesce(disagree, F.lit(False))).select("a.domain", "a.attribute", "a.value").distinct()
    personal = holders.join(shared, ["domain", "attribute", "value"], "left_anti")

    def values_of(attribute: str) -> Column:
        return _empty_to_null(F.array_sort(F.collect_set(F.when(F.col("attribute") == attribute, F.col("value")))))

    return personal.groupBy("domain", "profile_id").agg(
        values_of("email").alias("personal_emails"), values_of("phone").alias("personal_phones")
    )


def profile_features(
    attributes: DataFrame,
    details: DataFrame | None,
    mapping: DataFrame,
    max_profiles_per_value: int = 10,
    alias_mapping: DataFrame | None = None,
) -> DataFrame:
    """One row per (domain, profile_id) with the columns of FEATURE_COLUMNS.

    ``attributes``: (domain, traveller_id, attribute, value) from matching.attributes; ``details``:
    from person_details (or None); ``mapping``: (domain, traveller_id, profile_id);
    ``alias_mapping``: the grouping first-name aliases are learned from (default ``mapping``; the
    per-traveller training records pass the real profiles, since one record knows one spelling).
    """
    links = mapping.select("domain", "traveller_id", "profile_id")
    long = attributes.join(links, ["domain", "traveller_id"]).select("domain", "profile_id", "attribute", "value")
    shared = _shared_values(long.where(F.col("attribute").isin(*ARRAYS)), max_profiles_per_value)
    flagged = long.join(shared.withColumn("_keep", F.lit(True)), ["domain", "attribute", "value"], "left")

    def values_of(attribute: str, keep_only: bool) -> Column:
        wanted = F.col("attribute") == attribute
        if keep_only:
            wanted = wanted & F.col("_keep")
        return _empty_to_null(F.array_sort(F.collect_set(F.when(wanted, F.col("value")))))

    arrays = flagged.groupBy("domain", "profile_id").agg(
        *[values_of(a, True).alias(c) for a, c in ARRAYS.items()],
        values_of("first_name", False).alias("first_names"),
        values_of("last_name", False).alias("last_names"),
    )
    # Scalars, and the primary email / phone: the value most of the profile's travellers share.
    scalars = long.withColumn("updated", F.lit(None).cast("timestamp"))
    if details is not None:
        detail_long = details.join(links, ["domain", "traveller_id"]).select(
            "domain",
            "profile_id",
            F.explode(
                F.array(*[F.struct(F.lit(c).alias("attribute"), F.col(c).alias("value")) for c in DETAILS])
            ).alias("p"),
            "updated",
        )
        scalars = scalars.unionByName(detail_long.select("domain", "profile_id", "p.attribute", "p.value", "updated"))
    modes = _modes(scalars, (*SCALARS, "email", "phone", *DETAILS))
    profiles = links.groupBy("domain", "profile_id").agg(F.countDistinct("traveller_id").alias("traveller_count"))
    result = profiles.join(modes, ["domain", "profile_id"], "left").join(arrays, ["domain", "profile_id"], "left")
    # The primary email/phone must be one that survived the junk filter.
    result = result.withColumn("email", F.when(F.array_contains(F.col("emails"), F.col("email")), F.col("email")))
    result = result.withColumn("phone", F.when(F.array_contains(F.col("phones"), F.col("phone")), F.col("phone")))
    result = (
        result.withColumn("email_local", F.regexp_replace(F.substring_index("email", "@", 1), r"[._+-]", ""))
        # Letters of the local part only (``richard.hall70`` -> ``richardhall``): people keep the name
        # part across providers and add or drop digits.
        .withColumn("email_stem", F.regexp_replace("email_local", r"[^a-z]", ""))
        .withColumn("email_stem", F.when(F.length("email_stem") >= 6, F.col("email_stem")))
    )
    result = blocking_keys(result)
    if alias_mapping is None:
        groups = arrays.select("domain", "profile_id", "first_names")
    else:
        groups = (
            attributes.where(F.col("attribute") == "first_name")
            .join(alias_mapping.select("domain", "traveller_id", "profile_id"), ["domain", "traveller_id"])
            .groupBy("domain", "profile_id")
            .agg(F.collect_set("value").alias("first_names"))
        )
    # Read twice (personal values, alias arrays): computed once.
    aliases = name_aliases(groups).localCheckpoint()
    result = result.join(personal_values(result, aliases), ["domain", "profile_id"], "left")
    result = result.join(first_name_aliases(result, aliases), ["domain", "profile_id"], "left")
    content = [c for c in FEATURE_COLUMNS if c not in ("domain", "profile_id", "traveller_count", "feature_hash")]
    result = result.withColumn("feature_hash", F.sha2(F.to_json(F.struct(*content)), 256))
    return result.select(*FEATURE_COLUMNS)
