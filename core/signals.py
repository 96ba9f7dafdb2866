"""Signals core sends for the apps above it to hear (core imports none of them)."""

from django.dispatch import Signal

# Something happened to a user's own account that the user must be told of: `user`
# (the account's owner) and `kind`, one of "two_factor_disabled" and "lockout"
# (notifications.kinds.Kind). Sent inside the transaction of the event.
account_alert = Signal()

# A user asked too often whether people are already in the network (core.throttle): the
# first refusal of a window sends `user` (who asked), for the coordinators of the user's
# organisations to be told. Sent inside the transaction of the refusal.
lookups_throttled = Signal()

# A referral moved to `to_status` (sent, accepted, declined, withdrawn...): `referral`,
# `to_status`, `actor` (who moved it). Sent by beneficiaries.services.intake inside the
# transaction of the move, so a rollback leaves nothing of what receivers wrote.
referral_moved = Signal()

# Social workers were added to a case: `case`, `workers` (only the newly added ones),
# `actor`, and `opened` (True when the case has just been opened). Sent by
# beneficiaries.services.cases inside the transaction.
case_workers_added = Signal()

# The daily reminders scan found things due for `user`: `counts` ({kind: how many},
# kinds of notifications.kinds.Kind) on `day`. Sent by dashboard's scan_reminders.
reminders_due = Signal()

# A member of a household wrote to its workers from "Il mio percorso" (household_view/):
# `message` (household_view.MemberMessage: a short message, or a request to withdraw a
# consent), `case`. Sent inside the transaction that saves the message.
household_member_wrote = Signal()

# The daily reminders scan found `count` planned appointments on `day` (tomorrow) with
# `user` among the staff involved. Sent by dashboard's scan_reminders.
appointments_tomorrow = Signal()
