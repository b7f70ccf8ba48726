"""Tables of the indicators feature: regions, the indicator catalogue, values,
goal–indicator links and the cache of live Sotkanet responses."""

from __future__ import annotations

from .db import migrations

_VERSIONED = {"version": int, "updated_at": str, "updated_by": str}


@migrations(name="0300_indicators")
def indicators_schema(db):
    # Sotkanet regions (municipalities, counties, the country) plus one "plan area" region per plan.
    db["ind_regions"].create(
        {
            "id": int,
            "sotkanet_id": int,
            "category": str,
            "code": str,
            "plan_id": int,
            "title_fi": str,
            "title_sv": str,
            "title_en": str,
            "member_of": str,
        },
        pk="id",
        not_null={"category", "code"},
    )
    db["ind_regions"].create_index(["sotkanet_id"], unique=True)
    db["ind_regions"].create_index(["category", "code"], unique=True)
    db["indicators"].create(
        {
            "id": int,
            "source": str,
            "source_id": str,
            "title_fi": str,
            "title_sv": str,
            "title_en": str,
            "description_fi": str,
            "description_sv": str,
            "description_en": str,
            "value_type": str,
            "unit_fi": str,
            "unit_sv": str,
            "unit_en": str,
            "decimals": int,
            "organisation": str,
            "direction": str,
            "data_updated": str,
            "range_start": int,
            "range_end": int,
            "is_example": int,
            **_VERSIONED,
        },
        pk="id",
        not_null={"source", "source_id", "title_fi"},
        defaults={"version": 1, "is_example": 0},
    )
    db["indicators"].create_index(["source", "source_id"], unique=True)
    # WITHOUT ROWID: the primary key is the lookup path of every read and keeps a million rows compact.
    db.execute(
        """create table indicator_values (
             indicator_id integer not null,
             region_id integer not null,
             year integer not null,
             gender text not null,
             value real not null,
             abs_value real,
             is_example integer not null default 0,
             primary key (indicator_id, region_id, year, gender)
           ) without rowid"""
    )
    db["goal_indicators"].create(
        {
            "id": int,
            "goal_id": int,
            "indicator_id": int,
            "region_id": int,
            "baseline_year": int,
            "baseline_value": float,
            "target_year": int,
            "target_value": float,
            **_VERSIONED,
        },
        pk="id",
        foreign_keys=[
            ("goal_id", "goals", "id"),
            ("indicator_id", "indicators", "id"),
            ("region_id", "ind_regions", "id"),
        ],
        defaults={"version": 1},
    )
    db["goal_indicators"].create_index(["goal_id", "indicator_id", "region_id"], unique=True)
    db["sotkanet_cache"].create({"url": str, "fetched_at": str, "body": str}, pk="url")


@migrations(name="0301_indicators_example_index")
def example_values_index(db):
    # "Are any example values shown?" is asked on every page run; a partial index answers it
    # at once even when a national-scale table holds no example values at all.
    db.execute(
        "create index if not exists indicator_values_example on indicator_values (indicator_id, region_id) "
        "where is_example = 1"
    )


@migrations(name="0340_indicator_trust")
def indicator_trust(db):
    # Set by a person per indicator: the change that counts as noise when the number of people
    # behind a value is unknown (points or percent of the baseline), and the smallest number of
    # people behind a municipality's value that may be shown (NULL: the documented default).
    db["indicators"].add_column("noise_threshold", float)
    db["indicators"].add_column("noise_unit", str)
    db["indicators"].add_column("min_count", int)
    # A link follows the total, one gender, or the gap between girls and boys.
    db["goal_indicators"].add_column("gender", str, not_null_default="total")
    db.execute("drop index if exists idx_goal_indicators_goal_id_indicator_id_region_id")
    db["goal_indicators"].create_index(["goal_id", "indicator_id", "region_id", "gender"], unique=True)
