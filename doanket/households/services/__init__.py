"""Writes on the household registers. Each one checks who and what, changes, keeps the
counters and records the change in the history, in one transaction."""

from doanket.households.services.common import (
    FIRST_YEAR,
    MAX_MEMBERS,
    POSTING_DAYS,
    check_year,
    clean_criteria,
    today,
)
from doanket.households.services.evaluation import (
    evaluation_comment_add,
    evaluation_decide,
    evaluation_for,
    evaluation_hold_meeting,
    evaluation_mark,
    evaluation_post,
    evaluation_propose,
    posting_ends,
    unmarked,
)
from doanket.households.services.poverty import (
    poverty_set,
)
from doanket.households.services.register import (
    default_zone,
    household_create,
    household_fields,
    household_gone,
    household_move,
    household_update,
    registration_set,
    year_rows_ensure,
)
from doanket.households.services.titles import (
    area_title_decide,
    area_title_propose,
    streak_reward_record,
    title_decider,
)

__all__ = [
    "FIRST_YEAR",
    "MAX_MEMBERS",
    "POSTING_DAYS",
    "area_title_decide",
    "area_title_propose",
    "check_year",
    "clean_criteria",
    "default_zone",
    "evaluation_comment_add",
    "evaluation_decide",
    "evaluation_for",
    "evaluation_hold_meeting",
    "evaluation_mark",
    "evaluation_post",
    "evaluation_propose",
    "household_create",
    "household_fields",
    "household_gone",
    "household_move",
    "household_update",
    "posting_ends",
    "poverty_set",
    "registration_set",
    "streak_reward_record",
    "title_decider",
    "today",
    "unmarked",
    "year_rows_ensure",
]
