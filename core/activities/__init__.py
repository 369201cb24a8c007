"""Activities: emails, calls, form posts and notes attached to the customers they concern.

An activity is logged once per (connector, external id) however often its source sends
it; linking it to more customers or reps later adds links, never a second activity.
"""

from core.activities.inputs import ActivityInput, activity_from_mapped
from core.activities.logbook import ActivityEntry, LoggedActivity, log_activities, log_activity

__all__ = [
    "ActivityEntry",
    "ActivityInput",
    "LoggedActivity",
    "activity_from_mapped",
    "log_activities",
    "log_activity",
]
