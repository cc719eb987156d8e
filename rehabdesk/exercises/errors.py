from __future__ import annotations

from enum import StrEnum

from rehabdesk.core.errors import DomainError


class ExerciseErrorCode(StrEnum):
    INVALID = "invalid"  # a field missing or malformed (`field` says which)
    EMPTY_PROGRAM = "empty_program"  # a program needs at least one exercise
    INACTIVE_EXERCISE = "inactive_exercise"  # the library's exercise was retired
    PROGRAM_STOPPED = "program_stopped"  # a stopped program takes no sessions
    NOT_TODAY = "not_today"  # a session ticked for a day not yet come, or undone later
    SESSION_DONE = "session_done"  # that session of the day is ticked already
    STALE_PROGRAM = "stale_program"  # changed meanwhile from another tab; reload first
    NOT_IN_CARE = "not_in_care"  # a prescriber who is not a practitioner in the patient's care
    NOT_FOLLOWER = "not_follower"  # a tick or reminder by someone other than patient/guardian


class ExerciseError(DomainError):
    pass
